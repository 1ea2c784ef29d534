/** Entry: the engine worker client, the query client and the store provider around <App/>. Nothing else. */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { AppStoreProvider } from './state/appStore';
import { EngineProvider } from './state/engineContext';
import { EngineClient } from './worker/engineClient';
import { spawnEngineWorker } from './worker/spawnEngineWorker';
import './styles.css';

const engine = new EngineClient(spawnEngineWorker);
const queryClient = new QueryClient({ defaultOptions: { queries: { refetchOnWindowFocus: false } } });

// Hidden hook for the browser tests (tests/e2e): make the worker crash as a real failure would.
(window as unknown as { __quantExplorer: unknown }).__quantExplorer = {
  crashEngine: () => engine.call('simulateCrash', []),
};

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <AppStoreProvider>
        <EngineProvider client={engine}>
          <App />
        </EngineProvider>
      </AppStoreProvider>
    </QueryClientProvider>
  </StrictMode>,
);
