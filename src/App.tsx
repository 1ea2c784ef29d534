/**
 * Page layout only: header, data panel, and the views as tabs, the explorer (ExplorerTab: A against B) first.
 * The explorer owns its engine queries, so a scheme change does not re-render this layout.
 */

import { createPortal } from 'react-dom';
import { DataPanel } from './components/DataPanel';
import { ErrorBoundary } from './components/ErrorBoundary';
import { ExplorerTab } from './components/ExplorerTab';
import { HeaderTools } from './components/HeaderTools';
import { LazyView, lazyNamed } from './components/LazyView';
import { MovableSlot, useMovableNode } from './components/MovableSlot';
import { NoticeList } from './components/NoticeList';
import { useWideLayout } from './components/useWideLayout';
import { TAB_LABELS, TABS_ON_TENSOR, WorkspaceTabs } from './components/WorkspaceTabs';
import { useAppStore } from './state/appStore';
import { useActiveDataset } from './state/useActiveDataset';
import { useDefaultZoom } from './state/useDefaultZoom';

const LessonPanel = lazyNamed(() => import('./components/lessons/LessonPanel').then((m) => m.LessonPanel));
const LlmInt8View = lazyNamed(() => import('./components/llmInt8/LlmInt8View').then((m) => m.LlmInt8View));
const LanguageModelView = lazyNamed(() =>
  import('./components/lm/LanguageModelView').then((m) => m.LanguageModelView),
);
const WholeModelView = lazyNamed(() =>
  import('./components/wholeModel/WholeModelView').then((m) => m.WholeModelView),
);
const ModelLabView = lazyNamed(() => import('./components/lab/ModelLabView').then((m) => m.ModelLabView));
const SweepView = lazyNamed(() => import('./components/sweep/SweepView').then((m) => m.SweepView));

export function App() {
  const data = useActiveDataset();
  useDefaultZoom(data.dataset);
  const tab = useAppStore((s) => s.tab);
  const setTab = useAppStore((s) => s.setTab);
  // Narrow screens, explorer open: the data panel follows the histogram pair (ExplorerTab places it), so a reader
  // who only scrolls meets the story first. Elsewhere it leads, as a column (wide) or above the workspace.
  const dataInExplorer = !useWideLayout() && tab === 'explore';
  // The lab, the language model and the whole model bring their own data: the tensor panel would only take room
  // there. It stays mounted (MovableSlot's node, detached) so its state waits for the return to a tensor view.
  const dataAside = !dataInExplorer && TABS_ON_TENSOR.has(tab);
  const dataPanel = (
    <ErrorBoundary label="The data panel">
      <DataPanel data={data} />
    </ErrorBoundary>
  );

  // Rendered once and moved between its two places (MovableSlot), so crossing the breakpoint keeps its state.
  const dataPanelNode = useMovableNode('min-w-0');

  return (
    <div className="min-h-screen bg-slate-50 text-slate-900 dark:bg-slate-950 dark:text-slate-100">
      {/* Scheme A's settings exist only in the explorer: elsewhere a link to them would lead nowhere. */}
      <nav aria-label="Skip links" className="skip-links">
        {tab === 'explore' ? <a href="#scheme-a-settings">Skip to scheme A's settings</a> : null}
        <a href="#workspace">
          {tab === 'explore' ? 'Skip to the charts' : `Skip to the view: ${TAB_LABELS[tab]}`}
        </a>
      </nav>
      <header className="border-b border-slate-200 bg-white px-4 py-3 dark:border-slate-800 dark:bg-slate-900">
        <div className="mx-auto flex max-w-[1600px] flex-wrap items-baseline justify-between gap-2">
          <h1 className="text-lg font-semibold tracking-tight">Quantization Explorer</h1>
          <p className="text-sm text-slate-600 dark:text-slate-300">
            What rounding a weight matrix to a few bits does to its values, compared side by side.
          </p>
          <HeaderTools />
        </div>
      </header>
      <div
        className={`mx-auto grid max-w-[1600px] grid-cols-1 gap-4 p-4 ${dataAside ? 'lg:grid-cols-[17rem_minmax(0,1fr)]' : ''}`}
      >
        {!dataAside ? null : (
          <aside className="min-w-0 lg:sticky lg:top-4 lg:self-start">
            <MovableSlot node={dataPanelNode} />
          </aside>
        )}
        <main id="workspace" tabIndex={-1} className="flex min-w-0 flex-col gap-4 focus:outline-none">
          <NoticeList />
          <ErrorBoundary label="The lesson">
            <LazyView label="the lesson">
              <LessonPanel />
            </LazyView>
          </ErrorBoundary>
          <WorkspaceTabs
            tab={tab}
            onTabChange={setTab}
            panels={{
              explore: () => (
                <ExplorerTab
                  dataset={data.dataset}
                  dataPanel={
                    dataInExplorer ? <MovableSlot node={dataPanelNode} className="min-w-0" /> : undefined
                  }
                />
              ),
              sweep: () => (
                <ErrorBoundary label="The sweep">
                  <LazyView label="the sweep">
                    <SweepView dataset={data.dataset} />
                  </LazyView>
                </ErrorBoundary>
              ),
              llmInt8: () => (
                <ErrorBoundary label="The LLM.int8() view">
                  <LazyView label="the LLM.int8() view">
                    <LlmInt8View dataset={data.dataset} />
                  </LazyView>
                </ErrorBoundary>
              ),
              lab: () => (
                <ErrorBoundary label="The model lab">
                  <LazyView label="the model lab">
                    <ModelLabView />
                  </LazyView>
                </ErrorBoundary>
              ),
              lm: () => (
                <ErrorBoundary label="The language model view">
                  <LazyView label="the language model">
                    <LanguageModelView />
                  </LazyView>
                </ErrorBoundary>
              ),
              wholeModel: () => (
                <ErrorBoundary label="The whole-model view">
                  <LazyView label="the whole-model view">
                    <WholeModelView />
                  </LazyView>
                </ErrorBoundary>
              ),
            }}
          />
        </main>
      </div>
      {createPortal(dataPanel, dataPanelNode)}
    </div>
  );
}
