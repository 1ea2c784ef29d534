import { describe, expect, it } from 'vitest';
import { describeView } from '../../../src/components/load/LoadedTensorSummary';
import { labelFiles } from '../../../src/components/load/LoadSection';
import { hashText, pastedFile } from '../../../src/components/load/PasteNumbers';
import { filterTensors, formatShape } from '../../../src/components/load/TensorList';
import type { TensorEntry } from '../../../src/io/types';

const entry = (name: string, dtype = 'F32'): TensorEntry => ({
  name,
  dtype,
  shape: [2, 2],
  byteSize: 16,
  loadable: true,
  location: { file: 'm', offset: 0, encoding: 'f32', littleEndian: true, order: 'C' },
});

describe('the Load section’s helpers', () => {
  it('describes how a shape is viewed as rows × cols (first dim as rows, rest flattened)', () => {
    expect(describeView([64, 4, 32], 64, 128)).toBe('viewed as 64 × 128 (first dim as rows, rest flattened)');
    expect(describeView([3], 1, 3)).toBe('viewed as 1 × 3 (one row)');
    expect(describeView([], 1, 1)).toBe('viewed as 1 × 1 (a single value)');
    expect(describeView([768, 2304], 768, 2304)).toBeNull(); // already a matrix: nothing to say
    expect(describeView([50257, 768, 1], 50257, 768)).toBe(
      'viewed as 50,257 × 768 (first dim as rows, rest flattened)',
    );
  });

  it('formats shapes as NumPy prints them, with thousands separators', () => {
    expect(formatShape([50257, 768])).toBe('[50,257, 768]');
    expect(formatShape([])).toBe('[]');
  });

  it('filters by every word of the query, in the name or the dtype, ignoring case', () => {
    const tensors = [
      entry('model.layers.0.self_attn.q_proj.weight', 'BF16'),
      entry('model.layers.0.mlp.up_proj.weight', 'BF16'),
      entry('model.layers.0.input_layernorm.weight', 'F32'),
    ];
    const names = (q: string) => filterTensors(tensors, q).map((t) => t.name);
    expect(names('')).toHaveLength(3);
    expect(names('ATTN weight')).toEqual(['model.layers.0.self_attn.q_proj.weight']);
    expect(names('proj bf16')).toHaveLength(2);
    expect(names('f32')).toEqual(['model.layers.0.input_layernorm.weight']);
    expect(names('nothing')).toEqual([]);
  });

  it('names one file by its name and several by their count', () => {
    expect(labelFiles([new File([''], 'model.safetensors')])).toBe('model.safetensors');
    expect(labelFiles([new File([''], 'a'), new File([''], 'b'), new File([''], 'c')])).toBe('3 files');
  });

  it('turns pasted text into a CSV file whose identity depends only on the text', async () => {
    const a = pastedFile('1, 2\n3, 4\n');
    const b = pastedFile('1, 2\n3, 4\n');
    const c = pastedFile('1, 2\n3, 5\n');
    expect(a.name).toBe('pasted numbers.csv');
    expect(await a.text()).toBe('1, 2\n3, 4\n');
    expect(a.lastModified).toBe(b.lastModified);
    expect(c.lastModified).not.toBe(a.lastModified);
    // FNV-1a 32-bit of "a": 0xe40c292c (the published test vector).
    expect(hashText('a')).toBe(0xe40c292c);
  });
});
