import { isSecretName } from '@reauth/logger';

// A JSON key and the start of its value, in plain JSON (log lines, dlq output) and in JSON held
// inside a JSON string (a job's data in a Redis hash, as dumped): quotes may come escaped.
const field = /\\*"([A-Za-z0-9_.-]+)\\*"\s*:\s*(\\*"\[REDACTED\]|null\b|.)/g;

/**
 * Secret-named fields, at any depth, whose value is not masked: a secret the value sweep cannot
 * know (a refresh token nobody recorded, a password of a third system) still shows up by its name.
 */
export function unmaskedSecretFields(text: string): string[] {
  const found = new Set<string>();
  for (const [, name, value] of text.matchAll(field)) {
    if (name && isSecretName(name) && !value?.endsWith('[REDACTED]') && value !== 'null') found.add(name);
  }
  return [...found];
}
