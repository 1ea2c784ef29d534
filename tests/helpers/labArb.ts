/** fast-check arbitrary of valid model-lab settings (every field inside its limits). */
import fc from 'fast-check';
import { LAB_LIMITS, type LabSettings } from '../../src/core/nn/settings';

const intIn = ([min, max]: readonly [number, number]) => fc.integer({ min, max });
const realIn = ([min, max]: readonly [number, number]) => fc.double({ min, max, noNaN: true });

export const labSettingsArb: fc.Arbitrary<LabSettings> = fc.record({
  model: fc.record({
    hidden: intIn(LAB_LIMITS.hidden),
    hidden2: fc.oneof(fc.constant(0), intIn(LAB_LIMITS.hidden2)),
    epochs: intIn(LAB_LIMITS.epochs),
    batchSize: intIn(LAB_LIMITS.batchSize),
    learningRate: realIn(LAB_LIMITS.learningRate),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  }),
  biases: fc.boolean(),
  sweep: fc.record({
    mode: fc.constantFrom('methods' as const, 'schemes' as const),
    granularity: fc.oneof(
      fc.constantFrom({ kind: 'tensor' as const }, { kind: 'row' as const }, { kind: 'column' as const }),
      fc.integer({ min: 1, max: 4096 }).map((size) => ({ kind: 'group' as const, size })),
    ),
  }),
  qat: fc.record({
    scheme: fc.constantFrom('a' as const, 'b' as const),
    epochs: intIn(LAB_LIMITS.qatEpochs),
    learningRate: realIn(LAB_LIMITS.learningRate),
    ste: fc.constantFrom('plain' as const, 'clipped' as const),
    start: fc.constantFrom('float' as const, 'scratch' as const),
  }),
  activations: fc.record({
    bits: fc.integer({ min: 2, max: 8 }),
    method: fc.constantFrom('absmax' as const, 'zeroPoint' as const),
    calibration: fc.constantFrom('minmax' as const, 'percentile' as const, 'ema' as const),
    samples: intIn(LAB_LIMITS.samples),
    percentile: realIn(LAB_LIMITS.percentile),
    averagingConstant: realIn(LAB_LIMITS.averagingConstant),
    weights: fc.constantFrom('float' as const, 'a' as const),
  }),
});
