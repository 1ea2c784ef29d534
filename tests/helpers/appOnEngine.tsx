/**
 * The whole App on the real engine, in process, for jsdom component tests: serve(createHandlers()) on a Node
 * MessageChannel, an EngineClient on the other end, and the App rendered by React into a fresh container in
 * document.body. No browser: checks wiring (store → queries → worker → charts/table).
 * Call from beforeAll (in a `// @vitest-environment jsdom` file) and dispose() from afterAll.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createRoot } from 'react-dom/client';
import { vi } from 'vitest';
import { App } from '../../src/App';
import type { GeneratorParams } from '../../src/core/generators.types';
import { type AppStore, AppStoreProvider, createAppStore } from '../../src/state/appStore';
import { EngineProvider } from '../../src/state/engineContext';
import type { EngineClient } from '../../src/worker/engineClient';
import { createHandlers } from '../../src/worker/handlers';
import { connect } from '../worker/fakeEngine';

export interface AppOnEngine {
  container: HTMLDivElement;
  store: AppStore;
  client: EngineClient;
  /** Unmounts the App, disposes of the client and restores the layout/canvas mocks. */
  dispose(): void;
}

/** Renders the App on the in-process engine; `generator` patches the store's generator (keep it small: quick). */
export function renderAppOnEngine(generator: Partial<GeneratorParams>): AppOnEngine {
  // jsdom lays nothing out: give elements a width so charts draw, and no 2-D canvas.
  vi.spyOn(Element.prototype, 'getBoundingClientRect').mockReturnValue({
    width: 640,
    height: 240,
    top: 0,
    left: 0,
    right: 640,
    bottom: 240,
    x: 0,
    y: 0,
    toJSON: () => ({}),
  });
  Object.defineProperty(HTMLCanvasElement.prototype, 'getContext', { value: () => null, configurable: true });
  const client = connect(createHandlers());
  const store = createAppStore();
  store.getState().setGenerator(generator);
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  root.render(
    <QueryClientProvider client={new QueryClient()}>
      <AppStoreProvider store={store}>
        <EngineProvider client={client}>
          <App />
        </EngineProvider>
      </AppStoreProvider>
    </QueryClientProvider>,
  );
  return {
    container,
    store,
    client,
    dispose() {
      root.unmount();
      client.dispose();
      vi.restoreAllMocks();
    },
  };
}
