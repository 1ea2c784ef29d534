#!/usr/bin/env node
// Runs the browser tests: `vitest run --project e2e` (the app must be built first: `npm run build`).
// Extra arguments are passed to vitest, e.g. `node tests/e2e/run-e2e.mjs -t crash`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
if (!existsSync(join(root, 'dist', 'index.html'))) {
  console.error('dist/index.html is missing: run `npm run build` before the e2e tests.');
  process.exit(1);
}
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const result = spawnSync(process.execPath, [vitest, 'run', '--project', 'e2e', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
