/**
 * Sets SVG attributes only when their value changed. A bits change on a 128-bin histogram changes the
 * heights of the dequantized bars but not the bar positions nor the original series; skipping the
 * unchanged `setAttribute` calls (each one invalidates style) keeps a slider drag well under a frame.
 */
const lastValues = new WeakMap<Element, Map<string, string>>();

/** Writes each attribute whose string form differs from what this function last wrote on `el`. */
export function assignAttrs(el: Element, attrs: Record<string, string | number>): void {
  let last = lastValues.get(el);
  if (!last) {
    last = new Map();
    lastValues.set(el, last);
  }
  for (const name in attrs) {
    const value = String(attrs[name]);
    if (last.get(name) === value) continue;
    last.set(name, value);
    el.setAttribute(name, value);
  }
}

/** Forgets what assignAttrs last wrote for `name` on `el` (after the attribute was removed another way). */
export function forgetAttr(el: Element, name: string): void {
  lastValues.get(el)?.delete(name);
}
