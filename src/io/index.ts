/**
 * io: bytes → tensors. Pure TypeScript over a ByteSource, so it runs inside the engine's Web Worker; the only
 * DOM type used is Blob (fromBlob), and network access lives only in hub.ts.
 *
 * Usage (the same for every format):
 * ```ts
 * const sources = [fromBlob(file)];                      // or fromBytes(name, bytes), fromText(name, text)
 * const listing = await listTensors(sources, signal);    // headers only: instant for multi-GB files
 * const t = await loadTensor(sources, listing, listing.tensors[0].name, { signal, onProgress, maxValues });
 * // t.data: Float32Array of t.rows × t.cols (row-major); t.sampled != null when rows were sampled
 * ```
 * Formats: safetensors (also sharded: index.json + shards), .npy v1–3, .npz (stored or deflated), GGUF v2/v3
 * (F32/F16/BF16/F64/I8–I64 and Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q8_1, Q2_K–Q8_K, IQ4_NL, IQ4_XS, MXFP4
 * dequantized as ggml-quants.c does), CSV / pasted numbers.
 * Hugging Face: `openHubModel('org/name[@rev]' | url, { endpoint?, token?, signal? })` returns
 * `{ kind: 'opened', sources, listing }` to use the same way (or `{ kind: 'choose', files }` when the repository
 * has several weight files: call again with `{ kind: 'model', modelId, revision, file }`).
 *
 * Errors: every problem with the input is a ParseError `{ format, code, fileName?, offset?, message, hint }`;
 * cancelling rejects with the signal's AbortError.
 */
export { type ByteSource, fromBlob, fromBytes, fromText } from './byteSource';
export {
  decodeBfloat16,
  decodeFloat8E4M3FN,
  decodeFloat8E5M2,
  decodeFloat16,
  type ElementType,
} from './dtypes';
export { GGML_TYPES, type GgmlTypeInfo } from './ggmlTypes';
export { STALL_MS, STALL_NOTICE_MS, type StallWatch } from './httpBody';
export {
  DEFAULT_ENDPOINT,
  type FetchLike,
  fromHttp,
  type HubInput,
  type HubOpenResult,
  type HubOptions,
  listHubFiles,
  openHubModel,
  parseHubInput,
} from './hub';
export { listTensors, loadTensor } from './load';
export { formatBytes, isParseError, ParseError, type ParseErrorCode, type ParseFormat } from './parseError';
export { MAX_VALUES } from './sampling';
export type {
  LoadedTensor,
  LoadOptions,
  TensorEntry,
  TensorFormat,
  TensorListing,
  TensorLocation,
} from './types';
