/**
 * Entry: the engine worker client, the query client, the store (from the link: urlSync), the theme, then
 * <ExplorerRoot/> (the full explorer, or the embed view for `?embed=1`). Nothing else.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startFrameBridge } from './components/embed/frameBridge';
import { ExplorerRoot } from './ExplorerRoot';
import { lessonStepCount } from './lessons';
import { createAppStore } from './state/appStore';
import { createQueryClient } from './state/queryClient';
import { linkTo, pushBootNotices, readBootState, shouldRewriteAtBoot, startUrlSync } from './state/urlSync';
import { createThemeController, readStoredPreference } from './theme/theme';
import { EngineClient } from './worker/engineClient';
import { spawnEngineWorker } from './worker/spawnEngineWorker';
import './styles.css';

const engine = new EngineClient(spawnEngineWorker);
const queryClient = createQueryClient();
const boot = readBootState(location.search, lessonStepCount);
// The frame's own options (theme=inherit, bg=transparent): about the frame, not the state the link shares.
const { frame } = boot;
const store = createAppStore(boot.init);
pushBootNotices(store, boot);
// A link's theme applies to this visit only; the reader's own choice (the toggle) is stored.
const theme = createThemeController(document.documentElement, boot.theme ?? readStoredPreference());
// The address bar follows the state (not in an embed: its link is fixed by the page that embeds it).
if (!boot.embed) startUrlSync(store, { theme: boot.theme, rewriteNow: shouldRewriteAtBoot(boot) });
const fullLink = boot.embed ? linkTo(boot.state, `${location.origin}${location.pathname}`) : null;

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
if (boot.embed) {
  // The page is the figure: its background (or none) and height are the embed view's (styles.css, .embed-page).
  document.documentElement.classList.add('embed-page');
  if (frame.transparent) document.documentElement.classList.add('embed-transparent');
  startFrameBridge(root, theme, frame);
}
createRoot(root).render(
  <StrictMode>
    <ExplorerRoot
      engine={engine}
      queryClient={queryClient}
      store={store}
      theme={theme}
      embed={boot.embed}
      data={boot.state.data}
      fullLink={fullLink}
      transparent={frame.transparent}
    />
  </StrictMode>,
);
