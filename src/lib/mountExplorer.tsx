/**
 * Mounts an explorer inside a host element's shadow root: its own styles (isolated from the host page both
 * ways), its own React root, engine worker (inlined), store, query client and theme. Used by the custom element
 * and by the React component, so both behave the same. Browser only.
 */
import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { ExplorerRoot } from '../ExplorerRoot';
import { lessonStepCount } from '../lessons';
import { createAppStore } from '../state/appStore';
import { createQueryClient } from '../state/queryClient';
import { initOf, pushBootNotices } from '../state/urlSync';
import { createThemeController } from '../theme/theme';
import { EngineClient } from '../worker/engineClient';
import elementCss from './element.css?inline';
import { type ExplorerOptions, resolveExplorerOptions } from './explorerOptions';
import { followHostTheme } from './hostTheme';
import { spawnInlineWorker } from './spawnInlineWorker';

/** The `@name … { … }` blocks of a stylesheet (flat ones: @font-face, @property). */
function atRules(css: string, name: string): string[] {
  return css
    .split(`@${name}`)
    .slice(1)
    .map((rule) => `@${name}${rule.slice(0, rule.indexOf('}') + 1)}`);
}

/**
 * Some rules only work in the document, not in a shadow root: @property (Tailwind 4 registers `--tw-*`
 * properties with initial values, e.g. `--tw-border-style: solid`; without them borders vanish) and @font-face
 * (KaTeX's fonts, added with the first formula: formulas/katexStyles.ts). Global, and they touch nothing of the
 * host page's own: add them to <head> once.
 */
function ensureDocumentRules(): void {
  if (document.head.querySelector('style[data-quant-explorer]')) return;
  const style = document.createElement('style');
  style.dataset.quantExplorer = '';
  style.textContent = atRules(elementCss, 'property').join('\n');
  document.head.append(style);
}

/** One explorer instance: created once per mount, its worker stopped when it unmounts. */
function Instance({ options, themeRoot }: { options: ExplorerOptions; themeRoot: HTMLElement }) {
  const [instance] = useState(() => {
    const resolved = resolveExplorerOptions(options);
    const init = initOf(resolved.state, lessonStepCount);
    const store = createAppStore(init);
    pushBootNotices(store, { ...resolved, init });
    return {
      resolved,
      store,
      engine: new EngineClient(spawnInlineWorker),
      queryClient: createQueryClient(),
      theme: createThemeController(themeRoot, resolved.theme ?? 'system'),
    };
  });
  useEffect(() => {
    const stopFollowing = instance.resolved.frame.inheritTheme
      ? followHostTheme(themeRoot, (theme) => instance.theme.setPreference(theme, false))
      : () => {};
    return () => {
      stopFollowing();
      instance.theme.dispose();
      instance.engine.dispose();
    };
  }, [instance, themeRoot]);
  const { resolved } = instance;
  return (
    <ExplorerRoot
      engine={instance.engine}
      queryClient={instance.queryClient}
      store={instance.store}
      theme={instance.theme}
      embed={resolved.mode === 'full' ? null : resolved.embed}
      data={resolved.state.data}
      fullLink={null}
      transparent={resolved.frame.transparent}
      embedIsPage={false}
    />
  );
}

export interface MountedExplorer {
  /** Starts over with new options (a new worker, store and state). */
  update(options: ExplorerOptions): void;
  unmount(): void;
}

/** Renders an explorer into `host` (its shadow root is created, or reused). */
export function mountExplorer(host: HTMLElement, options: ExplorerOptions): MountedExplorer {
  ensureDocumentRules();
  const shadow = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = elementCss;
  // The theme is written on this wrapper (data-theme), which the shadow stylesheet's variables follow.
  const wrapper = document.createElement('div');
  wrapper.className = 'quant-explorer-root';
  shadow.replaceChildren(style, wrapper);
  const root = createRoot(wrapper);
  let generation = 0;
  const render = (next: ExplorerOptions) => {
    generation++;
    root.render(<Instance key={generation} options={next} themeRoot={wrapper} />);
  };
  render(options);
  return {
    update: render,
    unmount: () => {
      root.unmount();
      shadow.replaceChildren();
    },
  };
}
