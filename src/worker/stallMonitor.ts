/**
 * The worker's side of a stalled download: one monitor per load handler group, handed to every HTTP source it
 * opens (io's StallWatch). A body read that waits for bytes tells the monitor, which tells the load running now
 * (its progress then says "no data for N s" and the page offers Retry); the page's Retry (`retryDownload`)
 * aborts the current retry signal, so every waiting read starts again from the bytes it received.
 */
import { STALL_NOTICE_MS, type StallWatch } from '../io';

/** Who hears about waiting reads: the load in progress. */
export interface StallListener {
  onIdle(idleMs: number, received: number): void;
  onFlowing(): void;
}

export interface StallMonitor {
  /** What the sources are given. */
  readonly watch: StallWatch;
  /** The load running now listens; returns the unsubscribe. */
  listen(listener: StallListener): () => void;
  /** The user's Retry: true when a read was waiting (it starts again from its bytes), false when none was. */
  retry(): boolean;
}

export function createStallMonitor(noticeMs = STALL_NOTICE_MS): StallMonitor {
  let controller = new AbortController();
  // A read waits from its first notice until it flows again or ends: Retry acts only then (a late click on a
  // download that already resumed cancels nothing).
  let waiting = false;
  const listeners = new Set<StallListener>();
  return {
    watch: {
      noticeMs,
      onIdle(idleMs, received) {
        waiting = true;
        for (const listener of listeners) listener.onIdle(idleMs, received);
      },
      onFlowing() {
        waiting = false;
        for (const listener of listeners) listener.onFlowing();
      },
      retrySignal: () => controller.signal,
    },
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    retry() {
      if (!waiting) return false;
      waiting = false;
      controller.abort();
      controller = new AbortController();
      return true;
    },
  };
}
