/**
 * The fused kernel's module entry (compiled by `npm run build:wasm` into src/core/wasm/fusedKernel.wasm.ts, loaded
 * by src/core/wasm/fusedKernel.ts): one WebAssembly module whose exports are the functions below, each written in
 * the file of its format family under src/kernels/fused/, next to the rule it matches bit for bit:
 *   integer.as.ts      absmax / zero point (src/core/integer.ts, integerParams.ts), and every format's measuring pass
 *   stats.as.ts        group min / max (src/core/groupStats.ts) and a format's output range (formatBridge.ts)
 *   float.as.ts        FP16 … FP4 elements (src/core/formats/floatFormat.ts, floatScheme.ts)
 *   mx.as.ts           MXFP8 / 6 / 4, MXINT8 (src/core/formats/mx.ts)
 *   nvfp4.as.ts        NVFP4 (src/core/formats/nvfp4.ts)
 *   nf4.as.ts          NF4 (src/core/formats/nf4.ts)
 *   kmeans.as.ts       k-means codebooks (src/core/formats/kmeans.ts)
 *   signFormats.as.ts  binary / ternary (src/core/formats/signFormats.ts)
 *   ggml.as.ts         GGUF Q8_0 … Q5_1 (src/core/formats/ggml.ts)
 *   common.as.ts       what several families share (lane reductions, counter bumps, code stores, absmax)
 * The GGUF k-quants have a module of their own (src/kernels/kquantKernel.as.ts, with src/kernels/kquant/). Only this file's exports are the
 * module's: a helper exported by a family file for another is not (name it here to make it one).
 */

export { absMax } from './fused/common.as';
export { encodeFloat, floatRow, setFloatFormat } from './fused/float.as';
export { ggmlLegacyRow } from './fused/ggml.as';
export { groupRow, measureSpan, quantizeSpan, setDeqBinning, setLayout, setSpan } from './fused/integer.as';
export { codesByRank } from './fused/kmeans.as';
export { mxRow } from './fused/mx.as';
export { decodeRow, nf4CodesRow, setCodebook } from './fused/nf4.as';
export { nvfp4Row } from './fused/nvfp4.as';
export { signRow } from './fused/signFormats.as';
export { groupMinMax, rangeScan } from './fused/stats.as';
