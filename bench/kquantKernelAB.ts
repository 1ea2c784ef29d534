/**
 * Two builds of the k-quant kernel (src/kernels/kquantKernel.as.ts) timed against each other on the same 1024² tensor,
 * alternated call by call in one process (so both see the same moments of a noisy machine), with a check that
 * their outputs (codes, values, sub-block parameters) are byte-identical. For kernel work: build the old module
 * from a commit and compare it with the current one, e.g.
 *
 *   git show HEAD~1:src/core/wasm/kquantKernel.wasm.ts > /tmp/old.wasm.ts
 *   node --import tsx bench/kquantKernelAB.ts q6 /tmp/old.wasm.ts src/core/wasm/kquantKernel.wasm.ts
 *
 * Arguments: q4 | q6, then two or more generated kernel modules (*.wasm.ts). Options: --rounds 80.
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_GENERATOR, generateTensor } from '../src/core';
import { decodeBase64 } from '../src/core/wasm/wasmModule';
import { median } from './timing';

const args = process.argv.slice(2);
const roundsAt = args.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 80;
const [kind, ...files] = roundsAt >= 0 ? args.filter((_, i) => i !== roundsAt && i !== roundsAt + 1) : args;
if ((kind !== 'q4' && kind !== 'q6') || files.length < 2)
  throw new Error('usage: kquantKernelAB.ts q4|q6 <old.wasm.ts> <new.wasm.ts> [--rounds 80]');
const type = kind === 'q4' ? 0 : 1;
const n = 1024;
const data = generateTensor({ ...DEFAULT_GENERATOR, rows: n, cols: n }).data;

interface Exports {
  quantizeRows(...args: number[]): void;
}

/** One build, instantiated on its own memory holding the tensor; `run` quantizes it, `output` copies the result. */
function load(file: string) {
  // the module's first constant: the plain-memory build (a second one, if any, is the shared-memory build)
  const source = readFileSync(file, 'utf8').split('export const ')[1] ?? '';
  const base64 = [...source.matchAll(/'([A-Za-z0-9+/=]+)'/g)].map((m) => m[1]).join('');
  const x = 16_384;
  const codes = x + 4 * n * n;
  const deq = codes + 2 * n * n;
  const a = deq + 4 * n * n;
  const b = a + (4 * n * n) / 16;
  const end = b + (4 * n * n) / 16;
  const memory = new WebAssembly.Memory({ initial: Math.ceil(end / 65_536) });
  const module = new WebAssembly.Module(new Uint8Array(decodeBase64(base64)));
  const kernel = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Exports;
  new Float32Array(memory.buffer, x, n * n).set(data);
  return {
    run: () => kernel.quantizeRows(type, x, n, n, codes, deq, a, b, 0),
    output: () => new Uint8Array(memory.buffer, codes, end - codes).slice(),
  };
}

const builds = files.map(load);
const times = builds.map(() => [] as number[]);
for (let r = 0; r < rounds; r++) {
  builds.forEach((build, i) => {
    const t0 = performance.now();
    build.run();
    times[i].push(performance.now() - t0);
  });
}
const outputs = builds.map((build) => build.output());
const same = outputs.every((o) => o.length === outputs[0].length && o.every((v, i) => v === outputs[0][i]));
for (const [i, file] of files.entries()) {
  const ms = times[i];
  console.log(`${file}: median ${median(ms).toFixed(2)} ms, best ${Math.min(...ms).toFixed(2)} ms`);
}
console.log(`outputs byte-identical: ${same}`);
