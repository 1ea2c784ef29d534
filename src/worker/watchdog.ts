/**
 * The engine client's watchdog: a worker that exits without an `error` event, or loops forever, leaves its calls
 * pending and the page's spinners turning. While any call is pending, every message from the worker (a reply or a
 * progress report) is a heartbeat; when none comes for `timeoutMs`, `onSilent` fires once and the client treats
 * the worker as crashed (terminates it, starts a new one, replays the datasets' recipes, tells the page). Long
 * work that reports progress (loads, sweeps) stays alive however long it takes.
 */

/** How long a busy worker may stay silent before it is restarted (the page shows "computing…" meanwhile). */
export const DEFAULT_WATCHDOG_MS = 45_000;

export interface Watchdog {
  /** A message came from the worker: the silence starts again. */
  heartbeat(): void;
  /** Calls pending (busy) or none (idle, no timer runs). */
  setBusy(busy: boolean): void;
  stop(): void;
}

export function createWatchdog(timeoutMs: number, onSilent: (silentMs: number) => void): Watchdog {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let busy = false;
  const arm = () => {
    if (timer !== null) clearTimeout(timer);
    timer = busy
      ? setTimeout(() => {
          timer = null;
          onSilent(timeoutMs);
        }, timeoutMs)
      : null;
  };
  return {
    heartbeat: () => {
      if (busy) arm();
    },
    setBusy(next) {
      if (next === busy) return;
      busy = next;
      arm();
    },
    stop() {
      busy = false;
      arm();
    },
  };
}
