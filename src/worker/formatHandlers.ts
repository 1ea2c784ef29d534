/**
 * Handler group for the format zoo (issue #5): the sweep (progress per scheme, cancellable between schemes),
 * the three clipping thresholds of a group, and the LLM.int8() view. Spread into `createHandlers`.
 */
import { compareClipThresholds } from '../core/clipCompare';
import { EngineError } from '../core/engineError';
import { computeLlmInt8View } from '../core/llmInt8View';
import type { Scheme } from '../core/scheme';
import { runSweep, type SweepResult } from '../core/sweep';
import { validateScheme } from '../core/validate';
import type { EngineStore } from './handlers';
import type { CallContext, Handlers } from './protocol';

/** Most schemes one sweep request may list. */
export const MAX_SWEEP_SCHEMES = 512;

/**
 * Resolves on a fresh macrotask, so messages already queued for the worker (a cancel) are handled first.
 * A MessageChannel post is not clamped to 4 ms as nested timeouts are, and its message is queued behind
 * the ones already waiting (the posted-message task source is FIFO); setTimeout where there is no channel.
 */
export interface Yielder {
  /** Resolves on a later macrotask. */
  yield(): Promise<void>;
  close(): void;
}

export function createYielder(): Yielder {
  if (typeof MessageChannel !== 'function') {
    return { yield: () => new Promise((resolve) => setTimeout(resolve, 0)), close() {} };
  }
  const channel = new MessageChannel();
  let wake: (() => void) | null = null;
  channel.port1.onmessage = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  return {
    yield: () =>
      new Promise<void>((resolve) => {
        wake = resolve;
        channel.port2.postMessage(null);
      }),
    close() {
      channel.port1.close();
      channel.port2.close();
    },
  };
}

function cancelled(): Error {
  return new DOMException('the sweep was cancelled', 'AbortError');
}

/** Drives `runSweep` one scheme at a time: progress after each, a yield, then a check of the cancel flag. */
export async function driveSweep(
  tensor: Parameters<typeof runSweep>[0],
  schemes: Scheme[] | undefined,
  context: CallContext | undefined,
  yielder: Yielder = createYielder(),
): Promise<SweepResult> {
  const steps = runSweep(tensor, schemes);
  try {
    for (;;) {
      if (context?.signal.aborted) throw cancelled();
      const step = steps.next();
      if (step.done) return step.value;
      const { done, total, point } = step.value;
      context?.progress({ done, total, label: point.label });
      await yielder.yield();
    }
  } finally {
    yielder.close();
  }
}

export function createFormatHandlers(
  store: EngineStore,
): Pick<Handlers, 'sweep' | 'clipThresholds' | 'llmInt8'> {
  return {
    async sweep(datasetId, request, context) {
      const dataset = store.get(datasetId);
      let schemes: Scheme[] | undefined;
      if (request?.schemes) {
        if (!Array.isArray(request.schemes) || request.schemes.length > MAX_SWEEP_SCHEMES) {
          throw new EngineError('schemes', `a sweep takes 1..${MAX_SWEEP_SCHEMES} schemes`);
        }
        schemes = request.schemes.map((s) => validateScheme(s));
      }
      return driveSweep(dataset.tensor, schemes, context);
    },
    clipThresholds(datasetId, scheme, group) {
      const dataset = store.get(datasetId);
      const valid = validateScheme(scheme);
      if (valid.kind !== 'integer') {
        throw new EngineError('kind', 'clipping thresholds apply to integer schemes only');
      }
      return compareClipThresholds(dataset.tensor, valid, group);
    },
    llmInt8(datasetId, params) {
      const dataset = store.get(datasetId);
      return computeLlmInt8View(dataset.tensor, params);
    },
  };
}
