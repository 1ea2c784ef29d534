import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GPT2_END_OF_TEXT, loadGpt2Tokenizer } from '../../src/lm/tokenizer';

const reference = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../fixtures/gpt2/reference.json'), 'utf8'),
) as { text: string; textIds: number[]; prompt: string; promptIds: number[] };

describe('GPT-2 tokenizer (js-tiktoken lite, GPT-2 ranks)', () => {
  // Known ids (MODELS.md, from GPT-2's own encoder.json / vocab.bpe).
  it.each([
    ['Hello world', [15496, 995]],
    ['I have a dream', [40, 423, 257, 4320]],
    [' I have a dream', [314, 423, 257, 4320]],
    ['<|endoftext|>', [GPT2_END_OF_TEXT]],
  ])('encodes %j as %j', async (text, ids) => {
    const tokenizer = await loadGpt2Tokenizer();
    expect(tokenizer.encode(text)).toEqual(ids);
  });

  it('gives the fixture script the ids it states for its text and prompt', async () => {
    const tokenizer = await loadGpt2Tokenizer();
    expect(tokenizer.encode(reference.text)).toEqual(reference.textIds);
    expect(tokenizer.encode(reference.prompt)).toEqual(reference.promptIds);
  });

  it('decodes back to the text, and splits it into per-token pieces that join to it', async () => {
    const tokenizer = await loadGpt2Tokenizer();
    const text = 'Call me Ishmael. Some years ago — never mind how long precisely';
    const ids = tokenizer.encode(text);
    expect(tokenizer.decode(ids)).toBe(text);
    const pieces = tokenizer.pieces(ids);
    expect(pieces).toHaveLength(ids.length);
    // Byte-level BPE: an ASCII text's pieces are whole characters and join back to it exactly.
    const ascii = 'Call me Ishmael. Some years ago, never mind how long precisely';
    expect(tokenizer.pieces(tokenizer.encode(ascii)).join('')).toBe(ascii);
    expect(tokenizer.pieces([40, 423, 257, 4320])).toEqual(['I', ' have', ' a', ' dream']);
  });

  it('loads once: two calls share one tokenizer', async () => {
    const [a, b] = await Promise.all([loadGpt2Tokenizer(), loadGpt2Tokenizer()]);
    expect(a).toBe(b);
  });
});
