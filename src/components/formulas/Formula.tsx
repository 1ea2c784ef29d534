/**
 * One formula typeset by KaTeX into a span (KaTeX writes the DOM; React owns only the element). The output holds
 * MathML as well, so screen readers read the formula. A TeX error shows the source instead of breaking the page.
 */
import katex from 'katex';
import 'katex/dist/katex.min.css';
import { useLayoutEffect, useRef } from 'react';

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
  useLayoutEffect(() => {
    if (!ref.current) return;
    katex.render(tex, ref.current, {
      displayMode: display,
      throwOnError: false,
      output: 'htmlAndMathml',
      strict: 'ignore',
    });
  }, [tex, display]);
  return <span ref={ref} className="formula block" data-testid={testId} data-tex={tex} />;
}
