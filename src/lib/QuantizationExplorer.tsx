/**
 * `<QuantizationExplorer state={…} />`: the explorer as a React component for pages that embed it without an
 * iframe (MDX, a React site). It renders into its own shadow root, with its own styles, engine worker (inlined),
 * store and theme, so it neither takes nor leaks page styles; several can live on one page. Changing a prop
 * starts it over with the new options.
 */
import { useEffect, useRef } from 'react';
import type { ExplorerOptions } from './explorerOptions';
import { type MountedExplorer, mountExplorer } from './mountExplorer';

export type QuantizationExplorerProps = ExplorerOptions & {
  /** Class names of the host element (e.g. a height, a margin). */
  className?: string;
};

export function QuantizationExplorer({ className, ...options }: QuantizationExplorerProps) {
  const host = useRef<HTMLDivElement>(null);
  const mounted = useRef<MountedExplorer | null>(null);
  // The options as a value: a new object literal with the same fields on every render must not restart it.
  const key = JSON.stringify(options);
  useEffect(() => {
    if (!host.current) return;
    const explorer = mountExplorer(host.current, JSON.parse(key) as ExplorerOptions);
    mounted.current = explorer;
    return () => {
      explorer.unmount();
      mounted.current = null;
    };
  }, [key]);
  return <div ref={host} className={className} data-quant-explorer="" />;
}
