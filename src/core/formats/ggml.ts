/**
 * GGUF legacy block types Q8_0, Q4_0, Q4_1, Q5_0, Q5_1: blocks of 32, transcribed from llama.cpp
 * `ggml/src/ggml-quants.c` `quantize_row_q*_ref` and `dequantize_row_q*` (block layouts: `ggml-common.h`).
 * Their own rounding: `roundf` (ties away) for Q8_0, `(int8_t)(x + 8.5f)` truncation for Q4_0 etc.
 * Where a block's range is below about 2e-38 (3.7e-37 for Q8_0), `1 / d` overflows and x * id is ±Inf or NaN:
 * converting that to an integer is undefined in C, and these follow x86-64 (where every published GGUF is made),
 * which stores code 0 (see `x86ToInt`).
 * Pure ES2022.
 */

import { FLOAT32_MAX as FLT_MAX } from '../float32Limits';
import type { BlockScheme } from '../scheme';
import type { Tensor2D } from '../tensor';
import type { FormatBuffers, FormatOutput } from './formatOutput';
import type { FormatRecord } from './formatRecord';
import {
  type GgmlBlockQuantizer,
  type GgmlKernelType,
  type GgmlLayout,
  quantizeGgmlRows,
  roundToFp16,
} from './ggmlCommon';

const f = Math.fround;
const QK = 32;

/** C `roundf`: half away from zero. */
function roundf(v: number): number {
  return v >= 0 ? Math.floor(v + 0.5) : -Math.floor(-v + 0.5);
}

const INT_MIN = -2147483648;

/**
 * C's float-to-int conversion as x86-64 compiles it (`cvttss2si`): truncation toward zero, and the "integer
 * indefinite" INT_MIN for NaN, ±Inf and values out of int32 range (undefined behaviour in C; ARM saturates
 * instead). The reference then narrows to int8_t / uint8_t, keeping the low byte: 0 for INT_MIN.
 */
function x86ToInt(v: number): number {
  const t = Math.trunc(v);
  return t >= INT_MIN && t <= 2147483647 ? t : INT_MIN;
}

/** `(int8_t)i`: the low byte, signed. */
const int8 = (i: number) => (i << 24) >> 24;

/** Q8_0: d = amax / 127 (FP16), q = roundf(x * (1 / d)); x_hat = q * d. */
const quantizeQ8_0: GgmlBlockQuantizer = (x, L, A, Z, B) => {
  let amax = 0;
  for (let j = 0; j < QK; j++) amax = Math.max(amax, Math.abs(x[j]));
  const d = f(amax / 127);
  const id = d ? f(1 / d) : 0;
  // `y[i].qs[j] = roundf(x0)`: an int8_t store of the rounded float
  for (let j = 0; j < QK; j++) L[j] = int8(x86ToInt(roundf(f(x[j] * id))));
  A[0] = roundToFp16(d);
  Z[0] = 0;
  B[0] = 0;
};

/**
 * Q4_0 / Q5_0 (symmetric with an implicit offset): max = the signed value of largest magnitude (the first one
 * wins: `amax < fabsf(v)`), d = max / -2^(b-1), q = MIN(2^b - 1, (int8_t)(x * id + 2^(b-1) + 0.5)),
 * x_hat = (q - 2^(b-1)) * d with d as FP16 (the codes use the FP32 id).
 */
function symmetricQuantizer(half: number): GgmlBlockQuantizer {
  const top = 2 * half - 1;
  const bias = half + 0.5;
  return (x, L, A, Z, B) => {
    let amax = 0;
    let max = 0;
    for (let j = 0; j < QK; j++) {
      const v = x[j];
      if (amax < Math.abs(v)) {
        amax = Math.abs(v);
        max = v;
      }
    }
    const d = f(max / -half);
    const id = d ? f(1 / d) : 0;
    for (let j = 0; j < QK; j++) L[j] = Math.min(top, int8(x86ToInt(f(f(x[j] * id) + bias))));
    A[0] = roundToFp16(d);
    Z[0] = half;
    B[0] = 0;
  };
}

/**
 * Q4_1 / Q5_1 (min + scale): d = (max - min) / (2^b - 1), q = (x - min) * id + 0.5 truncated (Q4_1 caps at 15;
 * Q5_1 keeps the low 5 bits, as its uint8 packing does), x_hat = q * d + m with d and m as FP16.
 */
