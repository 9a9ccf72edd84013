/**
 * `node --import tsx bench/profile-summary.ts <file.cpuprofile | child folder> [top]`: where a
 * process spent its CPU time, by library (self time) and by function (self and inclusive), from
 * the V8 CPU profiles `pnpm bench -- --profile` writes, one folder per child process.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [path, topArg] = process.argv.slice(2);
if (!path) throw new Error('usage: profile-summary.ts <file.cpuprofile | folder> [top]');
// In a child's folder, the largest profile is the main thread's (the other is tsx's loader thread).
const file = statSync(path).isDirectory()
  ? join(path, readdirSync(path).sort((a, b) => statSync(join(path, b)).size - statSync(join(path, a)).size)[0] ?? '')
  : path;
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;

const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

/** node_modules/.pnpm/<name>@<version>/… -> name; packages/<x>/src -> @reauth/x; node:… -> node. */
function library(url: string, name: string): string {
  if (!url) return `(${name || 'native'})`;
  const pnpm = /node_modules\/\.pnpm\/(@[^+/]+\+[^@/]+|[^@/]+)@/.exec(url)?.[1];
  if (pnpm) return pnpm.replace('+', '/');
  const own = /\/(packages|apps)\/([^/]+)\/src\//.exec(url);
  if (own) return `@reauth/${own[2]}`;
  if (url.startsWith('node:')) return url;
  return url.replace(/^file:\/\//, '');
}
const label = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${library(n.callFrame.url, n.callFrame.functionName)}:${n.callFrame.lineNumber + 1}`;

// Percentages are of busy time: a server idles between benchmark rounds, and that says nothing.
const idleUs = [...selfUs].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((a, [, us]) => a + us, 0);
const total = [...selfUs.values()].reduce((a, b) => a + b, 0) - idleUs;
const byLibrary = new Map<string, number>();
const byOwner = new Map<string, number>();
const isRuntime = (lib: string) => lib.startsWith('node:') || lib.startsWith('(');
const byFunction = new Map<string, number>();
const inclusive = new Map<string, number>();
for (const [id, us] of selfUs) {
  const node = byId.get(id);
  if (!node || node.callFrame.functionName === '(idle)') continue;
  const lib = library(node.callFrame.url, node.callFrame.functionName);
  byLibrary.set(lib, (byLibrary.get(lib) ?? 0) + us);
  byFunction.set(label(node), (byFunction.get(label(node)) ?? 0) + us);
  // Node internals and native code are charged to the nearest library on the stack that called them.
  let owner = lib;
  for (let cur = parent.get(id); isRuntime(owner) && cur !== undefined; cur = parent.get(cur)) {
    const frame = byId.get(cur);
    if (frame && !isRuntime(library(frame.callFrame.url, frame.callFrame.functionName))) owner = library(frame.callFrame.url, frame.callFrame.functionName);
  }
  byOwner.set(owner, (byOwner.get(owner) ?? 0) + us);
  // Inclusive time: each sample counts once for every distinct function on its stack.
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const frame = byId.get(cur);
    if (!frame) break;
    const key = label(frame);
    if (!seen.has(key)) inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    seen.add(key);
  }
}

const print = (title: string, map: Map<string, number>) => {
  process.stdout.write(`\n${title}\n`);
  for (const [key, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`${((100 * us) / total).toFixed(1).padStart(6)}%  ${key}\n`);
  }
};
process.stdout.write(`${file}: ${(total / 1e6).toFixed(1)} s busy, ${(idleUs / 1e6).toFixed(1)} s idle; percentages are of busy time\n`);
print('self time by library', byLibrary);
print('self time by library, with node internals charged to their caller', byOwner);
print('self time by function', byFunction);
print('inclusive time by function', inclusive);
