/**
 * The lab's inputs: a seeded, stratified train/test split of the digits (the same on every machine: one
 * xoshiro128** stream from the seed, classes taken in order 0..9), pixels scaled from 0..16 to 0..1.
 */
import { createRng, type Rng } from '../random';

/** The digits as the lab needs them (src/io/digits decodes the shipped asset into this shape). */
export interface DigitImages {
  count: number;
  /** count × 64 grey levels 0..16. */
  pixels: Uint8Array;
  labels: Uint8Array;
}

export interface SplitSet {
  n: number;
  /** n × 64, pixel / 16. */
  x: Float32Array;
  labels: Uint8Array;
  /** Index of each row in the original data set. */
  index: Int32Array;
}

export interface DigitsSplit {
  train: SplitSet;
  test: SplitSet;
}

export const INPUT_SIZE = 64;
export const CLASS_COUNT = 10;
const MAX_LEVEL = 16;

/** Fisher–Yates shuffle in place, drawing from `rng` (uniform index j ≤ i by rejection-free floor). */
export function shuffleInPlace(values: Int32Array | number[], rng: Rng): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    const t = values[i];
    values[i] = values[j];
    values[j] = t;
  }
}

function gather(images: DigitImages, index: Int32Array): SplitSet {
  const n = index.length;
  const x = new Float32Array(n * INPUT_SIZE);
  const labels = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const src = index[r] * INPUT_SIZE;
    for (let k = 0; k < INPUT_SIZE; k++) x[r * INPUT_SIZE + k] = images.pixels[src + k] / MAX_LEVEL;
    labels[r] = images.labels[index[r]];
  }
  return { n, x, labels, index };
}

/**
 * Per class: shuffle its images, the first round(count × testFraction) go to the test set. Both sets are then
 * shuffled, so neither is ordered by class. 1,797 digits at 0.2 give 1,438 training and 359 test images
 * (each class rounds its own fifth).
 */
export function splitDigits(images: DigitImages, seed: number, testFraction = 0.2): DigitsSplit {
  const rng = createRng(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (let c = 0; c < CLASS_COUNT; c++) {
    const members: number[] = [];
    for (let i = 0; i < images.count; i++) if (images.labels[i] === c) members.push(i);
    shuffleInPlace(members, rng);
    const k = Math.round(members.length * testFraction);
    test.push(...members.slice(0, k));
    train.push(...members.slice(k));
  }
  const trainIndex = Int32Array.from(train);
  const testIndex = Int32Array.from(test);
  shuffleInPlace(trainIndex, rng);
  shuffleInPlace(testIndex, rng);
  return { train: gather(images, trainIndex), test: gather(images, testIndex) };
}
