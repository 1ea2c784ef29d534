/** Timing helpers shared by the Node benchmarks (bench/run.ts, bench/formatsBench.ts). */

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median ms of `n` calls of `fn`, after one warm-up call at full size. */
export function timeMedian(fn: () => void, n: number): number {
  fn(); // warm-up at full size
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}
