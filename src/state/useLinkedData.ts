/**
 * Loads the Hugging Face tensor a link names (`src=hub&model=…&tensor=…`) once at boot, through the worker's
 * `load` (which opens the model itself), and shows it; on failure a notice says what went wrong and the generated
 * matrix stays on screen.
 */
import { useEffect } from 'react';
import { DEFAULT_HUB_ENDPOINT, type OpenSource } from '../worker/loadProtocol';
import { useAppStoreApi } from './appStore';
import { useEngine } from './engineContext';
import type { DataSource } from './shareableState';

export function useLinkedData(data: DataSource): void {
  const store = useAppStoreApi();
  const engine = useEngine();
  useEffect(() => {
    if (data.kind !== 'hub') return;
    const source: OpenSource = {
      kind: 'hub',
      input: data.revision ? `${data.model}@${data.revision}` : data.model,
      endpoint: DEFAULT_HUB_ENDPOINT,
      ...(data.file !== null ? { file: data.file } : {}),
    };
    const label = `${data.model}${data.file ? ` · ${data.file}` : ''} · ${data.tensor}`;
    const { pushNotice, dismissNotice } = store.getState();
    const loading = pushNotice('info', `Loading ${label} from the Hugging Face Hub, as the link says…`);
    const controller = new AbortController();
    engine
      .call('load', [source, data.tensor], { signal: controller.signal })
      .then((summary) => {
        dismissNotice(loading);
        store.getState().showLoaded(summary);
      })
      .catch((error: unknown) => {
        // Aborted: React remounted the effect (StrictMode) and the new call owns the "Loading…" notice.
        if (controller.signal.aborted) return;
        dismissNotice(loading);
        const message = error instanceof Error ? error.message : String(error);
        const hint = (error as { hint?: unknown }).hint;
        pushNotice(
          'error',
          `Could not load ${label} from the link: ${message}.${typeof hint === 'string' && hint ? ` ${hint}` : ''} The generated matrix is shown instead.`,
        );
      });
    return () => controller.abort();
  }, [data, engine, store]);
}
