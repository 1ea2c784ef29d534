/**
 * Dequantization of ggml block formats to float32, transcribed from `ggml/src/ggml-quants.c`
 * (`dequantize_row_*`, ggml-org/llama.cpp) with block layouts from `ggml/src/ggml-common.h`.
 * Arithmetic follows the C source in float32: every product and difference is rounded with Math.fround, in the
 * C evaluation order, with no fused multiply-add (the reference build's semantics; a compiler that contracts
 * `d1 * q - m1` into an FMA can differ in the last bit).
 * Each decoder reads `blocks` consecutive blocks starting at `bytes[offset]` and writes blockSize values each.
 */
import { float16Table } from './dtypes';

export type BlockDecoder = (
  bytes: Uint8Array,
  offset: number,
  blocks: number,
  out: Float32Array,
  outOffset: number,
) => void;

const f = Math.fround;

function half(bytes: Uint8Array, p: number): number {
  return float16Table()[bytes[p] | (bytes[p + 1] << 8)];
}

function u32(bytes: Uint8Array, p: number): number {
  return (bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16) | (bytes[p + 3] << 24)) >>> 0;
}

function i8(v: number): number {
  return (v << 24) >> 24;
}

/** block_q4_0 (18 bytes): d f16 | qs[16]; y[j] = (lo − 8)·d, y[j+16] = (hi − 8)·d. */
export const dequantizeQ4_0: BlockDecoder = (b, p, blocks, y, o) => {
  for (let i = 0; i < blocks; i++, p += 18, o += 32) {
    const d = half(b, p);
    for (let j = 0; j < 16; j++) {
      const q = b[p + 2 + j];
      y[o + j] = f(((q & 0x0f) - 8) * d);
      y[o + j + 16] = f(((q >> 4) - 8) * d);
    }
  }
};

/** block_q4_1 (20 bytes): d f16 | m f16 | qs[16]; y = q·d + m. */
export const dequantizeQ4_1: BlockDecoder = (b, p, blocks, y, o) => {
  for (let i = 0; i < blocks; i++, p += 20, o += 32) {
    const d = half(b, p);
    const m = half(b, p + 2);
    for (let j = 0; j < 16; j++) {
      const q = b[p + 4 + j];
      y[o + j] = f(f((q & 0x0f) * d) + m);
      y[o + j + 16] = f(f((q >> 4) * d) + m);
    }
  }
};

/** block_q5_0 (22 bytes): d f16 | qh u32 | qs[16]; fifth bit of value j is bit j of qh; y = (q − 16)·d. */
export const dequantizeQ5_0: BlockDecoder = (b, p, blocks, y, o) => {
  for (let i = 0; i < blocks; i++, p += 22, o += 32) {
    const d = half(b, p);
    const qh = u32(b, p + 2);
    for (let j = 0; j < 16; j++) {
      const xh0 = ((qh >>> j) << 4) & 0x10;
      const xh1 = (qh >>> (j + 12)) & 0x10;
      const q = b[p + 6 + j];
      y[o + j] = f((((q & 0x0f) | xh0) - 16) * d);
      y[o + j + 16] = f((((q >> 4) | xh1) - 16) * d);
    }
  }
};

/** block_q5_1 (24 bytes): d f16 | m f16 | qh u32 | qs[16]; y = q·d + m. */
export const dequantizeQ5_1: BlockDecoder = (b, p, blocks, y, o) => {
  for (let i = 0; i < blocks; i++, p += 24, o += 32) {
    const d = half(b, p);
    const m = half(b, p + 2);
    const qh = u32(b, p + 4);
    for (let j = 0; j < 16; j++) {
      const xh0 = ((qh >>> j) << 4) & 0x10;
      const xh1 = (qh >>> (j + 12)) & 0x10;
      const q = b[p + 8 + j];
      y[o + j] = f(f(((q & 0x0f) | xh0) * d) + m);
      y[o + j + 16] = f(f(((q >> 4) | xh1) * d) + m);
    }
  }
};

