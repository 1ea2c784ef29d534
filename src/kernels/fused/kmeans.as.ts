/**
 * k-means codebooks (rule: src/core/formats/kmeans.ts) in the fused kernel: the codes and values from the ranks.
 *
 * Memory is the caller's (imported); every pointer below is a byte offset into it.
 */

/**
 * k-means codes and values of n elements from their ranks (kmeans.ts `writeByRank`): code = codeOfRank[rank]
 * (i16 by u16 rank), x_hat = values[code + 1] (values[0] is the NaN of code -1).
 */
export function codesByRank(rank: usize, codeOfRank: usize, values: usize, codes: usize, deq: usize, n: i32): void {
  for (let i: i32 = 0; i < n; i++) {
    const c = <i32>load<i16>(codeOfRank + ((<usize>load<u16>(rank + ((<usize>i) << 1))) << 1));
    store<i16>(codes + ((<usize>i) << 1), <i16>c);
    store<f32>(deq + ((<usize>i) << 2), load<f32>(values + ((<usize>(c + 1)) << 2)));
  }
}
