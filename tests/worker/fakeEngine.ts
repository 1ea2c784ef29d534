/**
 * Test doubles for the worker protocol: fake handlers (no engine), an in-process EngineClient on a Node
 * MessageChannel (ARCHITECTURE.md §9.6), and a port that can be made to "crash".
 */
import { MessageChannel } from 'node:worker_threads';
import { DEFAULT_GENERATOR } from '../../src/core/generators.types';
import type { IntegerScheme, Scheme } from '../../src/core/scheme';
import { DEFAULT_SCHEME_A } from '../../src/core/scheme';
import type { QuantView, ViewParams } from '../../src/core/view';
import { createDatasetStore, datasetIdFor } from '../../src/worker/datasetStore';
import { EngineClient, type EnginePort } from '../../src/worker/engineClient';
import type { DatasetSummary, Handlers } from '../../src/worker/protocol';
import { type Port, serve } from '../../src/worker/serve';

export const withBits = (bits: number): IntegerScheme => ({ ...DEFAULT_SCHEME_A, bits });

/** A QuantView-shaped object carrying only what a test looks at. */
export function viewFor(scheme: Scheme, extra: Partial<QuantView> = {}): QuantView {
  return { scheme, ...extra } as unknown as QuantView;
}

/** Handlers with a working dataset store over fake tensors; override any method. */
export function fakeHandlers(overrides: Partial<Handlers> = {}): Handlers {
  const store = createDatasetStore<DatasetSummary>();
  return {
    generate(params) {
      const recipe = { kind: 'generate', params } as const;
      const summary: DatasetSummary = {
        id: datasetIdFor(recipe),
        recipe,
        summary: {
          rows: params.rows,
          cols: params.cols,
          count: params.rows * params.cols,
          nonFinite: 0,
          min: -1,
          max: 1,
          mean: 0,
          std: 0.5,
          absmax: 1,
        },
      };
      store.put(summary.id, summary);
      return summary;
    },
    quantize(datasetId, scheme, _view: ViewParams) {
      store.get(datasetId);
      return viewFor(scheme);
    },
    // No mirror: the page's same-frame engine stays off, and every change goes to these handlers.
    mirror: () => null,
    sweep: () => Promise.reject(new Error('sweep is not faked')),
    clipThresholds: () => Promise.reject(new Error('clipThresholds is not faked')),
    llmInt8: () => Promise.reject(new Error('llmInt8 is not faked')),
    open: () => Promise.reject(new Error('open is not faked')),
    load: () => Promise.reject(new Error('load is not faked')),
    retryDownload: () => false,
    sampleValues: () => Promise.reject(new Error('sampleValues is not faked')),
    workedExample: () => Promise.reject(new Error('workedExample is not faked')),
    labTrain: () => Promise.reject(new Error('labTrain is not faked')),
    labPtq: () => Promise.reject(new Error('labPtq is not faked')),
    labSweep: () => Promise.reject(new Error('labSweep is not faked')),
    labQat: () => Promise.reject(new Error('labQat is not faked')),
    labActivations: () => Promise.reject(new Error('labActivations is not faked')),
    lmInspect: () => Promise.reject(new Error('lmInspect is not faked')),
    lmLoad: () => Promise.reject(new Error('lmLoad is not faked')),
    lmEvaluate: () => Promise.reject(new Error('lmEvaluate is not faked')),
    analyseModel: () => Promise.reject(new Error('analyseModel is not faked')),
    ...overrides,
  };
}

/** serve() on one end of a MessageChannel, an EngineClient on the other: no bundler, no browser. */
export function connect(handlers: Handlers): EngineClient {
  const { port1, port2 } = new MessageChannel();
  serve(port2 as unknown as Port, handlers);
  return new EngineClient(() => port1 as unknown as EnginePort);
}

/** A spawnable "worker" whose crash a test triggers; each spawn gets fresh handlers (fresh memory). */
export function crashableEngine(
  makeHandlers: () => Handlers,
  options?: ConstructorParameters<typeof EngineClient>[1],
) {
  const spawned: Array<{ crash(message?: string): void; terminated: boolean }> = [];
  const spawn = (): EnginePort => {
    const { port1, port2 } = new MessageChannel();
    serve(port2 as unknown as Port, makeHandlers());
    const events = new EventTarget();
    const record = {
      terminated: false,
      crash(message = 'boom') {
        const event = new Event('error', { cancelable: true });
        Object.assign(event, { message });
        events.dispatchEvent(event);
      },
    };
    spawned.push(record);
    return {
      postMessage: (message: unknown, transfer?: Transferable[]) =>
        port1.postMessage(message, transfer as never),
      addEventListener: (type: string, listener: (event: never) => void) => {
        if (type === 'message') port1.addEventListener('message', listener as never);
        else events.addEventListener(type, listener as never);
      },
      start: () => port1.start(),
      terminate: () => {
        record.terminated = true;
        port1.close();
      },
    } as EnginePort;
  };
  return { client: new EngineClient(spawn, options), spawned };
}

export const GEN = DEFAULT_GENERATOR;

/** Resolves after the current macrotask queue drains (messages delivered). */
export const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

/** A promise whose resolution the test controls. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
