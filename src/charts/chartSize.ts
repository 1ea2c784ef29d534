/** Chart geometry shared by the layouts: outer size in CSS pixels and the margins around the plot. */

export interface Margin {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

export interface ChartSize {
  /** Outer width and height, CSS px. */
  width: number;
  height: number;
  margin: Margin;
}

/** The plot rectangle inside the margins, CSS px (never negative, so a 0-wide chart lays out empty). */
export interface PlotBox {
  left: number;
  right: number;
  top: number;
  bottom: number;
  width: number;
  height: number;
}

export const NO_MARGIN: Margin = { top: 0, right: 0, bottom: 0, left: 0 };

export function plotBoxOf(size: ChartSize): PlotBox {
  const left = size.margin.left;
  const top = size.margin.top;
  const right = Math.max(left, size.width - size.margin.right);
  const bottom = Math.max(top, size.height - size.margin.bottom);
  return { left, right, top, bottom, width: right - left, height: bottom - top };
}

/** A labelled axis tick at pixel `offset` along its axis. */
export interface Tick {
  value: number;
  offset: number;
  label: string;
}
