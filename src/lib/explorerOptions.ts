/**
 * Options of the library entries (the React component and the custom element) turned into the state an
 * explorer starts from, through the URL codec, so every field is validated exactly as a link's would be.
 * Pure: no DOM.
 */
import type { GeneratorParams } from '../core/generators.types';
import type { LlmInt8Params } from '../core/llmInt8View';
import type { Scheme } from '../core/scheme';
import { boundOpeningWork } from '../state/boundLink';
import type { LmChoices } from '../state/lmChoices';
import type { Channel } from '../state/schemesSlice';
import {
  DEFAULT_EMBED_CHARTS,
  DEFAULT_SHAREABLE_STATE,
  EMBED_CHARTS,
  type EmbedChart,
  type ShareableState,
  type ShareableView,
  type ThemePreference,
} from '../state/shareableState';
import {
  type DecodedUrl,
  decodeDataParams,
  decodeSchemeParams,
  decodeUrlState,
  encodeUrlState,
} from '../state/urlCodec';

/** A state given as an object: every part optional, missing parts take the explorer's defaults. */
export interface ExplorerStateInput {
  /** Generator parameters (merged into the defaults: transformer-like 256 × 256, seed 42). */
  data?: Partial<GeneratorParams>;
  schemes?: Partial<Record<Channel, Scheme>>;
  view?: Partial<ShareableView>;
  worked?: number[] | null;
  llmInt8?: Partial<LlmInt8Params>;
  /** The Language model figure's model, text, prompt and scope (charts `lmppl`, `lmloss`, `lmcont`, `lmsqnr`). */
  lm?: Partial<LmChoices>;
}

export interface ExplorerOptions {
  /** A link's query string (`"?v=1&a.bits=4&a.gran=group&a.gs=128"`) or a state object. */
  state?: string | ExplorerStateInput;
  /** Scheme A / B as unprefixed keys (`"bits=4&gran=row"`), applied over `state`. */
  schemeA?: string;
  schemeB?: string;
  /** Generator parameters as keys (`"gen=normal&rows=64&cols=64&seed=7"`), applied over `state`. */
  data?: string;
  /** Charts of the compact view (default: value histogram and metrics). */
  charts?: readonly EmbedChart[];
  /** `full`: the whole explorer with its controls; `compact` (default): the embed view. */
  mode?: 'compact' | 'full';
  /**
   * Default: follow the reader's system. `inherit`: follow the host page (its `data-theme` or `dark` / `light`
   * class on <html> or <body>, else its `color-scheme`, else the system), also when it changes.
   */
  theme?: ThemePreference | 'inherit';
  /** `transparent`: no background of its own, so the page's shows through (default: the theme's). */
  background?: 'theme' | 'transparent';
}

/** `frame.inheritTheme`: follow the host page's theme (`theme` is then null). */
export interface ResolvedOptions extends DecodedUrl {
  mode: 'compact' | 'full';
}

function stateFromInput(input: ExplorerStateInput): ShareableState {
  const d = DEFAULT_SHAREABLE_STATE;
  return {
    ...d,
    data: {
      kind: 'generate',
      params: { ...(d.data.kind === 'generate' ? d.data.params : ({} as GeneratorParams)), ...input.data },
    },
    schemes: { ...d.schemes, ...input.schemes },
    view: { ...d.view, ...input.view, group: { ...d.view.group, ...input.view?.group } },
    worked: input.worked ?? null,
    llmInt8: { ...d.llmInt8, ...input.llmInt8 },
    lm: { ...d.lm, ...input.lm },
  };
}

/**
 * Resolves the options into a validated state, the charts and notices (one per field that was not valid, as for a
 * link). E.g. `{ schemeA: 'bits=4&gran=row', data: 'gen=normal&rows=64&cols=64' }`.
 */
export function resolveExplorerOptions(options: ExplorerOptions): ResolvedOptions {
  const base =
    typeof options.state === 'string'
      ? decodeUrlState(options.state)
      : decodeUrlState(encodeUrlState(stateFromInput(options.state ?? {})));
  const notices = [...base.notices];
  const state: ShareableState = { ...base.state, schemes: { ...base.state.schemes } };
  if (options.data) {
    const data = decodeDataParams(options.data);
    state.data = data.data;
    notices.push(...data.notices.map((n) => `data: ${n}`));
  }
  for (const [channel, text] of [
    ['a', options.schemeA],
    ['b', options.schemeB],
  ] as const) {
    if (!text) continue;
    const decoded = decodeSchemeParams(text, channel);
    state.schemes[channel] = decoded.scheme;
    notices.push(...decoded.notices.map((n) => `scheme-${channel}: ${n}`));
  }
  const charts = options.charts?.length
    ? [...options.charts]
    : (base.embed?.charts ?? [...DEFAULT_EMBED_CHARTS]);
  // As a page opening on a link: the element's first computation is bounded (state/boundLink.ts).
  const bounded = boundOpeningWork(state);
  notices.push(...bounded.notices);
  return {
    state: bounded.state,
    embed: { charts },
    theme: options.theme === 'inherit' ? null : (options.theme ?? base.theme),
    notices,
    mode: options.mode ?? 'compact',
    frame: { inheritTheme: options.theme === 'inherit', transparent: options.background === 'transparent' },
  };
}

/** The element's attributes as ExplorerOptions (unknown chart ids are left out). */
export function optionsFromAttributes(get: (name: string) => string | null): ExplorerOptions {
  const charts = get('charts')
    ?.split(',')
    .map((c) => c.trim())
    .filter((c): c is EmbedChart => (EMBED_CHARTS as readonly string[]).includes(c));
  const theme = get('theme');
  return {
    state: get('state') ?? undefined,
    schemeA: get('scheme-a') ?? undefined,
    schemeB: get('scheme-b') ?? undefined,
    data: get('data') ?? undefined,
    charts,
    mode: get('mode') === 'full' ? 'full' : 'compact',
    theme:
      theme === 'light' || theme === 'dark' || theme === 'system' || theme === 'inherit' ? theme : undefined,
    background: get('background') === 'transparent' ? 'transparent' : undefined,
  };
}
