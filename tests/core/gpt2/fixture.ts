/** The tiny random GPT-2 of tests/fixtures/gpt2 (made by make_tiny_gpt2.py), loaded through the app's io. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Gpt2Weights } from '../../../src/core/gpt2/weights';
import { fromBytes, listTensors } from '../../../src/io';
import { inspectGpt2, loadGpt2Weights, parseConfigBytes } from '../../../src/lm/gpt2Checkpoint';

export const FIXTURE_DIR = resolve(import.meta.dirname, '../../fixtures/gpt2');

export interface Evaluation {
  loss: number;
  perplexity: number;
  tokenLosses: number[];
  logitColumns: number[];
  logitsAtColumns: number[][];
  argmax: number[];
  lastLogits?: number[];
}
export interface Variant {
  text: Evaluation;
  spread: Evaluation;
  continuation: number[];
  smallestTop2Margin: number;
}
export interface Reference {
  text: string;
  textIds: number[];
  prompt: string;
  promptIds: number[];
  spreadIds: number[];
  continueTokens: number;
  parameterTensors: number;
  variants: { float32: Variant; absmax: Variant; zeroPoint: Variant };
}

export const reference = JSON.parse(
  readFileSync(resolve(FIXTURE_DIR, 'reference.json'), 'utf8'),
) as Reference;

export function fixtureBytes(file: 'config.json' | 'model.safetensors'): Uint8Array {
  return new Uint8Array(readFileSync(resolve(FIXTURE_DIR, 'tiny-gpt2', file)));
}

export async function loadFixtureModel(): Promise<Gpt2Weights> {
  const config = parseConfigBytes(fixtureBytes('config.json'));
  const sources = [fromBytes('model.safetensors', fixtureBytes('model.safetensors'))];
  const listing = await listTensors(sources);
  return loadGpt2Weights(inspectGpt2(config, sources, listing));
}