function affineQuantizer(levels: number, cap: boolean): GgmlBlockQuantizer {
  return (x, L, A, Z, B) => {
    let min = FLT_MAX;
    let max = -FLT_MAX;
    for (let j = 0; j < QK; j++) {
      const v = x[j];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const d = f(f(max - min) / (levels - 1));
    const id = d ? f(1 / d) : 0;
    for (let j = 0; j < QK; j++) {
      // Q4_1: `MIN(15, (int8_t)(x0 + 0.5f))`; Q5_1: `(uint8_t)(x0 + 0.5f)`, of which the low 5 bits are packed
      const q = x86ToInt(f(f(f(x[j] - min) * id) + 0.5));
      L[j] = cap ? Math.min(levels - 1, int8(q)) : q & (levels - 1);
    }
    A[0] = roundToFp16(d);
    Z[0] = 0;
    B[0] = roundToFp16(min);
  };
}

export type GgmlLegacyId = 'q8_0' | 'q4_0' | 'q4_1' | 'q5_0' | 'q5_1';

interface LegacyType {
  layout: GgmlLayout;
  quantize: GgmlBlockQuantizer;
}

/** Each type on the WebAssembly kernel's `ggmlLegacyRow` (same quantizers, same bits). */
const KERNEL_TYPE: Readonly<Record<GgmlLegacyId, GgmlKernelType>> = {
  q8_0: { type: 0, zeroPoint: 0 },
  q4_0: { type: 1, zeroPoint: 8 },
  q5_0: { type: 2, zeroPoint: 16 },
  q4_1: { type: 3, zeroPoint: 0 },
  q5_1: { type: 4, zeroPoint: 0 },
};

/** Block sizes in bytes from `ggml-common.h`: Q8_0 2 + 32, Q4_0 2 + 16, Q4_1 4 + 16, Q5_0 2 + 4 + 16, Q5_1 4 + 4 + 16. */
const LEGACY: Readonly<Record<GgmlLegacyId, LegacyType>> = {
  q8_0: {
    layout: {
      blockSize: QK,
      subSize: QK,
      qmin: -127,
      qmax: 127,
      elementBits: 8,
      blockBytes: 34,
      storage: 'GGUF Q8_0: int8 codes + FP16 scale per 32',
    },
    quantize: quantizeQ8_0,
  },
  q4_0: {
    layout: {
      blockSize: QK,
      subSize: QK,
      qmin: 0,
      qmax: 15,
      elementBits: 4,
      blockBytes: 18,
      storage: 'GGUF Q4_0: 4-bit codes (offset 8) + FP16 scale per 32',
    },
    quantize: symmetricQuantizer(8),
  },
  q4_1: {
    layout: {
      blockSize: QK,
      subSize: QK,
      qmin: 0,
      qmax: 15,
      elementBits: 4,
      blockBytes: 20,
      storage: 'GGUF Q4_1: 4-bit codes + FP16 scale + FP16 min per 32',
    },
    quantize: affineQuantizer(16, true),
  },
  q5_0: {
    layout: {
      blockSize: QK,
      subSize: QK,
      qmin: 0,
      qmax: 31,
      elementBits: 5,
      blockBytes: 22,
      storage: 'GGUF Q5_0: 5-bit codes (offset 16) + FP16 scale per 32',
    },
    quantize: symmetricQuantizer(16),
  },
  q5_1: {
    layout: {
      blockSize: QK,
      subSize: QK,
      qmin: 0,
      qmax: 31,
      elementBits: 5,
      blockBytes: 24,
      storage: 'GGUF Q5_1: 5-bit codes + FP16 scale + FP16 min per 32',
    },
    quantize: affineQuantizer(32, false),
  },
};

export function ggmlLegacyLayout(id: GgmlLegacyId): GgmlLayout {
  return LEGACY[id].layout;
}

/**
 * Quantizes to a legacy GGUF type. Reported per group (block of 32): scale = d as stored in FP16 (negative for
 * Q4_0 / Q5_0 when the largest-magnitude value is positive: d = max / -8), zero point 8 / 16 for Q4_0 / Q5_0,
 * 0 otherwise (Q4_1 / Q5_1 add the FP16 min instead, which is not a whole number of steps).
 */
export function quantizeGgmlLegacy(t: Tensor2D, id: GgmlLegacyId, out: FormatBuffers): FormatOutput {
  const { layout, quantize } = LEGACY[id];
  return quantizeGgmlRows(t, layout, quantize, out, KERNEL_TYPE[id]);
}

/** A GGUF type's record in the format registry (registry.ts): Q4_0's label is "GGUF Q4_0", 4.5 bits per weight. */
export function ggufRecord(
  id: BlockScheme['format'],
  layout: GgmlLayout,
  quantize: FormatRecord<BlockScheme>['quantize'],
  kernel: FormatRecord<BlockScheme>['kernel'],
  hasMin: boolean,
): FormatRecord<BlockScheme> {
  const label = `GGUF ${id.toUpperCase()}`;
  return {
    id,
    family: 'block',
    label,
    group: 'GGUF (llama.cpp)',
    elementBits: layout.elementBits,
    defaults: { kind: 'block', format: id },
    options: [],
    facts: { scaleRule: 'ggml', blockSize: layout.blockSize, hasMin },
    kernel,
    sweep: [{ kind: 'block', format: id }],
    describe: () => ({ label, bitsPerWeight: (8 * layout.blockBytes) / layout.blockSize }),
    storage: () => layout.storage,
    quantize,
  };
}

/** The legacy GGUF types' records, in link / sweep order. Q4_1 and Q5_1 add an FP16 minimum per block. */
export const GGUF_LEGACY_FORMATS: readonly FormatRecord<BlockScheme>[] = (
  ['q8_0', 'q4_0', 'q4_1', 'q5_0', 'q5_1'] as const
).map((id) =>
  ggufRecord(
    id,
    LEGACY[id].layout,
    (t, _scheme, out) => quantizeGgmlLegacy(t, id, out),
    ['selectFormat', 'ggmlLegacyRow'],
    id === 'q4_1' || id === 'q5_1',
  ),
);