/** block_q8_0 (34 bytes): d f16 | qs int8[32]; y = q·d. */
export const dequantizeQ8_0: BlockDecoder = (b, p, blocks, y, o) => {
  for (let i = 0; i < blocks; i++, p += 34, o += 32) {
    const d = half(b, p);
    for (let j = 0; j < 32; j++) y[o + j] = f(i8(b[p + 2 + j]) * d);
  }
};

/**
 * block_q8_1 (36 bytes): d f16 | s f16 | qs int8[32]. ggml has no dequantize_row_q8_1 (Q8_1 is an activation
 * format); s caches d·Σq, so the values are q·d as in Q8_0 (quantize_row_q8_1_ref).
 */
export const dequantizeQ8_1: BlockDecoder = (b, p, blocks, y, o) => {
  for (let i = 0; i < blocks; i++, p += 36, o += 32) {
    const d = half(b, p);
    for (let j = 0; j < 32; j++) y[o + j] = f(i8(b[p + 4 + j]) * d);
  }
};

/** block_q2_K (84 bytes): scales[16] | qs[64] | d f16 | dmin f16; y = d·(sc&15)·q − dmin·(sc>>4). */
export const dequantizeQ2_K: BlockDecoder = (b, p, blocks, y, o) => {
  for (let i = 0; i < blocks; i++, p += 84) {
    const d = half(b, p + 80);
    const min = half(b, p + 82);
    let q = p + 16;
    let is = 0;
    for (let n = 0; n < 256; n += 128) {
      let shift = 0;
      for (let j = 0; j < 4; j++) {
        let sc = b[p + is++];
        let dl = f(d * (sc & 0xf));
        let ml = f(min * (sc >> 4));
        for (let l = 0; l < 16; l++) y[o++] = f(f(dl * ((b[q + l] >> shift) & 3)) - ml);
        sc = b[p + is++];
        dl = f(d * (sc & 0xf));
        ml = f(min * (sc >> 4));
        for (let l = 0; l < 16; l++) y[o++] = f(f(dl * ((b[q + l + 16] >> shift) & 3)) - ml);
        shift += 2;
      }
      q += 32;
    }
  }
};

const scales3 = new Int8Array(16);

/** Unpacks the twelve 6-bit Q3_K scale bytes exactly as dequantize_row_q3_K's kmask1/kmask2 shuffle does. */
function unpackQ3Scales(b: Uint8Array, p: number): Int8Array {
  const kmask1 = 0x03030303;
  const kmask2 = 0x0f0f0f0f;
  const a0 = u32(b, p);
  const a1 = u32(b, p + 4);
  const tmp = u32(b, p + 8);
  const w = [
    (a0 & kmask2) | (((tmp >>> 0) & kmask1) << 4),
    (a1 & kmask2) | (((tmp >>> 2) & kmask1) << 4),
    ((a0 >>> 4) & kmask2) | (((tmp >>> 4) & kmask1) << 4),
    ((a1 >>> 4) & kmask2) | (((tmp >>> 6) & kmask1) << 4),
  ];
  for (let k = 0; k < 4; k++) {
    for (let byte = 0; byte < 4; byte++) scales3[k * 4 + byte] = (w[k] >>> (8 * byte)) & 0xff;
  }
  return scales3;
}

/** block_q3_K (110 bytes): hmask[32] | qs[64] | scales[12] | d f16; y = d·(sc − 32)·(q − 4·!hbit). */
export const dequantizeQ3_K: BlockDecoder = (b, p, blocks, y, o) => {
  for (let i = 0; i < blocks; i++, p += 110) {
    const dAll = half(b, p + 108);
    const scales = unpackQ3Scales(b, p + 96);
    let q = p + 32;
    const hm = p;
    let m = 1;
    let is = 0;
    for (let n = 0; n < 256; n += 128) {
      let shift = 0;
      for (let j = 0; j < 4; j++) {
        let dl = f(dAll * (scales[is++] - 32));
        for (let l = 0; l < 16; l++) {
          y[o++] = f(dl * (((b[q + l] >> shift) & 3) - (b[hm + l] & m ? 0 : 4)));
        }
        dl = f(dAll * (scales[is++] - 32));
        for (let l = 0; l < 16; l++) {
          y[o++] = f(dl * (((b[q + l + 16] >> shift) & 3) - (b[hm + l + 16] & m ? 0 : 4)));
        }
        shift += 2;
        m <<= 1;
      }
      q += 32;
    }
  }
};

