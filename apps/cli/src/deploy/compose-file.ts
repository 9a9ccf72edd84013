import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** The parts of a compose service the deployment tests look at. */
export interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  container_name?: string;
  ports?: string[];
  profiles?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  healthcheck?: { test: string[] };
}

export const repoRoot = new URL('../../../../', import.meta.url);
export const readRepoFile = (file: string): string => readFileSync(new URL(file, repoRoot), 'utf8');

/**
 * Services of compose files layered like `docker compose -f a -f b`: a later file's environment and
 * depends_on entries are merged key by key into the earlier one's, any other key replaces.
 */
export function loadCompose(...files: string[]): Record<string, ComposeService> {
  const services: Record<string, ComposeService> = {};
  for (const file of files) {
    const doc = parse(readRepoFile(file), { merge: true }) as { services: Record<string, ComposeService> };
    for (const [name, service] of Object.entries(doc.services)) {
      const before = services[name] ?? {};
      services[name] = {
        ...before,
        ...service,
        environment: { ...before.environment, ...service.environment },
        depends_on: { ...before.depends_on, ...service.depends_on },
      };
    }
  }
  return services;
}
