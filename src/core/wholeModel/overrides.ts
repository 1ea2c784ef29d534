/**
 * An allocation as llama.cpp `llama-quantize` arguments: a default type and one `--tensor-type NAME=TYPE` per
 * tensor that differs from it (tools/quantize: the option takes a tensor name pattern and a ggml type name,
 * e.g. `--tensor-type attn_v=q6_k`; the pattern is matched against GGUF tensor names). Only schemes that are ggml
 * types can be written; tensors given another scheme are listed in comments so nothing is silently dropped.
 */
import type { Scheme } from '../scheme';
import { ggufNameOf } from './ggufNames';

/** ggml type names of the block formats that are GGUF tensor types (lower case, as llama-quantize prints them). */
const GGML_TYPE_OF: Readonly<Record<string, string>> = {
  q8_0: 'q8_0',
  q4_0: 'q4_0',
  q4_1: 'q4_1',
  q5_0: 'q5_0',
  q5_1: 'q5_1',
  q4_k: 'q4_k',
  q6_k: 'q6_k',
};

/** The ggml type of a scheme (block q8_0 … q6_k, float fp16 / bf16 unscaled), else null. */
export function ggmlTypeOf(scheme: Scheme): string | null {
  if (scheme.kind === 'block') return GGML_TYPE_OF[scheme.format] ?? null;
  if (scheme.kind === 'float' && scheme.scaling === 'none') {
    if (scheme.format === 'fp16') return 'f16';
    if (scheme.format === 'bf16') return 'bf16';
  }
  return null;
}

/** A regular expression matching exactly `name` (llama.cpp matches the pattern as a regex against the name). */
function exactPattern(name: string): string {
  return `^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
}

export interface OverrideExport {
  /** The text: comment lines, then one `--tensor-type` argument per line (shell line continuations). */
  text: string;
  /** The default type (the one most parameters got), or null when no allocated scheme is a ggml type. */
  baseType: string | null;
  /** Tensors whose scheme is not a ggml type, or whose name has no known GGUF name. */
  unwritten: string[];
}

/**
 * `assignments`: tensor name, parameters and the scheme chosen for it. E.g. for blk.0.attn_v.weight → Q6_K with
 * Q4_K elsewhere: `llama-quantize … Q4_K` plus `--tensor-type '^blk\.0\.attn_v\.weight$=q6_k'`.
 */
export function llamaCppOverrides(
  assignments: ReadonlyArray<{ name: string; params: number; scheme: Scheme; label: string }>,
): OverrideExport {
  const weightByType = new Map<string, number>();
  for (const a of assignments) {
    const type = ggmlTypeOf(a.scheme);
    if (type) weightByType.set(type, (weightByType.get(type) ?? 0) + a.params);
  }
  let baseType: string | null = null;
  for (const [type, weight] of weightByType) {
    if (baseType === null || weight > (weightByType.get(baseType) ?? 0)) baseType = type;
  }
  const lines: string[] = [];
  const unwritten: string[] = [];
  for (const a of assignments) {
    const type = ggmlTypeOf(a.scheme);
    const gguf = ggufNameOf(a.name);
    if (!type) {
      unwritten.push(`${a.name}: ${a.label} is not a GGUF tensor type`);
      continue;
    }
    if (!gguf) {
      unwritten.push(`${a.name}: no GGUF name known for this tensor (wanted ${type})`);
      continue;
    }
    if (type !== baseType) lines.push(`  --tensor-type '${exactPattern(gguf)}=${type}' \\`);
  }
  const head = [
    '# llama.cpp per-tensor types from the Quantization Explorer budget allocation.',
    `# Usage: llama-quantize [--tensor-type …] model-f16.gguf model-out.gguf ${baseType?.toUpperCase() ?? '<TYPE>'}`,
    ...unwritten.map((u) => `# not written: ${u}`),
    'llama-quantize \\',
  ];
  const tail = [`  model-f16.gguf model-out.gguf ${baseType?.toUpperCase() ?? 'Q4_K'}`];
  return { text: [...head, ...lines, ...tail].join('\n'), baseType, unwritten };
}
