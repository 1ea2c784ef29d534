/**
 * The ids of the float element formats and the block formats, in the order links' messages and the sweep list
 * them. A leaf module (no imports), so the scheme types and the validator read the ids without loading any
 * quantizer; `registry.ts` must hold exactly one record per id (the type checker says which is missing).
 */

/** Float element formats (OCP OFP8, OCP MX element types, IEEE half, bfloat16). */
export const FLOAT_FORMAT_IDS = ['fp16', 'bf16', 'e4m3', 'e5m2', 'e2m3', 'e3m2', 'e2m1'] as const;

/** Block formats with a shared scale per block, each defined by its reference implementation. */
export const BLOCK_FORMAT_IDS = [
  'mxfp8_e4m3',
  'mxfp8_e5m2',
  'mxfp6_e2m3',
  'mxfp6_e3m2',
  'mxfp4',
  'mxint8',
  'nvfp4',
  'nf4',
  'q8_0',
  'q4_0',
  'q4_1',
  'q5_0',
  'q5_1',
  'q4_k',
  'q6_k',
] as const;
