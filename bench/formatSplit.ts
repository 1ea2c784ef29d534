/**
 * `npm run bench:split`: where a format recompute's time goes at 1024² — the whole recompute (computeQuantView with a
 * warm TensorCache), the format's own quantizer alone (quantizeFormatInto, with the WebAssembly kernel where it
 * runs), and the difference: the measuring pass (range, histograms, metrics, heatmap) and its JS bookkeeping. Best
 * of `--repeats` calls each (this shared VM's slow spells last seconds; the best is the least disturbed call).
 * Options: --size 1024  --repeats 15  --only <text in the format's label>  --helpers <helper threads; default
 *   one per core beyond this one, at most 3; 0 for one thread>
 */
import {
  createTensorCache,
  DEFAULT_GENERATOR,
  type FormatScheme,
  generateTensor,
  labelOf,
} from '../src/core';
import { quantizeFormatInto } from '../src/core/formats';
import { kernelFor } from '../src/core/tensorCache';
import { floatKernelOf } from '../src/core/wasm/fusedKernel';
import { defaultHelperCount, startHelperThreads } from '../src/node/helperThreads';
import { benchFormatSchemes, fullRecompute } from './formatsBench';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const size = Number(option('size', '1024'));
const repeats = Number(option('repeats', '15'));
const only = option('only', '');
const helpers = Number(option('helpers', String(defaultHelperCount())));

const best = (fn: () => void) => {
  fn();
  let ms = Number.POSITIVE_INFINITY;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    fn();
    ms = Math.min(ms, performance.now() - t0);
  }
  return ms;
};

const t = generateTensor({ ...DEFAULT_GENERATOR, rows: size, cols: size });
const cache = createTensorCache(t);
const kernel = kernelFor(cache, t);
const buffers = {
  codes: cache.codes,
  dequantized: cache.dequantized,
  ...(kernel ? { kernel: floatKernelOf(kernel) } : {}),
};
// Q4_K / Q6_K split their search over helper threads, as in `npm run bench` and the app.
const kquant = await startHelperThreads(helpers);
console.log(
  `## ${size} x ${size}: best of ${repeats} calls, ms (k-means' format column sorts: no cache there; helper threads: ${kquant.helpers.length})`,
);
console.log('| format | whole recompute | quantizer alone | measuring and the rest |');
console.log('| --- | ---: | ---: | ---: |');
for (const scheme of benchFormatSchemes()) {
  const name = labelOf(scheme);
  if (!name.includes(only)) continue;
  const whole = best(() => fullRecompute(t, scheme, cache));
  const format = best(() => quantizeFormatInto(t, scheme as FormatScheme, buffers));
  const rest = scheme.kind === 'kmeans' ? '–' : (whole - format).toFixed(1);
  console.log(`| ${name} | ${whole.toFixed(1)} | ${format.toFixed(1)} | ${rest} |`);
}
await kquant.stop();
