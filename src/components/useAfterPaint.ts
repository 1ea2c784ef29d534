/**
 * Work that may wait one frame: `useAfterPaint(value)` follows `value` in a low-priority render that starts only
 * once the frame showing the current render has been painted. A bits change then draws what is in view first (the
 * headline numbers and the value histograms) and paints it, and the rest (the other charts, the formulas, the
 * metrics table, the worked example) follows a frame later. `useDeferredValue` alone does not promise that: its
 * render may run, and commit its d3 updates, before the browser gets to paint.
 */
import { startTransition, useEffect, useState } from 'react';
import { type AppState, useAppStoreApi } from '../state/appStore';

/** Longest wait for a painted frame (a hidden page paints none): then the value follows anyway. */
const MAX_WAIT_MS = 100;

/**
 * Runs `run` once the next frame has been painted (a message posted from that frame's animation-frame callback
 * is delivered after it paints), or after MAX_WAIT_MS when no frame comes. Returns a cancel function.
 */
export function afterNextPaint(run: () => void): () => void {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    cleanup();
    run();
  };
  const channel = new MessageChannel();
  channel.port1.onmessage = once;
  const frame = requestAnimationFrame(() => channel.port2.postMessage(null));
  const timer = setTimeout(once, MAX_WAIT_MS);
  function cleanup() {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    channel.port1.onmessage = null;
    channel.port1.close();
  }
  return () => {
    done = true;
    cleanup();
  };
}

/**
 * `value`, one painted frame late: the first render returns `value`; when it changes, the old one is kept until
 * the frame showing the rest of this render has been painted, then a transition (interruptible, superseded by a
 * newer change) renders the new one. Values compare by identity, so pass stable (memoised) objects.
 */
export function useAfterPaint<T>(value: T): T {
  const [shown, setShown] = useState(value);
  useEffect(() => {
    if (Object.is(shown, value)) return;
    return afterNextPaint(() => startTransition(() => setShown(() => value)));
  }, [value, shown]);
  return shown;
}

/** Longest wait for an idle moment after the painted frame (useAppStoreAfterPaint). */
const IDLE_WAIT_MS = 120;

/** Runs `run` when the main thread is next idle (requestIdleCallback, or a timer where there is none). */
function afterIdle(run: () => void): () => void {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(run, { timeout: IDLE_WAIT_MS });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(run, 0);
  return () => clearTimeout(id);
}

/**
 * `useAfterPaint(useAppStore(selector))` without the first render: the component does not render on the store
 * change itself (a slider's key press, whose render and frame then stay small), only once the frame after it has
 * been painted and the main thread is idle, in a transition. `selector` must be stable (a module function or useCallback).
 */
export function useAppStoreAfterPaint<T>(selector: (state: AppState) => T): T {
  const store = useAppStoreApi();
  const [shown, setShown] = useState(() => selector(store.getState()));
  useEffect(() => {
    let cancel: (() => void) | null = null;
    const follow = () => {
      cancel?.();
      cancel = afterNextPaint(() => {
        // Then the first idle moment (at most IDLE_WAIT_MS later): the frame after the key press is painted, and
        // this render should not land between the engine's reply and the frame that shows it either.
        cancel = afterIdle(() => {
          cancel = null;
          const next = selector(store.getState());
          startTransition(() => setShown(() => next));
        });
      });
    };
    // A change between this render and this effect.
    follow();
    const unsubscribe = store.subscribe((state, previous) => {
      if (!Object.is(selector(state), selector(previous))) follow();
    });
    return () => {
      unsubscribe();
      cancel?.();
    };
  }, [store, selector]);
  return shown;
}
