/**
 * The two ends a field table works against: a parsed query that records which keys were read and what was wrong
 * with them (LinkReader), and the list of pairs being written (PairWriter). Both can be viewed under a key prefix,
 * so a table reads `bits` while the link holds `a.bits`, and notices always name the key as the link spells it.
 */

/** What decoding may need to know from outside the link. */
export interface DecodeOptions {
  /** Number of steps of a known lesson, or undefined for an unknown id (the link's lesson is then dropped). */
  lessonSteps?(id: string): number | undefined;
}

/** Reading keys relative to a table's prefix. */
export interface KeyReader {
  readonly options: DecodeOptions;
  /** The raw value, marking the key as understood; undefined when absent. */
  raw(key: string): string | undefined;
  has(key: string): boolean;
  /** Marks a key as understood without reading it (a field the value does not use). */
  ignore(key: string): void;
  /** Records that a key's value was ignored: "Link field a.bits=99 ignored: …; using 8." */
  reject(key: string, value: string, why: string, fallback: string): void;
  /** Records a notice in words of the caller's own. */
  notice(text: string): void;
  /** The key as the link spells it (`lo` → `a.lo`). */
  fullKey(key: string): string;
  under(prefix: string): KeyReader;
}

/** Appending pairs relative to a table's prefix. */
export interface KeyWriter {
  put(key: string, text: string): void;
  under(prefix: string): KeyWriter;
}

const TRACKING_KEY = /^(utm_|fbclid$|gclid$|mc_|ref$)/;

/** Splits a query string into its first value per key (a repeated key keeps the first, with a notice). */
function parseQuery(search: string): { params: Map<string, string>; repeated: string[] } {
  const params = new Map<string, string>();
  const repeated: string[] = [];
  const text = search.startsWith('?') ? search.slice(1) : search;
  for (const [key, value] of new URLSearchParams(text)) {
    if (params.has(key)) {
      if (!repeated.includes(key)) repeated.push(key);
    } else params.set(key, value);
  }
  return { params, repeated };
}

export class LinkReader {
  private readonly params: Map<string, string>;
  private readonly used = new Set<string>();
  readonly notices: string[] = [];

  /** `label` starts each field notice: "Link field" for a link, "Field" for an element's attribute. */
  constructor(
    search: string,
    readonly options: DecodeOptions = {},
    private readonly label = 'Link field',
  ) {
    const { params, repeated } = parseQuery(search);
    this.params = params;
    for (const key of repeated)
      this.notices.push(`${label} ${key} appears more than once; the first value is used.`);
  }

  /** The whole link as a table reads it, under `prefix`. */
  under(prefix: string): KeyReader {
    const full = (key: string) => prefix + key;
    return {
      options: this.options,
      raw: (key) => {
        const k = full(key);
        if (!this.params.has(k)) return undefined;
        this.used.add(k);
        return this.params.get(k);
      },
      has: (key) => this.params.has(full(key)),
      ignore: (key) => {
        if (this.params.has(full(key))) this.used.add(full(key));
      },
      reject: (key, value, why, fallback) => {
        const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
        this.notices.push(`${this.label} ${full(key)}=${shown} ignored: ${why}; using ${fallback}.`);
      },
      notice: (text) => this.notices.push(text),
      fullKey: full,
      under: (inner) => this.under(prefix + inner),
    };
  }

  /** Keys no field read (tracking parameters such as utm_* are skipped silently), as one notice, or none. */
  reportUnknownKeys(): void {
    const unknown = [...this.params.keys()].filter((k) => !this.used.has(k) && !TRACKING_KEY.test(k));
    if (unknown.length === 0) return;
    const shown = unknown.slice(0, 5).map((k) => (k.length > 24 ? `${k.slice(0, 24)}…` : k));
    const s = unknown.length > 1 ? 's' : '';
    this.notices.push(
      `${this.label}${s} ${shown.join(', ')}${unknown.length > 5 ? ', …' : ''} not recognised; ignored.`,
    );
  }
}

/** Collects the pairs a table writes, in order. */
export class PairWriter {
  readonly pairs: Array<[string, string]> = [];

  under(prefix: string): KeyWriter {
    return {
      put: (key, text) => this.pairs.push([prefix + key, text]),
      under: (inner) => this.under(prefix + inner),
    };
  }

  /** `k=v&k=v`, each value percent-encoded but for `, / : @` (allowed in a query by RFC 3986 §3.4). */
  query(): string {
    return this.pairs.map(([k, v]) => `${k}=${encodeValue(v)}`).join('&');
  }
}

function encodeValue(value: string): string {
  return encodeURIComponent(value)
    .replace(/%2C/g, ',')
    .replace(/%2F/g, '/')
    .replace(/%3A/g, ':')
    .replace(/%40/g, '@');
}
