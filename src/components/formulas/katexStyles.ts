/**
 * KaTeX's stylesheet where the page's cannot reach: an explorer in a shadow root (the library). Loaded with the
 * first formula, not with the library, so a figure without formulas never fetches it (its fonts alone are
 * ~250 kB as data URLs). Two parts: the rules go into the shadow root (once per root), the @font-face rules into
 * the document's <head> (once per page), since fonts declared in a shadow root are not used. Browser only.
 */

let cssPromise: Promise<string> | null = null;

function loadCss(): Promise<string> {
  cssPromise ??= import('katex/dist/katex.min.css?inline').then((m) => m.default);
  return cssPromise;
}

/** The `@font-face { … }` blocks of a stylesheet. */
export function fontFaces(css: string): string[] {
  return css
    .split('@font-face')
    .slice(1)
    .map((rule) => `@font-face${rule.slice(0, rule.indexOf('}') + 1)}`);
}

/** Adds KaTeX's styles to the shadow root `node` is in (nothing to do in the page itself: the app links them). */
export async function ensureKatexStyles(node: Node): Promise<void> {
  const root = node.getRootNode();
  if (!(root instanceof ShadowRoot) || root.querySelector('style[data-katex]')) return;
  const css = await loadCss();
  if (root.querySelector('style[data-katex]')) return;
  const style = document.createElement('style');
  style.dataset.katex = '';
  style.textContent = css;
  root.append(style);
  if (!document.head.querySelector('style[data-katex-fonts]')) {
    const fonts = document.createElement('style');
    fonts.dataset.katexFonts = '';
    fonts.textContent = fontFaces(css).join('\n');
    document.head.append(fonts);
  }
}
