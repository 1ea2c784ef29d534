#!/usr/bin/env node
/**
 * The one test command (`npm test`, called by .ci/run): lint + format check, the layering check
 * (scripts/checkLayers.ts), type checks, the production build, then every Vitest project (unit/property/jsdom in Node, and the end-to-end tests in the system Chromium against
 * the build). It ends with one summary line, `N passed, N failed`, counting the checks and every test.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const results = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function step(name, command, args) {
  console.log(`\n=== ${name}: ${[command, ...args].join(' ')}`);
  const run = spawnSync(command, args, { stdio: 'inherit', env: process.env });
  if (run.status === 0) results.passed++;
  else {
    results.failed++;
    failures.push(name);
  }
  return run.status === 0;
}

step('lint and format (biome)', 'npx', ['biome', 'check', '.']);
step('layers (imports one way, no cycles)', 'node', ['--import', 'tsx', 'scripts/checkLayers.ts']);
step('typecheck (app, tests)', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
step('typecheck (pure core: ES2022 only, no DOM)', 'npx', [
  'tsc',
  '-p',
  'src/core/tsconfig.json',
  '--noEmit',
]);
step('typecheck (the AssemblyScript kernels, with their own types)', 'npx', [
  'tsc',
  '-p',
  'src/kernels/tsconfig.json',
]);
const built = step('production build', 'npx', ['vite', 'build', '--logLevel', 'warn']);
if (!built) console.log('The build failed: the browser tests below will fail for lack of dist/.');

mkdirSync('test-artifacts', { recursive: true });
const report = 'test-artifacts/vitest-report.json';
rmSync(report, { force: true });
console.log('\n=== tests (vitest: unit, property, jsdom, and e2e in Chromium)');
const vitest = spawnSync(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
  {
    stdio: 'inherit',
    env: process.env,
  },
);
if (existsSync(report)) {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  results.passed += json.numPassedTests;
  results.failed += json.numFailedTests;
  results.skipped += json.numPendingTests + json.numTodoTests;
  // A suite that fails to load has no failed test in it, but it is a failure.
  const brokenSuites = json.testResults.filter(
    (r) => r.status === 'failed' && r.assertionResults.length === 0,
  );
  results.failed += brokenSuites.length;
  for (const r of brokenSuites) failures.push(`suite did not run: ${r.name}`);
  if (json.numFailedTests > 0) failures.push(`${json.numFailedTests} test(s)`);
} else {
  results.failed++;
  failures.push('vitest produced no report');
}
if (vitest.status !== 0 && failures.length === 0) {
  results.failed++;
  failures.push(`vitest exited with ${vitest.status}`);
}

console.log('');
if (failures.length > 0) console.log(`Failed: ${failures.join('; ')}`);
console.log(
  `${results.passed} passed, ${results.failed} failed${results.skipped ? `, ${results.skipped} skipped` : ''}`,
);
process.exit(results.failed > 0 ? 1 : 0);
