/**
 * Handler group for the model lab (issue #13), spread into `createHandlers`. It keeps the digits (decoded once),
 * one split per seed and the last few trained float models, keyed by their settings; any call for a model not
 * held (a restarted worker, an evicted model) trains it first, so every call stands on its own.
 * Training and QAT run an epoch at a time with a yield in between, so a cancel or a newer call gets through.
 */
import { EngineError } from '../core/engineError';
import { type DigitsSplit, splitDigits } from '../core/nn/data';
import { evaluate } from '../core/nn/evaluate';
import { compareActivations, comparePtq, runQat, sweepBits, trainFloatModel } from '../core/nn/lab';
import type { Mlp } from '../core/nn/mlp';
import {
  type LabModelSettings,
  modelKey,
  validateActivationSettings,
  validateLabModel,
  validateQatSettings,
  validateSweepSettings,
} from '../core/nn/settings';
import type { EpochReport } from '../core/nn/train';
import { validateScheme } from '../core/validate';
import { type DigitsDataset, loadDigits } from '../io/digits/digits';
import { createYielder } from './formatHandlers';
import type { LabSchemes, LabTrainResult } from './labProtocol';
import type { CallContext, Handlers } from './protocol';

type LabMethods = 'labTrain' | 'labPtq' | 'labSweep' | 'labQat' | 'labActivations';

/** Trained models kept (each a few tens of KB). */
const MAX_MODELS = 4;

interface TrainedModel {
  model: Mlp;
  history: EpochReport[];
  trainMs: number;
}

function aborted(what: string): Error {
  return new DOMException(`the ${what} was cancelled`, 'AbortError');
}

function validSchemes(input: unknown): LabSchemes {
  const o = input as Partial<LabSchemes> | null;
  if (typeof o !== 'object' || o === null)
    throw new EngineError('schemes', 'schemes must be an object with a and b');
  return { a: validateScheme(o.a), b: validateScheme(o.b) };
}

/**
 * Steps a generator with a yield to the event loop between steps; stops with an AbortError as soon as one of
 * `signals` is aborted (the call's own cancel, or a newer call superseding it).
 */
async function drive<T, R>(
  steps: Generator<T, R>,
  signals: (AbortSignal | undefined)[],
  what: string,
  onStep: (step: T) => void,
): Promise<R> {
  const yielder = createYielder();
  try {
    for (;;) {
      if (signals.some((s) => s?.aborted)) throw aborted(what);
      const r = steps.next();
      if (r.done) return r.value;
      onStep(r.value);
      await yielder.yield();
    }
  } finally {
    yielder.close();
  }
}

export function createLabHandlers(
  load: () => Promise<DigitsDataset> = loadDigits,
): Pick<Handlers, LabMethods> {
  const splits = new Map<number, DigitsSplit>();
  const models = new Map<string, TrainedModel>();
  const training = new Map<string, Promise<TrainedModel>>();
  let currentTrain: AbortController | null = null;
  let currentQat: AbortController | null = null;

  async function splitFor(seed: number): Promise<DigitsSplit> {
    let s = splits.get(seed);
    if (!s) {
      s = splitDigits(await load(), seed);
      splits.clear(); // one seed at a time is what the page uses
      splits.set(seed, s);
    }
    return s;
  }

  /** The trained model for `settings`: kept, being trained (shared), or trained now. */
  function modelFor(
    settings: LabModelSettings,
    context?: CallContext,
    signal?: AbortSignal,
  ): Promise<TrainedModel> {
    const key = modelKey(settings);
    const kept = models.get(key);
    if (kept) return Promise.resolve(kept);
    const running = training.get(key);
    if (running) return running;
    const run = (async () => {
      const split = await splitFor(settings.seed);
      const started = performance.now();
      const history: EpochReport[] = [];
      const model = await drive(
        trainFloatModel(split, settings),
        [context?.signal, signal],
        'training',
        (step) => {
          history.push(step);
          context?.progress({ ...step, epochs: settings.epochs });
        },
      );
      const trained = { model, history, trainMs: performance.now() - started };
      models.delete(key);
      models.set(key, trained);
      while (models.size > MAX_MODELS) models.delete(models.keys().next().value as string);
      return trained;
    })();
    training.set(key, run);
    const forget = () => {
      if (training.get(key) === run) training.delete(key);
    };
    run.then(forget, forget);
    return run;
  }

  return {
    async labTrain(input, context) {
      const settings = validateLabModel(input);
      const key = modelKey(settings);
      // a newer training supersedes the running one (unless it is the same model, which it then shares)
      if (!training.has(key)) currentTrain?.abort();
      const own = new AbortController();
      currentTrain = own;
      try {
        const trained = await modelFor(settings, context, own.signal);
        const split = await splitFor(settings.seed);
        const float = { ...evaluate(trained.model, split.test), layers: null };
        const testImages = new Uint8Array(split.test.n * 64);
        const digits = await load();
        split.test.index.forEach((src, r) => {
          testImages.set(digits.pixels.subarray(src * 64, src * 64 + 64), r * 64);
        });
        return {
          key,
          settings,
          history: trained.history,
          float,
          testImages,
          testLabels: split.test.labels.slice(),
          trainMs: trained.trainMs,
          trainSize: split.train.n,
        } satisfies LabTrainResult;
      } finally {
        if (currentTrain === own) currentTrain = null;
      }
    },

    async labPtq(input, schemes, biases, context) {
      const settings = validateLabModel(input);
      const valid = validSchemes(schemes);
      const { model } = await modelFor(settings, undefined, context?.signal);
      return comparePtq(model, await splitFor(settings.seed), valid, biases === true);
    },

    async labSweep(input, sweep, schemes, biases, context) {
      const settings = validateLabModel(input);
      const valid = validSchemes(schemes);
      const { model } = await modelFor(settings, undefined, context?.signal);
      return sweepBits(
        model,
        await splitFor(settings.seed),
        validateSweepSettings(sweep),
        valid,
        biases === true,
      );
    },

    async labQat(input, qatInput, schemes, biases, context) {
      const settings = validateLabModel(input);
      const qat = validateQatSettings(qatInput);
      const valid = validSchemes(schemes);
      currentQat?.abort();
      const own = new AbortController();
      currentQat = own;
      try {
        const { model } = await modelFor(settings, undefined, context?.signal);
        const split = await splitFor(settings.seed);
        return await drive(
          runQat(model, split, settings, qat, valid[qat.scheme], biases === true),
          [context?.signal, own.signal],
          'QAT run',
          (step) => context?.progress({ ...step, epochs: qat.epochs }),
        );
      } finally {
        if (currentQat === own) currentQat = null;
      }
    },

    async labActivations(input, activations, schemes, biases, context) {
      const settings = validateLabModel(input);
      const act = validateActivationSettings(activations);
      const valid = validSchemes(schemes);
      const { model } = await modelFor(settings, undefined, context?.signal);
      return compareActivations(model, await splitFor(settings.seed), act, valid.a, biases === true);
    },
  };
}
