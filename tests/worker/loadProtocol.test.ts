import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENDPOINT, MAX_VALUES } from '../../src/io';
import {
  DEFAULT_HUB_ENDPOINT,
  loadRecipeOf,
  MAX_LOAD_VALUES,
  type OpenSource,
  sourceKeyOf,
} from '../../src/worker/loadProtocol';

const hub = (extra: Partial<Extract<OpenSource, { kind: 'hub' }>> = {}): OpenSource => ({
  kind: 'hub',
  input: 'org/name',
  endpoint: 'https://huggingface.co',
  ...extra,
});

describe('loadProtocol', () => {
  it('repeats io’s limits exactly (the page shows them without importing io)', () => {
    expect(MAX_LOAD_VALUES).toBe(MAX_VALUES);
    expect(DEFAULT_HUB_ENDPOINT).toBe(DEFAULT_ENDPOINT);
  });

  it('keys files by name, size and modification time, whatever the File object', () => {
    const a = new File(['abc'], 'w.npy', { lastModified: 7 });
    const b = new File(['xyz'], 'w.npy', { lastModified: 7 }); // same name, size and mtime
    const c = new File(['abc'], 'w.npy', { lastModified: 8 });
    expect(sourceKeyOf({ kind: 'files', files: [a] })).toBe('files:[["w.npy",3,7]]');
    expect(sourceKeyOf({ kind: 'files', files: [b] })).toBe(sourceKeyOf({ kind: 'files', files: [a] }));
    expect(sourceKeyOf({ kind: 'files', files: [c] })).not.toBe(sourceKeyOf({ kind: 'files', files: [a] }));
  });

  it('keys a Hub source by endpoint, model and file, never by its token', () => {
    expect(sourceKeyOf(hub({ token: 'hf_secret' }))).toBe(sourceKeyOf(hub()));
    expect(sourceKeyOf(hub({ endpoint: 'https://huggingface.co/', input: ' org/name ' }))).toBe(
      sourceKeyOf(hub()),
    );
    expect(sourceKeyOf(hub({ file: 'a.gguf' }))).not.toBe(sourceKeyOf(hub({ file: 'b.gguf' })));
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (token) => {
        expect(sourceKeyOf(hub({ token }))).toBe(sourceKeyOf(hub()));
        expect(JSON.stringify(loadRecipeOf(hub({ token }), 't'))).toBe(
          JSON.stringify(loadRecipeOf(hub(), 't')),
        );
      }),
    );
  });

  it('makes recipes that keep File handles and leave the token out', () => {
    const file = new File(['abc'], 'w.npy', { lastModified: 7 });
    expect(loadRecipeOf({ kind: 'files', files: [file] }, 'w')).toEqual({
      kind: 'file',
      files: [{ name: 'w.npy', size: 3, lastModified: 7, file }],
      tensor: 'w',
    });
    expect(loadRecipeOf(hub({ token: 'hf_x', file: 'model.gguf' }), 'blk.0.attn_q.weight')).toEqual({
      kind: 'hub',
      endpoint: 'https://huggingface.co',
      input: 'org/name',
      file: 'model.gguf',
      tensor: 'blk.0.attn_q.weight',
    });
  });
});
