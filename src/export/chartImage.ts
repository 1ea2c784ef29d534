/**
 * Chart pictures for "Export SVG / PNG": the SVG and canvas layers of a chart become one standalone SVG file.
 * Colours on screen come from CSS variables and stylesheet rules that a standalone file cannot see, so the computed
 * style of every element is written onto its copy; canvases (the heatmap) become embedded PNG images. Browser only.
 */

/** Style properties that decide how SVG content looks (presentation attributes and text). */
const STYLE_PROPERTIES = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'stroke-linecap',
  'stroke-linejoin',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'font-variant-numeric',
  'text-anchor',
  'dominant-baseline',
  'shape-rendering',
  'visibility',
  'display',
] as const;

const SVG_NS = 'http://www.w3.org/2000/svg';

export interface ChartPicture {
  /** A standalone SVG document (XML), with `xmlns` and a background. */
  svg: string;
  width: number;
  height: number;
}

/** Copies the computed style of `source` and its descendants onto the same elements of `target` (a deep clone). */
function inlineStyles(source: Element, target: Element): void {
  const style = getComputedStyle(source);
  const declarations: string[] = [];
  for (const property of STYLE_PROPERTIES) {
    const value = style.getPropertyValue(property);
    if (value !== '') declarations.push(`${property}:${value}`);
  }
  target.setAttribute('style', declarations.join(';'));
  // Presentation attributes holding CSS variables (fill="var(--color-original)") mean nothing outside the page;
  // the computed value is in the style attribute now.
  for (const attribute of Array.from(target.attributes)) {
    if (attribute.value.includes('var(')) target.removeAttribute(attribute.name);
  }
  const sourceChildren = source.children;
  const targetChildren = target.children;
  for (let i = 0; i < sourceChildren.length && i < targetChildren.length; i++) {
    inlineStyles(sourceChildren[i], targetChildren[i]);
  }
}

function isShown(element: Element): boolean {
  const box = element.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && getComputedStyle(element).display !== 'none';
}

/**
 * One SVG picture of the chart layers inside `container` (every `svg.chart` and `canvas`, at their on-screen
 * positions), with `title` above them and the page's background colour behind. E.g. the heatmap's canvas and its
 * axis overlay become an `<image>` under a nested `<svg>`.
 */
export function composeChartSvg(container: Element, title: string): ChartPicture {
  const layers = Array.from(container.querySelectorAll('svg.chart, canvas')).filter(isShown);
  if (layers.length === 0) throw new Error('this chart has nothing drawn to export yet');
  const boxes = layers.map((layer) => layer.getBoundingClientRect());
  const left = Math.min(...boxes.map((b) => b.left));
  const top = Math.min(...boxes.map((b) => b.top));
  const right = Math.max(...boxes.map((b) => b.right));
  const bottom = Math.max(...boxes.map((b) => b.bottom));
  const legend = readLegend(container);
  const legendRows = layoutLegend(legend, Math.max(right - left, 240));
  const titleBand = (title ? 24 : 0) + legendRows.length * 16;
  // Labels may hang a few pixels outside their svg (overflow: visible): leave a margin.
  const pad = 8;
  // Wide enough for the title too (13 px semibold: about 7.5 px per character).
  const width = Math.ceil(Math.max(right - left + 2 * pad, title.length * 7.5 + 2 * pad));
  const height = Math.ceil(bottom - top + 2 * pad + titleBand);

  const root = document.createElementNS(SVG_NS, 'svg');
  root.setAttribute('xmlns', SVG_NS);
  root.setAttribute('width', String(width));
  root.setAttribute('height', String(height));
  root.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const page = getComputedStyle(document.body);
  const background = document.createElementNS(SVG_NS, 'rect');
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  background.setAttribute('fill', resolveBackground(container));
  root.append(background);
  if (title) {
    const heading = document.createElementNS(SVG_NS, 'text');
    heading.setAttribute('x', String(pad));
    heading.setAttribute('y', String(pad + 12));
    heading.setAttribute(
      'style',
      `fill:${page.color};font-family:${page.fontFamily};font-size:13px;font-weight:600`,
    );
    heading.textContent = title;
    root.append(heading);
    const label = document.createElementNS(SVG_NS, 'title');
    label.textContent = title;
    root.prepend(label);
  }
  legendRows.forEach((row, r) => {
    const y = pad + (title ? 24 : 0) + r * 16 + 8;
    for (const item of row) {
      const x = pad + item.x;
      const swatch = document.createElementNS(
        SVG_NS,
        item.kind === 'fill' || item.kind === 'outline' ? 'rect' : 'line',
      );
      if (swatch.tagName === 'rect') {
        swatch.setAttribute('x', String(x));
        swatch.setAttribute('y', String(y - 5));
        swatch.setAttribute('width', '12');
        swatch.setAttribute('height', '9');
        swatch.setAttribute(
          'style',
          item.kind === 'fill'
            ? `fill:${item.color};opacity:0.75`
            : `fill:none;stroke:${item.color};stroke-width:2`,
        );
      } else {
        swatch.setAttribute('x1', String(x));
        swatch.setAttribute('x2', String(x + 14));
        swatch.setAttribute('y1', String(y));
        swatch.setAttribute('y2', String(y));
        swatch.setAttribute(
          'style',
          `stroke:${item.color};stroke-width:2${item.kind === 'dashed' ? ';stroke-dasharray:4 2' : item.kind === 'tick' ? ';stroke-dasharray:1 3' : ''}`,
        );
      }
      const text = document.createElementNS(SVG_NS, 'text');
      text.setAttribute('x', String(x + 18));
      text.setAttribute('y', String(y + 4));
      text.setAttribute('style', `fill:${page.color};font-family:${page.fontFamily};font-size:11px`);
      text.textContent = item.text;
      root.append(swatch, text);
    }
  });
  layers.forEach((layer, i) => {
    const x = boxes[i].left - left + pad;
    const y = boxes[i].top - top + pad + titleBand;
    if (layer instanceof HTMLCanvasElement) {
      const image = document.createElementNS(SVG_NS, 'image');
      image.setAttribute('x', String(x));
      image.setAttribute('y', String(y));
      image.setAttribute('width', String(boxes[i].width));
      image.setAttribute('height', String(boxes[i].height));
      image.setAttribute('preserveAspectRatio', 'none');
      image.setAttribute('style', `image-rendering:${getComputedStyle(layer).imageRendering}`);
      image.setAttribute('href', layer.toDataURL('image/png'));
      root.append(image);
      return;
    }
    const copy = layer.cloneNode(true) as SVGSVGElement;
    inlineStyles(layer, copy);
    copy.setAttribute('x', String(x));
    copy.setAttribute('y', String(y));
    copy.setAttribute('width', String(boxes[i].width));
    copy.setAttribute('height', String(boxes[i].height));
    copy.setAttribute('overflow', 'visible');
    copy.removeAttribute('role');
    root.append(copy);
  });
  const xml = new XMLSerializer().serializeToString(root);
  return { svg: `<?xml version="1.0" encoding="UTF-8"?>\n${xml}\n`, width, height };
}

