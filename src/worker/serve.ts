/**
 * serve(port, handlers): the worker side of the protocol. Receives `Request`s, dispatches them to the
 * handlers and posts each result back with its typed arrays transferred. Runs in the Web Worker and,
 * unchanged, on a Node `MessageChannel` port in tests. No DOM, no engine code.
 */
import {
  type CallContext,
  type Handlers,
  isCancelMessage,
  type ProgressMessage,
  type Request,
  type Response,
  type WireError,
} from './protocol';

/** The part of `MessagePort` / `DedicatedWorkerGlobalScope` / Node's `MessagePort` that serve needs. */
export interface Port {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  start?(): void;
}

/**
 * Answers every request arriving on `port` with one `Response`, in completion order. A `CancelMessage`
 * aborts the `CallContext.signal` of the running call it names (a handler that awaits between steps sees it).
 */
export function serve(port: Port, handlers: Handlers): void {
  const running = new Map<number, AbortController>();
  port.addEventListener('message', (event: MessageEvent) => {
    if (isCancelMessage(event.data)) {
      running.get(event.data.cancel)?.abort();
      return;
    }
    void answer(port, handlers, event.data as Request, running);
  });
  port.start?.();
}

async function answer(
  port: Port,
  handlers: Handlers,
  request: Request,
  running: Map<number, AbortController>,
): Promise<void> {
  const { id, method, args } = request;
  let response: Response;
  let transfer: Transferable[] = [];
  const controller = new AbortController();
  running.set(id, controller);
  const context: CallContext = {
    progress(progress) {
      if (!controller.signal.aborted) port.postMessage({ id, progress } satisfies ProgressMessage);
    },
    signal: controller.signal,
  };
  try {
    const handler = handlers[method] as ((...a: unknown[]) => unknown) | undefined;
    if (typeof handler !== 'function') throw new Error(`unknown engine method "${String(method)}"`);
    const value = await handler(...(args as unknown[]), context);
    transfer = collectTransferables(value);
    response = { id, ok: true, value };
  } catch (error) {
    response = { id, ok: false, error: toWireError(error) };
  } finally {
    running.delete(id);
  }
  try {
    port.postMessage(response, transfer);
  } catch (error) {
    // A value that cannot be cloned must still answer the call, or the page would wait forever.
    port.postMessage({ id, ok: false, error: toWireError(error) } satisfies Response);
  }
}

/** Keeps the name, message and the UI-relevant fields of any thrown value. */
export function toWireError(error: unknown): WireError {
  if (error instanceof Error) {
    const wire: WireError = { name: error.name, message: error.message };
    const extra = error as Error & {
      field?: unknown;
      datasetId?: unknown;
      code?: unknown;
      hint?: unknown;
      fileName?: unknown;
      status?: unknown;
    };
    if (typeof extra.field === 'string') wire.field = extra.field;
    if (typeof extra.datasetId === 'string') wire.datasetId = extra.datasetId;
    // ParseError (io): the UI shows the hint and reacts to the code (a token field on `auth`).
    if (typeof extra.code === 'string') wire.code = extra.code;
    if (typeof extra.hint === 'string') wire.hint = extra.hint;
    if (typeof extra.fileName === 'string') wire.fileName = extra.fileName;
    if (typeof extra.status === 'number') wire.status = extra.status;
    return wire;
  }
  return { name: 'Error', message: String(error) };
}

/**
 * Finds the buffers of the typed arrays in `value` (plain objects and arrays, a few levels deep) so they
 * are transferred rather than cloned. A view that covers only part of its buffer (a `subarray` of a
 * workspace) is replaced by an owned copy first: transferring it would detach the whole workspace, and
 * cloning it would copy the whole buffer (ARCHITECTURE.md §5).
 */
export function collectTransferables(value: unknown): Transferable[] {
  const out = new Set<ArrayBuffer>();
  visit(value, out, 0);
  return [...out];
}

const MAX_DEPTH = 6;

function visit(value: unknown, out: Set<ArrayBuffer>, depth: number): void {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (ArrayBuffer.isView(value[i])) value[i] = ownedView(value[i] as ArrayBufferView, out);
      else visit(value[i], out, depth + 1);
    }
    return;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const child = record[key];
    if (ArrayBuffer.isView(child)) record[key] = ownedView(child, out);
    else visit(child, out, depth + 1);
  }
}

type SliceableView = ArrayBufferView & { slice(): ArrayBufferView };

function ownedView(view: ArrayBufferView, out: Set<ArrayBuffer>): ArrayBufferView {
  if (!(view.buffer instanceof ArrayBuffer)) return view; // SharedArrayBuffer: shared, never transferred
  let owned = view;
  if (view.byteOffset !== 0 || view.byteLength !== view.buffer.byteLength) {
    owned = typeof (view as SliceableView).slice === 'function' ? (view as SliceableView).slice() : view;
  }
  if (owned.buffer instanceof ArrayBuffer) out.add(owned.buffer);
  return owned;
}
