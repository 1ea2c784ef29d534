/**
 * One formula typeset by KaTeX into a span (KaTeX writes the DOM; React owns only the element). KaTeX (~270 kB)
 * is loaded on first use, so the page's first paint does not wait for it; until then the TeX source shows. The
 * output holds MathML as well, so screen readers read the formula. A TeX error shows the source, never breaks the page.
 */
import 'katex/dist/katex.min.css';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { markScrollRegion } from '../useOverflowsX';
import { ensureKatexStyles } from './katexStyles';

type Katex = typeof import('katex').default;

let katexPromise: Promise<Katex> | null = null;
let katexLoaded: Katex | null = null;

/** The KaTeX module, imported once for the whole page. */
function loadKatex(): Promise<Katex> {
  katexPromise ??= import('katex').then((m) => {
    katexLoaded = m.default;
    return m.default;
  });
  return katexPromise;
}

export function Formula({
  tex,
  display = true,
  testId,
}: {
  tex: string;
  display?: boolean;
  testId?: string;
}) {
  const ref = useRef<HTMLSpanElement>(null);
  const [katex, setKatex] = useState<Katex | null>(katexLoaded);
  useEffect(() => {
    if (katex) return;
    let live = true;
    void loadKatex().then((k) => {
      if (live) setKatex(() => k);
    });
    return () => {
      live = false;
    };
  }, [katex]);
  useEffect(() => {
    if (ref.current) void ensureKatexStyles(ref.current);
  }, []);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (!katex) {
      el.textContent = tex;
      return;
    }
    katex.render(tex, el, {
      displayMode: display,
      throwOnError: false,
      output: 'htmlAndMathml',
      strict: 'ignore',
    });
    // A display formula wider than a narrow panel scrolls sideways (teach.css): then it is a focusable region.
    const box = el.querySelector<HTMLElement>('.katex-display');
    if (!box) return;
    const mark = () => markScrollRegion(box, 'Formula, scrolls sideways');
    mark();
    if (typeof ResizeObserver !== 'function') return;
    const observer = new ResizeObserver(mark);
    observer.observe(box);
    return () => observer.disconnect();
  }, [tex, display, katex]);
  return <span ref={ref} className="formula block" data-testid={testId} data-tex={tex} />;
}