interface LegendEntry {
  kind: string;
  color: string;
  text: string;
}

/** The chart card's legend (ChartCard's LegendItem marks its entries), colours resolved from the page's styles. */
function readLegend(container: Element): LegendEntry[] {
  return Array.from(container.querySelectorAll<HTMLElement>('[data-legend-item]')).map((e) => {
    const color = e.dataset.legendColor ?? '';
    // A palette colour is a CSS variable: resolve it where the entry is, so the file keeps the theme's colour.
    const name = color.match(/^var\((--[\w-]+)\)$/)?.[1];
    const resolved = name ? getComputedStyle(e).getPropertyValue(name).trim() || color : color;
    return { kind: e.dataset.legendItem ?? 'fill', color: resolved, text: e.textContent?.trim() ?? '' };
  });
}

/** Legend entries in rows no wider than `width` (11 px text: about 6.2 px a character, a 18 px swatch, 14 px gap). */
function layoutLegend(entries: LegendEntry[], width: number): (LegendEntry & { x: number })[][] {
  const rows: (LegendEntry & { x: number })[][] = [];
  let x = 0;
  for (const entry of entries) {
    const w = 18 + entry.text.length * 6.2 + 14;
    if (rows.length === 0 || (x + w > width && x > 0)) {
      rows.push([]);
      x = 0;
    }
    rows[rows.length - 1].push({ ...entry, x });
    x += w;
  }
  return rows;
}

/** The first non-transparent background colour from `element` up to the page. */
function resolveBackground(element: Element): string {
  for (let e: Element | null = element; e; e = e.parentElement) {
    const color = getComputedStyle(e).backgroundColor;
    if (color && color !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(color)) return color;
  }
  return '#ffffff';
}

/** Rasterises a chart picture to PNG at `scale` × its CSS size (2 = sharp on high-density screens). */
export async function renderPng(picture: ChartPicture, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([picture.svg], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.decoding = 'async';
    await new Promise<void>((resolve, reject) => {
      image.onload = () => resolve();
      image.onerror = () => reject(new Error('the chart picture could not be drawn'));
      image.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(picture.width * scale);
    canvas.height = Math.round(picture.height * scale);
    const context = canvas.getContext('2d');
    if (!context) throw new Error('this browser cannot draw to a canvas');
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('PNG encoding failed'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}