/** get_scale_min_k4: the j-th 6-bit scale and min of a Q4_K/Q5_K block's 12 scale bytes at p. */
function scaleMinK4(j: number, b: Uint8Array, p: number): [number, number] {
  if (j < 4) return [b[p + j] & 63, b[p + j + 4] & 63];
  return [(b[p + j + 4] & 0xf) | ((b[p + j - 4] >> 6) << 4), (b[p + j + 4] >> 4) | ((b[p + j] >> 6) << 4)];
}

/** block_q4_K (144 bytes): d f16 | dmin f16 | scales[12] | qs[128]; y = d·sc·q − dmin·m per 32 values. */
export const dequantizeQ4_K: BlockDecoder = (b, p, blocks, y, o) => {
  for (let i = 0; i < blocks; i++, p += 144) {
    const d = half(b, p);
    const min = half(b, p + 2);
    let q = p + 16;
    let is = 0;
    for (let j = 0; j < 256; j += 64) {
      const [sc1, m1raw] = scaleMinK4(is, b, p + 4);
      const d1 = f(d * sc1);
      const m1 = f(min * m1raw);
      const [sc2, m2raw] = scaleMinK4(is + 1, b, p + 4);
      const d2 = f(d * sc2);
      const m2 = f(min * m2raw);
      for (let l = 0; l < 32; l++) y[o++] = f(f(d1 * (b[q + l] & 0xf)) - m1);
      for (let l = 0; l < 32; l++) y[o++] = f(f(d2 * (b[q + l] >> 4)) - m2);
      q += 32;
      is += 2;
    }
  }
};

/** block_q5_K (176 bytes): d | dmin | scales[12] | qh[32] | qs[128]; as Q4_K with a fifth bit from qh. */
export const dequantizeQ5_K: BlockDecoder = (b, p, blocks, y, o) => {
  for (let i = 0; i < blocks; i++, p += 176) {
    const d = half(b, p);
    const min = half(b, p + 2);
    const qh = p + 16;
    let ql = p + 48;
    let is = 0;
    let u1 = 1;
    let u2 = 2;
    for (let j = 0; j < 256; j += 64) {
      const [sc1, m1raw] = scaleMinK4(is, b, p + 4);
      const d1 = f(d * sc1);
      const m1 = f(min * m1raw);
      const [sc2, m2raw] = scaleMinK4(is + 1, b, p + 4);
      const d2 = f(d * sc2);
      const m2 = f(min * m2raw);
      for (let l = 0; l < 32; l++) y[o++] = f(f(d1 * ((b[ql + l] & 0xf) + (b[qh + l] & u1 ? 16 : 0))) - m1);
      for (let l = 0; l < 32; l++) y[o++] = f(f(d2 * ((b[ql + l] >> 4) + (b[qh + l] & u2 ? 16 : 0))) - m2);
      ql += 32;
      is += 2;
      u1 <<= 2;
      u2 <<= 2;
    }
  }
};

