/**
 * The shape of one format's record in the registry (`registry.ts`): everything the rest of the app needs to know
 * about a format (its name, family, element bits, bits per weight, storage words, defaults, the constants its
 * formulas print, its quantizer and the kernel calls that quantizer makes), kept beside the format's rule so that
 * adding a format is one file plus one line (docs/adding-a-format.md). Types only. Pure ES2022.
 */
import type {
  BlockFormatId,
  BlockScheme,
  CodebookScheme,
  FloatFormatId,
  FloatScheme,
  SignScheme,
} from '../scheme';
import type { Tensor2D } from '../tensor';
import type { FloatKernel } from '../wasm/fusedKernel';
import type { FormatBuffers, FormatOutput } from './formatOutput';

/** Every non-integer scheme (the integer engine has its own fused pass, `quantView.ts`). */
export type FormatScheme = FloatScheme | BlockScheme | CodebookScheme | SignScheme;

/** The picker's families of formats (a scheme's `kind`). */
export type FormatFamily = FormatScheme['kind'];

/**
 * A format's key in the registry: the `format` of float and block schemes (`e4m3`, `nf4`, `q4_k`), the `kind` of
 * the others (`kmeans`, `binary`, `ternary`). The ids never collide.
 */
export type FormatId = FloatFormatId | BlockFormatId | 'kmeans' | 'binary' | 'ternary';

/** A scheme option that applies only to some formats (the picker shows its control only for those). */
export type FormatOption = 'saturate' | 'doubleQuant' | 'roundScaleUp';

/**
 * The constants a format's formulas print (the formula panel reads them here instead of restating them).
 * Only the fields that mean something for the format are set.
 */
export interface FormulaFacts {
  /**
   * How a block's scale is chosen, which picks the formula panel's lines: `pow2` an E8M0 power of two per block (MX),
   * `fp8OverFp32` an E4M3 scale per block over an FP32 one per tensor (NVFP4), `absmaxCodebook` a fixed codebook
   * scaled by the block's absmax (NF4), `ggml` llama.cpp's FP16 d (and m). Absent: a generic "x̂ = s·q" line.
   */
  scaleRule?: 'pow2' | 'fp8OverFp32' | 'absmaxCodebook' | 'ggml';
  /** Values along a row that share one scale (MX 32, NVFP4 16, NF4 64, GGUF 32, k-quants 256). */
  blockSize?: number;
  /** The element format as printed: "FP8 E4M3", "FP4 E2M1", "INT8 (k/64)". */
  elementName?: string;
  /** The element's largest magnitude: 448 (E4M3), 6 (E2M1), 127/64 (MXINT8). */
  elementMax?: number;
  /** MX: exponent of the element's largest normal (emax_elem), so X = 2^(floor(log2 amax) − emax). */
  elementEmax?: number;
  /** NVFP4: the largest value of its per-block E4M3 scale (448). */
  blockScaleMax?: number;
  /** GGUF: an FP16 minimum m is added back (Q4_1, Q5_1, Q4_K). */
  hasMin?: boolean;
}

/**
 * The WebAssembly kernel a format's quantizer drives where it runs (finite tensors of 16 K values or more), named
 * through its TypeScript host module (`core/wasm/fusedKernel.ts`, whose `FloatKernel` methods these are; the
 * k-quant searches reach `core/wasm/kquantKernel.ts` through `kquantRows`). Empty: plain TypeScript only.
 */
export type KernelCalls = readonly (keyof FloatKernel)[];

/** One format. `S` is the scheme type of its family. */
export interface FormatRecord<S extends FormatScheme = FormatScheme> {
  readonly id: FormatId;
  readonly family: S['kind'];
  /** The menu's name: "NF4", "MXFP4 (E2M1)", "FP8 E4M3", "GGUF Q4_K". */
  readonly label: string;
  /** The picker's option group: "QLoRA (bitsandbytes)", "OCP Microscaling (MX)", "FP8 (OCP)". */
  readonly group: string;
  /** Bits of one stored element (4 for NF4, 8 for MXINT8; k-means: its default's index bits). */
  readonly elementBits: number;
  /** The scheme made when this format is picked (and what a link assumes for a key it leaves out). */
  readonly defaults: S;
  /** Options of the scheme that apply to this format. */
  readonly options: readonly FormatOption[];
  readonly facts: FormulaFacts;
  readonly kernel: KernelCalls;
  /** The schemes of this format the sweep measures (usually one; NF4 adds its double-quantized variant). */
  readonly sweep: readonly S[];
  /**
   * A label and the nominal bits per weight before any tensor is known (full blocks; per-tensor / per-row scales
   * left out). `quantize` reports the exact figure for a shape.
   */
  describe(scheme: S): { label: string; bitsPerWeight: number };
  /** The storage words, identical to the `storage` its quantizer reports. */
  storage(scheme: S): string;
  /** Quantizes + dequantizes `t` into `out` (see `quantizeFormatInto`). */
  quantize(t: Tensor2D, scheme: S, out: FormatBuffers): FormatOutput;
}

/** The registry key of a scheme: its `format` for float and block schemes, else its `kind`. */
export function formatIdOf(scheme: FormatScheme): FormatId {
  return scheme.kind === 'float' || scheme.kind === 'block' ? scheme.format : scheme.kind;
}
