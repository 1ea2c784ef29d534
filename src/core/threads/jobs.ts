/**
 * The messages a helper thread is posted: one part of a job, structured-cloneable (the buffers and memories are
 * shared, not copied). Every part has a control word (control.ts) at `slot` in its buffer's first bytes.
 */

import type { ScratchPointers } from '../wasm/kernelLayout';
import type { KquantType } from '../wasm/kquantKernel';
import type { WasmMemory } from '../wasm/wasmModule';
import type { PassPlan, TensorPointers } from '../wasmPass';

/** What every part carries: the buffer with its control word, the word's index, and the job's id. */
export interface PostedPart {
  buffer: SharedArrayBuffer;
  /** The part's control word (an Int32Array index into the buffer's first bytes). */
  slot: number;
  id: number;
}

/** One part of a Q4_K / Q6_K search (kquantJob.ts): some rows, whose data sits in the buffer or in place. */
export interface KquantJob extends PostedPart {
  kind: 'kquant';
  type: KquantType;
  rows: number;
  cols: number;
  subSize: number;
  /** Byte offsets into the buffer: x (f32), codes (i16), dequantized (f32), A and B (f32 per sub-block). */
  x: number;
  codes: number;
  deq: number;
  a: number;
  b: number;
  /**
   * Where the tensor is in a shared kernel memory (fusedKernel.ts `SharedTensor`): the part's rows are quantized
   * there in place, and only A and B go through the buffer (x, codes and deq above are unused).
   */
  inPlace?: InPlaceRows;
}

/** A part's rows in a shared kernel memory: byte offsets of its first row, and the helper's scratch there. */
export interface InPlaceRows {
  memory: WasmMemory;
  sharedId: number;
  x: number;
  codes: number;
  deq: number;
  scratch: ScratchPointers;
}

/** Where a measuring pass's shared arrays sit in the job's buffer (byte offsets; lengths in entries). */
export interface SharedLayout {
  rowSse: number;
  rows: number;
  heat: number;
  cells: number;
  bandSse: number;
  bandErr: number;
  bands: number;
  /** An integer scheme's steps and zero points (0 entries for a format, which the measuring does not read). */
  step: number;
  zero: number;
  steps: number;
  lo: number;
  hi: number;
  groups: number;
}

/** One part of a measuring pass (measureJob.ts): some bands of rows, measured in place in a shared memory. */
export interface MeasureJob extends PostedPart {
  kind: 'measure';
  memory: WasmMemory;
  /** The memory's id (fusedKernel.ts `sharedId`): a helper keeps its kernel instance on it between jobs. */
  sharedId: number;
  /** The helper's scratch in the memory. */
  scratch: ScratchPointers;
  at: TensorPointers;
  plan: PassPlan;
  layout: SharedLayout;
  firstBand: number;
  endBand: number;
}

/** Any part a helper may be posted. */
export type HelperJob = KquantJob | MeasureJob;
