/**
 * The ggml tensor types (`enum ggml_type` in ggml/include/ggml.h; also listed in ggml docs/gguf.md):
 * id → name, values per block, bytes per block (static_asserts in ggml/src/ggml-common.h), and how to decode.
 */

import type { ElementType } from './dtypes';
import {
  type BlockDecoder,
  dequantizeIQ4_NL,
  dequantizeIQ4_XS,
  dequantizeMXFP4,
  dequantizeQ2_K,
  dequantizeQ3_K,
  dequantizeQ4_0,
  dequantizeQ4_1,
  dequantizeQ4_K,
  dequantizeQ5_0,
  dequantizeQ5_1,
  dequantizeQ5_K,
  dequantizeQ6_K,
  dequantizeQ8_0,
  dequantizeQ8_1,
  dequantizeQ8_K,
} from './ggmlDequant';

export interface GgmlTypeInfo {
  id: number;
  name: string;
  /** Values per block (1 for plain element types). */
  blockSize: number;
  /** Bytes per block. */
  typeSize: number;
  /** Plain element types decode as this ElementType (little-endian). */
  element?: ElementType;
  /** Block-quantized types decode with this; absent when the app cannot dequantize the type. */
  dequantize?: BlockDecoder;
}

const QK_K = 256;

/** Every type id a GGUF file may use (removed ids 4, 5, 31–33, 36–38 are absent). */
export const GGML_TYPES: Readonly<Record<number, GgmlTypeInfo>> = Object.fromEntries(
  (
    [
      { id: 0, name: 'F32', blockSize: 1, typeSize: 4, element: 'f32' },
      { id: 1, name: 'F16', blockSize: 1, typeSize: 2, element: 'f16' },
      { id: 2, name: 'Q4_0', blockSize: 32, typeSize: 18, dequantize: dequantizeQ4_0 },
      { id: 3, name: 'Q4_1', blockSize: 32, typeSize: 20, dequantize: dequantizeQ4_1 },
      { id: 6, name: 'Q5_0', blockSize: 32, typeSize: 22, dequantize: dequantizeQ5_0 },
      { id: 7, name: 'Q5_1', blockSize: 32, typeSize: 24, dequantize: dequantizeQ5_1 },
      { id: 8, name: 'Q8_0', blockSize: 32, typeSize: 34, dequantize: dequantizeQ8_0 },
      { id: 9, name: 'Q8_1', blockSize: 32, typeSize: 36, dequantize: dequantizeQ8_1 },
      { id: 10, name: 'Q2_K', blockSize: QK_K, typeSize: 84, dequantize: dequantizeQ2_K },
      { id: 11, name: 'Q3_K', blockSize: QK_K, typeSize: 110, dequantize: dequantizeQ3_K },
      { id: 12, name: 'Q4_K', blockSize: QK_K, typeSize: 144, dequantize: dequantizeQ4_K },
      { id: 13, name: 'Q5_K', blockSize: QK_K, typeSize: 176, dequantize: dequantizeQ5_K },
      { id: 14, name: 'Q6_K', blockSize: QK_K, typeSize: 210, dequantize: dequantizeQ6_K },
      { id: 15, name: 'Q8_K', blockSize: QK_K, typeSize: 292, dequantize: dequantizeQ8_K },
      { id: 16, name: 'IQ2_XXS', blockSize: QK_K, typeSize: 66 },
      { id: 17, name: 'IQ2_XS', blockSize: QK_K, typeSize: 74 },
      { id: 18, name: 'IQ3_XXS', blockSize: QK_K, typeSize: 98 },
      { id: 19, name: 'IQ1_S', blockSize: QK_K, typeSize: 50 },
      { id: 20, name: 'IQ4_NL', blockSize: 32, typeSize: 18, dequantize: dequantizeIQ4_NL },
      { id: 21, name: 'IQ3_S', blockSize: QK_K, typeSize: 110 },
      { id: 22, name: 'IQ2_S', blockSize: QK_K, typeSize: 82 },
      { id: 23, name: 'IQ4_XS', blockSize: QK_K, typeSize: 136, dequantize: dequantizeIQ4_XS },
      { id: 24, name: 'I8', blockSize: 1, typeSize: 1, element: 'i8' },
      { id: 25, name: 'I16', blockSize: 1, typeSize: 2, element: 'i16' },
      { id: 26, name: 'I32', blockSize: 1, typeSize: 4, element: 'i32' },
      { id: 27, name: 'I64', blockSize: 1, typeSize: 8, element: 'i64' },
      { id: 28, name: 'F64', blockSize: 1, typeSize: 8, element: 'f64' },
      { id: 29, name: 'IQ1_M', blockSize: QK_K, typeSize: 56 },
      { id: 30, name: 'BF16', blockSize: 1, typeSize: 2, element: 'bf16' },
      { id: 34, name: 'TQ1_0', blockSize: QK_K, typeSize: 54 },
      { id: 35, name: 'TQ2_0', blockSize: QK_K, typeSize: 66 },
      { id: 39, name: 'MXFP4', blockSize: 32, typeSize: 17, dequantize: dequantizeMXFP4 },
    ] satisfies GgmlTypeInfo[]
  ).map((t) => [t.id, t]),
);

/** Name of a ggml type ('Q4_K'), as GGUF listings report it. */
export type GgmlTypeName = `ggml:${string}`;

/** The TensorLocation encoding for a ggml block type ("ggml:Q4_K"); plain element types use their ElementType. */
export function ggmlEncoding(name: string): GgmlTypeName {
  return `ggml:${name}`;
}

/** Looks up a type by its TensorLocation encoding ("ggml:Q4_K"). */
export function ggmlTypeByEncoding(encoding: string): GgmlTypeInfo | undefined {
  if (!encoding.startsWith('ggml:')) return undefined;
  const name = encoding.slice(5);
  return Object.values(GGML_TYPES).find((t) => t.name === name);
}
