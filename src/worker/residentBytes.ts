/**
 * What a resident dataset really holds, for the store's byte budget: the tensor, the kernel's memory where it
 * runs (its copy of the tensor, the output regions, every thread's scratch) or else each output region's codes and
 * dequantized values, the sorted groups k-means keeps, and the code counts. Counted when asked, not when the
 * dataset was admitted: a cache grows with the first quantization (the kernel memory, a second panel's region,
 * the sorted rows), which is how two sampled 64 M-value tensors once held ~1.56 GB under a 768 MiB budget.
 */
import type { ResidentDataset } from './handlers';

/** Bytes of the typed arrays directly inside `holder` (e.g. a SortedGroups' values, prefix sums and ranks). */
function typedArrayBytes(holder: object | undefined): number {
  if (!holder) return 0;
  let bytes = 0;
  for (const value of Object.values(holder)) if (ArrayBuffer.isView(value)) bytes += value.byteLength;
  return bytes;
}

export function residentBytes(dataset: ResidentDataset): number {
  const { tensor, cache } = dataset;
  let bytes = tensor.data.byteLength + cache.codeCounts.byteLength;
  if (cache.kernel) bytes += cache.kernel.memory.buffer.byteLength;
  else for (const o of cache.outputs) bytes += o.codes.byteLength + o.dequantized.byteLength;
  bytes += typedArrayBytes(cache.sortedGroups.tensor) + typedArrayBytes(cache.sortedGroups.row);
  for (const h of cache.originalHistograms.values()) bytes += h.counts.byteLength;
  return bytes;
}
