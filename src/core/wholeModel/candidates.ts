/**
 * The candidate schemes the budget chooses among, as presets with short ids (the URL and the UI use the ids):
 * int8 per row, int4 group-128 (absmax), NF4, Q4_K, Q6_K, Q8_0, MXFP4, FP8 E4M3 per row, …
 */
import type { Scheme } from '../scheme';

export interface CandidatePreset {
  id: string;
  label: string;
  scheme: Scheme;
}

const int = (bits: number, granularity: Extract<Scheme, { kind: 'integer' }>['granularity']): Scheme => ({
  kind: 'integer',
  method: 'absmax',
  bits,
  granularity,
  rounding: { kind: 'halfEven' },
  clipping: { kind: 'none' },
});

export const CANDIDATE_PRESETS: readonly CandidatePreset[] = [
  { id: 'int8', label: 'int8 per row', scheme: int(8, { kind: 'row' }) },
  { id: 'int4g128', label: 'int4 group-128', scheme: int(4, { kind: 'group', size: 128 }) },
  { id: 'int3g128', label: 'int3 group-128', scheme: int(3, { kind: 'group', size: 128 }) },
  { id: 'nf4', label: 'NF4', scheme: { kind: 'block', format: 'nf4' } },
  { id: 'q4_k', label: 'Q4_K', scheme: { kind: 'block', format: 'q4_k' } },
  { id: 'q6_k', label: 'Q6_K', scheme: { kind: 'block', format: 'q6_k' } },
  { id: 'q8_0', label: 'Q8_0', scheme: { kind: 'block', format: 'q8_0' } },
  { id: 'q4_0', label: 'Q4_0', scheme: { kind: 'block', format: 'q4_0' } },
  { id: 'q5_0', label: 'Q5_0', scheme: { kind: 'block', format: 'q5_0' } },
  { id: 'mxfp4', label: 'MXFP4', scheme: { kind: 'block', format: 'mxfp4' } },
  {
    id: 'fp8',
    label: 'FP8 E4M3 per row',
    scheme: { kind: 'float', format: 'e4m3', scaling: 'row', groupSize: 32, saturate: true },
  },
  {
    id: 'fp16',
    label: 'FP16',
    scheme: { kind: 'float', format: 'fp16', scaling: 'none', groupSize: 32, saturate: true },
  },
];

export const DEFAULT_CANDIDATE_IDS: readonly string[] = [
  'int8',
  'int4g128',
  'nf4',
  'q4_k',
  'q6_k',
  'mxfp4',
  'fp8',
];

export function candidatePreset(id: string): CandidatePreset | undefined {
  return CANDIDATE_PRESETS.find((p) => p.id === id);
}
