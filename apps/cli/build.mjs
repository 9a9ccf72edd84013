/**
 * Production build of the `reauth` command (`pnpm build`): one ESM bundle per entry point in
 * apps/cli/dist. Workspace packages are TypeScript read through the `@reauth/source` condition and
 * bundled in; npm packages stay imports that Node resolves at run time from the hoisted production
 * node_modules `pnpm deploy` lays out next to dist/ (see the Dockerfile). Leaving npm packages out
 * keeps working what they read from disk (bull-board's UI files, msgpackr's native addon).
 */
import { cpSync, existsSync, realpathSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

// esbuild arrives with tsx; resolving it through tsx keeps the build on the version the tests use.
const require = createRequire(import.meta.url);
const { build } = await import(createRequire(require.resolve('tsx/package.json')).resolve('esbuild'));

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const { values } = parseArgs({ options: { outdir: { type: 'string', default: join(here, 'dist') } } });
const outdir = resolve(values.outdir);

const npmPackagesExternal = {
  name: 'npm-packages-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@reauth/') ? undefined : { path: args.path, external: true }));
  },
};

const result = await build({
  absWorkingDir: root,
  entryPoints: { main: join(here, 'src/main.ts'), healthcheck: join(here, 'src/deploy/healthcheck-main.ts') },
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  conditions: ['@reauth/source'],
  plugins: [npmPackagesExternal],
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
});

/**
 * The bundle resolves each npm package once, from the top of node_modules, so every workspace
 * package importing it must declare it and agree on one installed copy; otherwise the image would
 * quietly run a version some package was never tested with.
 */
const packageName = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');
const copies = new Map();
const problems = [];
for (const [file, input] of Object.entries(result.metafile.inputs)) {
  for (const { path, external } of input.imports) {
    if (!external || path.startsWith('node:')) continue;
    const name = packageName(path);
    let dir = dirname(join(root, file));
    while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
    const installed = join(dir, 'node_modules', name);
    if (!existsSync(installed)) {
      problems.push(`${file} imports ${name}, which ${join(dir, 'package.json')} does not declare`);
      continue;
    }
    copies.set(name, (copies.get(name) ?? new Set()).add(realpathSync(installed)));
  }
}
for (const [name, dirs] of copies) {
  if (dirs.size > 1) problems.push(`${name} resolves to ${dirs.size} different installs: ${[...dirs].join(', ')}`);
}
if (problems.length > 0) {
  process.stderr.write(`build: npm imports the bundle cannot resolve to one copy:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
  process.exit(1);
}
// The shipped email templates are read from disk at start (TEMPLATES_DIR overrides them by name):
// @reauth/email looks for them in templates/ beside the bundle.
cpSync(join(root, 'packages/email/templates'), join(outdir, 'templates'), { recursive: true });

// Where this build found each npm import (relative to the repository): what a deploy must provide.
const npmImports = Object.fromEntries([...copies].sort(([a], [b]) => a.localeCompare(b)).map(([name, dirs]) => [name, relative(root, [...dirs][0])]));
writeFileSync(join(outdir, 'npm-imports.json'), `${JSON.stringify(npmImports, null, 2)}\n`);
process.stdout.write(`built ${relative(process.cwd(), outdir) || '.'}/{main,healthcheck}.mjs; npm imports: ${Object.keys(npmImports).join(', ')}\n`);
