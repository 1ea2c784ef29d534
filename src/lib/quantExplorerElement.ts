/**
 * `<quant-explorer>`: the explorer as a custom element for plain HTML pages, rendered into its own shadow root
 * (styles isolated both ways) with its own engine worker. Attributes (all optional; a change starts it over):
 * - `state`: a link's query string, e.g. `"?a.bits=4&a.gran=group&a.gs=128"`;
 * - `scheme-a`, `scheme-b`: a scheme as keys, e.g. `"method=zeroPoint&bits=4&gran=row"`;
 * - `data`: generator parameters, e.g. `"gen=normal&rows=64&cols=64&seed=7"`;
 * - `charts`: `"hist,error,heatmap,rows,metrics,formula,mapping,worked"` (default `"hist,metrics"`);
 * - `mode`: `"full"` for the whole explorer with controls;
 * - `theme`: `"light" | "dark" | "system"` (default) or `"inherit"` (follow the host page, as it changes);
 * - `background`: `"transparent"` for no background of its own.
 */
import { type ExplorerOptions, optionsFromAttributes } from './explorerOptions';
import { type MountedExplorer, mountExplorer } from './mountExplorer';

const ATTRIBUTES = [
  'state',
  'scheme-a',
  'scheme-b',
  'data',
  'charts',
  'mode',
  'theme',
  'background',
] as const;

export { optionsFromAttributes };

export class QuantExplorerElement extends HTMLElement {
  static observedAttributes = [...ATTRIBUTES];
  private explorer: MountedExplorer | null = null;
  private pending = false;

  connectedCallback(): void {
    if (!this.explorer) this.explorer = mountExplorer(this, this.options());
  }

  attributeChangedCallback(): void {
    // Several attributes set in a row (a script) restart the explorer once, on the next microtask.
    if (!this.explorer || this.pending) return;
    this.pending = true;
    queueMicrotask(() => {
      this.pending = false;
      this.explorer?.update(this.options());
    });
  }

  disconnectedCallback(): void {
    this.explorer?.unmount();
    this.explorer = null;
  }

  private options(): ExplorerOptions {
    return optionsFromAttributes((name) => this.getAttribute(name));
  }
}

/** Registers `<quant-explorer>` (once: a second call, or a second copy of the library on the page, is ignored). */
export function defineQuantExplorer(name = 'quant-explorer'): void {
  if (!customElements.get(name)) customElements.define(name, QuantExplorerElement);
}