/** block_q6_K (210 bytes): ql[128] | qh[64] | scales int8[16] | d f16; y = d·sc·(q − 32). */
export const dequantizeQ6_K: BlockDecoder = (b, p, blocks, y, o) => {
  for (let i = 0; i < blocks; i++, p += 210) {
    const d = half(b, p + 208);
    let ql = p;
    let qh = p + 128;
    let sc = p + 192;
    for (let n = 0; n < 256; n += 128) {
      for (let l = 0; l < 32; l++) {
        const is = l >> 4;
        const h = b[qh + l];
        const q1 = ((b[ql + l] & 0xf) | (((h >> 0) & 3) << 4)) - 32;
        const q2 = ((b[ql + l + 32] & 0xf) | (((h >> 2) & 3) << 4)) - 32;
        const q3 = ((b[ql + l] >> 4) | (((h >> 4) & 3) << 4)) - 32;
        const q4 = ((b[ql + l + 32] >> 4) | (((h >> 6) & 3) << 4)) - 32;
        y[o + l] = f(f(d * i8(b[sc + is])) * q1);
        y[o + l + 32] = f(f(d * i8(b[sc + is + 2])) * q2);
        y[o + l + 64] = f(f(d * i8(b[sc + is + 4])) * q3);
        y[o + l + 96] = f(f(d * i8(b[sc + is + 6])) * q4);
      }
      o += 128;
      ql += 64;
      qh += 32;
      sc += 8;
    }
  }
};

/** block_q8_K (292 bytes): d f32 | qs int8[256] | bsums int16[16]; y = d·q. */
export const dequantizeQ8_K: BlockDecoder = (b, p, blocks, y, o) => {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < blocks; i++, p += 292, o += 256) {
    const d = view.getFloat32(p, true);
    for (let j = 0; j < 256; j++) y[o + j] = f(d * i8(b[p + 4 + j]));
  }
};

/** kvalues_iq4nl (ggml-common.h): the 16 non-linear IQ4 levels. */
const IQ4NL_VALUES = Int8Array.of(-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113);

/** block_iq4_nl (18 bytes): d f16 | qs[16]; y = d·kvalues_iq4nl[q]. */
export const dequantizeIQ4_NL: BlockDecoder = (b, p, blocks, y, o) => {
  for (let i = 0; i < blocks; i++, p += 18, o += 32) {
    const d = half(b, p);
    for (let j = 0; j < 16; j++) {
      const q = b[p + 2 + j];
      y[o + j] = f(d * IQ4NL_VALUES[q & 0xf]);
      y[o + j + 16] = f(d * IQ4NL_VALUES[q >> 4]);
    }
  }
};

/** block_iq4_xs (136 bytes): d f16 | scales_h u16 | scales_l[4] | qs[128]; 6-bit sub-block scales − 32. */
export const dequantizeIQ4_XS: BlockDecoder = (b, p, blocks, y, o) => {
  for (let i = 0; i < blocks; i++, p += 136) {
    const d = half(b, p);
    const scalesH = b[p + 2] | (b[p + 3] << 8);
    let qs = p + 8;
    for (let ib = 0; ib < 8; ib++) {
      const ls = ((b[p + 4 + (ib >> 1)] >> (4 * (ib % 2))) & 0xf) | (((scalesH >> (2 * ib)) & 3) << 4);
      const dl = f(d * (ls - 32));
      for (let j = 0; j < 16; j++) {
        y[o + j] = f(dl * IQ4NL_VALUES[b[qs + j] & 0xf]);
        y[o + j + 16] = f(dl * IQ4NL_VALUES[b[qs + j] >> 4]);
      }
      o += 32;
      qs += 16;
    }
  }
};

/** kvalues_mxfp4 (ggml-common.h): E2M1 values doubled, so the scale below is halved to match. */
const MXFP4_VALUES = Int8Array.of(0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12);

/** block_mxfp4 (17 bytes): e E8M0 | qs[16]; y = kvalues_mxfp4[q] · 2^(e−128) (GGML_E8M0_TO_FP32_HALF). */
export const dequantizeMXFP4: BlockDecoder = (b, p, blocks, y, o) => {
  for (let i = 0; i < blocks; i++, p += 17, o += 32) {
    const d = 2 ** (b[p] - 128);
    for (let j = 0; j < 16; j++) {
      const q = b[p + 1 + j];
      y[o + j] = f(MXFP4_VALUES[q & 0x0f] * d);
      y[o + j + 16] = f(MXFP4_VALUES[q >> 4] * d);
    }
  }
};
