/**
 * Everything below the entry point, shared by the page (main.tsx) and the library (src/lib): the providers
 * (query client, theme, store, engine) around the full explorer or the embed view, plus loading a Hub tensor a
 * link names. The caller creates the engine client, store and theme controller, so it owns their lifetime.
 */
import { type QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { EmbedView } from './components/embed/EmbedView';
import { LazyView, lazyNamed } from './components/LazyView';
import { type AppStore, AppStoreProvider } from './state/appStore';
import { EngineProvider } from './state/engineContext';
import type { DataSource, EmbedOptions } from './state/shareableState';
import { useLinkedData } from './state/useLinkedData';
import { ThemeProvider } from './theme/ThemeContext';
import type { ThemeController } from './theme/theme';
import type { EngineClient } from './worker/engineClient';

export interface ExplorerRootProps {
  engine: EngineClient;
  queryClient: QueryClient;
  store: AppStore;
  theme: ThemeController;
  /** null: the full explorer; else the compact embed with these charts. */
  embed: EmbedOptions | null;
  /** The data the link named (a Hub tensor is loaded after boot). */
  data: DataSource;
  /** Embed mode: where "Open in the full explorer" points (null: no link). */
  fullLink?: string | null;
  /** The embed view without a background of its own (`bg=transparent`; the library's `background`). */
  transparent?: boolean;
  /** The embed view is the whole document (an iframe; default) rather than a part of a host page (the library). */
  embedIsPage?: boolean;
}

/** The full explorer: loaded on first use, so the library's figures (the embed view) never load it. */
const App = lazyNamed(() => import('./App').then((m) => m.App));

function LinkedData({ data, children }: { data: DataSource; children: ReactNode }) {
  useLinkedData(data);
  return children;
}

export function ExplorerRoot({
  engine,
  queryClient,
  store,
  theme,
  embed,
  data,
  fullLink = null,
  transparent = false,
  embedIsPage = true,
}: ExplorerRootProps) {
  return (
    <QueryClientProvider client={queryClient}>
      <ThemeProvider controller={theme}>
        <AppStoreProvider store={store}>
          <EngineProvider client={engine}>
            <LinkedData data={data}>
              {embed ? (
                <EmbedView
                  charts={embed.charts}
                  fullLink={fullLink}
                  transparent={transparent}
                  asPage={embedIsPage}
                />
              ) : (
                <LazyView label="the explorer">
                  <App />
                </LazyView>
              )}
            </LinkedData>
          </EngineProvider>
        </AppStoreProvider>
      </ThemeProvider>
    </QueryClientProvider>
  );
}
