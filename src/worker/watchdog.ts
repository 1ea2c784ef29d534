/**
 * The engine client's watchdog: a worker that exits without an `error` event, or loops forever, leaves its calls
 * pending and the page's spinners turning. While any call is pending, every message from the worker (a reply or a
 * progress report) is a heartbeat; when none comes for the allowed silence, `onSilent` fires once and the client
 * treats the worker as crashed (terminates it, starts a new one, replays the datasets' recipes, tells the page).
 * Long work that reports progress (loads, sweeps) stays alive however long it takes. A computation cannot report
 * progress (the engine's passes are synchronous), so the allowed silence is asked of `allowance` each time the
 * timer starts: the client makes it generous for the pending calls' estimated work (EngineClient, `#allowance`),
 * so a legitimate 2-minute search is not taken for a loop.
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

/** `timeoutMs`: the allowed silence, or a function asked for it each time the timer starts. */
export function createWatchdog(
  timeoutMs: number | (() => number),
  onSilent: (silentMs: number) => void,
): Watchdog {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let busy = false;
  const arm = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (!busy) return;
    const ms = typeof timeoutMs === 'function' ? timeoutMs() : timeoutMs;
    timer = setTimeout(() => {
      timer = null;
      onSilent(ms);
    }, ms);
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
