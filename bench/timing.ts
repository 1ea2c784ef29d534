/** Timing helpers shared by the Node benchmarks (bench/run.ts, bench/formatsBench.ts). */

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median ms of `n` calls of `fn`, after one warm-up call at full size. */
export function timeMedian(fn: () => void, n: number): number {
  return timeStats(fn, n).median;
}

/**
 * Median and best ms of `n` calls of `fn`, after one warm-up call at full size. On a shared VM the best is the
 * call least disturbed by other work, the closest reading of what the code itself costs; the median is what a
 * user of this machine would typically see.
 */
export function timeStats(fn: () => void, n: number): { median: number; best: number } {
  fn(); // warm-up at full size
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return { median: median(times), best: Math.min(...times) };
}
