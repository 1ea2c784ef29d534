/**
 * The whole-model analysis (issue #15): per-tensor statistics and errors, tensor kinds and layers from names,
 * the mixed-precision budget and its llama.cpp export. Pure TS, like the rest of core.
 */
export {
  type Allocation,
  type AllocationItem,
  allocateGreedy,
  allocationOf,
  bestSingleCandidate,
  bruteForceAllocation,
  hullOf,
} from './allocate';
export { analyseTensor, type SchemeError, type TensorAnalysis } from './analyseTensor';
export {
  CANDIDATE_PRESETS,
  type CandidatePreset,
  candidatePreset,
  DEFAULT_CANDIDATE_IDS,
} from './candidates';
export { ggufNameOf } from './ggufNames';
export {
  allocationErrorOf,
  type ModelTotals,
  modelTotals,
  nameFilter,
  type SchemeTotals,
  type WholeModelRow,
} from './modelTable';
export { ggmlTypeOf, llamaCppOverrides, type OverrideExport } from './overrides';
export {
  isNonParameterBuffer,
  layerIndexOf,
  TENSOR_KIND_LABELS,
  TENSOR_KINDS,
  type TensorKind,
  tensorKindOf,
} from './tensorKinds';
export { computeTensorStats, type TensorStats } from './tensorStats';
