import { computeQuantView, DEFAULT_GENERATOR, DEFAULT_VIEW, generateTensor, createTensorCache } from '../src/core';
import { startKquantThreads } from '../src/node/kquantThreads';
const t = generateTensor({ ...DEFAULT_GENERATOR, rows: 1024, cols: 1024 });
const threads = process.argv[2] === '0' ? null : await startKquantThreads(1);
const kcache = createTensorCache(t);
const med = (a: number[]) => a.sort((p, q) => p - q)[a.length >> 1];
const out: string[] = [];
let eb = 10;
for (const fmt of ['q4_k', 'mxfp4', 'q8_0']) {
  const s = { kind: 'block', format: fmt } as never;
  const v: number[] = [];
  for (let r = 0; r < 25; r++) {
    const t0 = performance.now();
    computeQuantView(t, s, { ...DEFAULT_VIEW, errorBins: 10 + (eb++ % 60) }, kcache, { channel: 'a' });
    v.push(performance.now() - t0);
  }
  out.push(`${fmt} ${med(v).toFixed(2)}`);
}
console.log(out.join(' | '));
await threads?.stop();
