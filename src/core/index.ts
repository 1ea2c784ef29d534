/**
 * The public surface of the numeric engine (documented in the README's "Engine" section).
 * Pure TypeScript: no DOM, no Node APIs, so it runs the same in the worker, in Node tests and in the benchmark.
 */
export { EngineError } from './engineError';
export { describeFormat, describeFormatStorage, type FormatScheme, representableValues } from './formats';
export { E8M0_NAN, e8m0FromExponent, e8m0FromValue, e8m0ToValue } from './formats/e8m0';
export { type RawCastResult, rawCast } from './formats/rawCast';
export { DEFAULT_GENERATOR, generateTensor, MAX_GENERATED_VALUES, summarizeTensor } from './generators';
export type { Distribution, GeneratorParams, TensorSummary } from './generators.types';
export { groupCount, groupExtent, groupOf } from './groups';
export { createEdges } from './histogram';
export {
  absmaxStep,
  codeRange,
  dequantizeCode,
  quantizeValue,
  scaledValue,
  zeroPointParams,
} from './integer';
export {
  LLM_INT8_DEFAULT_THRESHOLD,
  type LlmInt8Result,
  type MatmulError,
  simulateLlmInt8,
} from './llmInt8';
export { type ErrorMetrics, measurePair, type PairMetricsOptions } from './pairMetrics';
export { computeQuantView, type QuantResult, quantize, type SearchOptions } from './quantView';
export { roundHalfAway, roundHalfEven } from './rounding';
export * from './scheme';
export {
  defaultSweepSchemes,
  labelOf,
  markParetoFront,
  runSweep,
  SWEEP_MAX_VALUES,
  type SweepPoint,
  type SweepResult,
} from './sweep';
export { createTensor, shapeAs2D, type Tensor2D } from './tensor';
export { createTensorCache, type TensorCache } from './tensorCache';
export { BLOCK_FORMAT_IDS, FLOAT_FORMAT_IDS, MAX_BINS, validateScheme, validateView } from './validate';
export * from './view';
export {
  computeWorkedExample,
  MAX_WORKED_VALUES,
  type WorkedExample,
  type WorkedOptions,
  type WorkedStep,
} from './workedExample';
