/**
 * The query client of the page and of the library's explorer. React Query batches its notifications and, by
 * default, delivers them from a `setTimeout(0)`: an engine reply then waits a timer hop (clamped to 4 ms when
 * timers nest, and later still on a busy machine) before its render starts. Delivered from a microtask, the reply's
 * render runs in the task that received it (still one batch per task: the updates of one task render together).
 */
import { notifyManager, QueryClient } from '@tanstack/react-query';

export function createQueryClient(): QueryClient {
  notifyManager.setScheduler((run) => queueMicrotask(run));
  return new QueryClient({ defaultOptions: { queries: { refetchOnWindowFocus: false } } });
}
