/**
 * Does keeping formats for view changes (src/core/formatMemo.ts) cost a full recompute anything? The same formats
 * recomputed on a cache that keeps (what kept is forgotten before each call, so each is a full recompute) and on
 * one that does not, alternated call by call so both see the same moments of this VM. Medians of `--rounds` each.
 *
 *   node --import tsx bench/keptRecomputeAB.ts [--rounds 30]
 */
import {
  computeQuantView,
  createTensorCache,
  DEFAULT_GENERATOR,
  DEFAULT_VIEW,
  generateTensor,
  labelOf,
} from '../src/core';
import { benchFormatSchemes, fullRecompute } from './formatsBench';
import { median } from './timing';

const args = process.argv.slice(2);
const roundsAt = args.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 30;
const t = generateTensor({ ...DEFAULT_GENERATOR, rows: 1024, cols: 1024 });
const keeping = createTensorCache(t);
const oneOff = createTensorCache(t, { keepFormats: false });
const names = ['FP8 E4M3', 'MXFP8 (E4M3)', 'NF4', 'GGUF Q8_0', 'GGUF Q4_K'];
console.log('| format (1024², full recompute) | keeping cache ms (median) | one-off cache ms (median) |');
console.log('| --- | ---: | ---: |');
for (const scheme of benchFormatSchemes().filter((s) => names.includes(labelOf(s)))) {
  const kept: number[] = [];
  const plain: number[] = [];
  for (let i = 0; i <= rounds; i++) {
    let t0 = performance.now();
    fullRecompute(t, scheme, keeping);
    if (i > 0) kept.push(performance.now() - t0); // the first of each is a warm-up
    t0 = performance.now();
    computeQuantView(t, scheme, DEFAULT_VIEW, oneOff);
    if (i > 0) plain.push(performance.now() - t0);
  }
  console.log(`| ${labelOf(scheme)} | ${median(kept).toFixed(1)} | ${median(plain).toFixed(1)} |`);
}
