/**
 * The shareable state: everything a link, a lesson step or an embed reproduces (data recipe, schemes A and B,
 * view options, lesson step, worked-example vector), as plain JSON. Pure: no DOM, no React, no store instance,
 * so the URL codec and the lesson validator that use it are tested in Node.
 */
import { DEFAULT_GENERATOR, type GeneratorParams } from '../core/generators.types';
import { DEFAULT_LLM_INT8_PARAMS, type LlmInt8Params } from '../core/llmInt8View';
import { DEFAULT_LAB_SETTINGS, type LabSettings } from '../core/nn/settings';
import { DEFAULT_SCHEME_A, DEFAULT_SCHEME_B, type Scheme } from '../core/scheme';
import { DEFAULT_VIEW } from '../core/view';
import type { AppState } from './appStore';
import { DEFAULT_LM_CHOICES, type LmChoices } from './lmChoices';
import type { Channel } from './schemesSlice';
import type { Layout, YScale } from './viewSlice';
import { DEFAULT_WHOLE_MODEL_LINK, linkFieldsOf, type WholeModelLink } from './wholeModelUrl';
import type { WorkspaceTab } from './workspaceSlice';

/**
 * Where the matrix comes from. A generator is fully described by its parameters (seed included). A tensor of a
 * Hugging Face model is named by model id, revision, file and tensor name. A local file cannot travel in a link.
 */
export type DataSource =
  | { kind: 'generate'; params: GeneratorParams }
  | { kind: 'hub'; model: string; revision: string | null; file: string | null; tensor: string };

/** View options that a link carries (the store's ViewSlice, minus its actions). */
export interface ShareableView {
  layout: Layout;
  singleChannel: Channel;
  yScale: YScale;
  /** Histogram x range (zoom); null = the data's [min, max]. */
  range: [number, number] | null;
  bins: number;
  /** Selected group per scheme (whose grid and parameters are shown). */
  group: Record<Channel, number>;
  /** The open view: the A-vs-B explorer, the sweep, or the LLM.int8() view. */
  tab: WorkspaceTab;
}

/** A lesson and its step, 0-based (the URL writes it 1-based: `step=1` is the first step). */
export interface LessonPosition {
  id: string;
  step: number;
}

export interface ShareableState {
  data: DataSource;
  schemes: Record<Channel, Scheme>;
  view: ShareableView;
  lesson: LessonPosition | null;
  /** The worked example's vector; null = the default textbook vector (DEFAULT_WORKED_VALUES). */
  worked: number[] | null;
  /** The LLM.int8() view's parameters (activations X: tokens, outlier features, magnitude; threshold; seed). */
  llmInt8: LlmInt8Params;
  /** The model lab's settings (issue #13; in the URL as `lab.*` keys, state/labUrl.ts). */
  lab: LabSettings;
  /** The Whole model tab's choices (issue #15; `wm.*` keys, state/wholeModelUrl.ts). */
  wholeModel: WholeModelLink;
  /** The Language model tab's model, text, prompt and scope (issue #14; in the URL as `lm.*` keys, state/lmUrl.ts). */
  lm: LmChoices;
}

/**
 * Ten values for the worked example. The first eight are the vector of the Hugging Face blog post "A Gentle
 * Introduction to 8-bit Matrix Multiplication" (Belkada & Dettmers, 2022), whose absmax int8 codes are
 * [28, −12, −101, 28, −73, 19, 56, 127]; the last two (|x| < 5.4) keep α = 5.4 so those codes are unchanged.
 */
export const DEFAULT_WORKED_VALUES: readonly number[] = [
  1.2, -0.5, -4.3, 1.2, -3.1, 0.8, 2.4, 5.4, -0.9, 3.3,
];

/** Largest worked-example vector (the engine's MAX_WORKED_VALUES). */
export const MAX_WORKED_LENGTH = 32;

/** Charts an embed can show (`charts=` in the URL), in display order. */
export const EMBED_CHARTS = [
  'hist',
  'error',
  'heatmap',
  'rows',
  'metrics',
  'formula',
  'mapping',
  'worked',
  // the model lab (issue #13; components/lab/LabEmbed.tsx)
  'labptq',
  'labbits',
  'labgallery',
  // the Whole model tab (issue #15; components/wholeModel/WholeModelEmbed.tsx)
  'wmdepth',
  'wmtable',
  'wmbudget',
  // the Language model tab (issue #14; components/lm/LmEmbed.tsx)
  'lmppl',
  'lmloss',
  'lmcont',
  'lmsqnr',
] as const;
export type EmbedChart = (typeof EMBED_CHARTS)[number];

/** What each chart id shows, for the Share dialog's checkboxes. */
export const EMBED_CHART_LABELS: Record<EmbedChart, string> = {
  hist: 'Value histogram',
  error: 'Error histogram',
  heatmap: 'Error heatmap',
  rows: 'Error per row',
  metrics: 'Metrics table',
  formula: 'Formulas',
  mapping: 'Mapping x ↦ x̂',
  worked: 'Worked example',
  labptq: 'Model lab: float vs A vs B (table, confusion, gallery)',
  labbits: 'Model lab: accuracy against bits',
  labgallery: 'Model lab: digit gallery',
  wmdepth: 'Whole model: SQNR by layer depth',
  wmtable: 'Whole model: table of tensors',
  wmbudget: 'Whole model: budget allocation strip',
  lmppl: 'Language model: perplexity, KL, top-1',
  lmloss: 'Language model: loss per token',
  lmcont: 'Language model: continuations',
  lmsqnr: 'Language model: SQNR per layer',
};

/** What an embed shows when `charts=` is absent. */
export const DEFAULT_EMBED_CHARTS: readonly EmbedChart[] = ['hist', 'metrics'];

export interface EmbedOptions {
  charts: EmbedChart[];
}

export type ThemePreference = 'system' | 'light' | 'dark';

export const DEFAULT_VIEW_STATE: ShareableView = {
  layout: 'compare',
  singleChannel: 'a',
  yScale: 'linear',
  range: null,
  bins: DEFAULT_VIEW.bins,
  group: { a: 0, b: 0 },
  tab: 'explore',
};

/** The state of a fresh explorer: the default generator, schemes A/B, view; no lesson. */
export const DEFAULT_SHAREABLE_STATE: ShareableState = {
  data: { kind: 'generate', params: DEFAULT_GENERATOR },
  schemes: { a: DEFAULT_SCHEME_A, b: DEFAULT_SCHEME_B },
  view: DEFAULT_VIEW_STATE,
  lesson: null,
  worked: null,
  llmInt8: DEFAULT_LLM_INT8_PARAMS,
  lab: DEFAULT_LAB_SETTINGS,
  wholeModel: DEFAULT_WHOLE_MODEL_LINK,
  lm: DEFAULT_LM_CHOICES,
};

/** The store fields a shareable state carries; `generator` only when its data is generated. */
export type ShareableStoreFields = Pick<
  AppState,
  | 'schemes'
  | 'layout'
  | 'singleChannel'
  | 'yScale'
  | 'range'
  | 'bins'
  | 'group'
  | 'lesson'
  | 'workedValues'
  | 'tab'
  | 'llmInt8'
  | 'lab'
  | 'lm'
> &
  Partial<Pick<AppState, 'generator'>>;

/**
 * The store fields a ShareableState sets (for `store.setState`, and the base of the URL's initial choices, so the
 * mapping is written once). Hub sources are applied by the data loader.
 */
export function storeFieldsOf(state: ShareableState): ShareableStoreFields {
  return {
    ...(state.data.kind === 'generate' ? { generator: state.data.params } : {}),
    schemes: state.schemes,
    layout: state.view.layout,
    singleChannel: state.view.singleChannel,
    yScale: state.view.yScale,
    range: state.view.range,
    bins: state.view.bins,
    group: state.view.group,
    lesson: state.lesson,
    workedValues: state.worked,
    tab: state.view.tab,
    llmInt8: state.llmInt8,
    lab: state.lab,
    lm: state.lm,
  };
}

/**
 * Whether the data on screen can travel in a link: a generated matrix (always), a Hugging Face tensor named by
 * `org/name[@revision]` on the public Hub (yes), or a local file / a tensor fetched from a URL (no: the link then
 * carries the generator settings instead, and the Share dialog says so).
 */
export type DataShareability =
  | { kind: 'ok'; data: DataSource }
  | { kind: 'not-shareable'; label: string; reason: string; data: DataSource };

const HUB_INPUT = /^([A-Za-z0-9][\w.-]*\/[\w.-]+)(?:@([\w.\-/]+))?$/;
const PUBLIC_HUB = 'https://huggingface.co';

export function selectDataShareability(s: AppState): DataShareability {
  const generated: DataSource = { kind: 'generate', params: s.generator };
  if (s.source.kind !== 'loaded') return { kind: 'ok', data: generated };
  const { recipe, loaded } = s.source.dataset;
  const label = loaded?.sourceLabel ?? 'the loaded tensor';
  if (recipe.kind === 'hub') {
    const m = HUB_INPUT.exec(recipe.input.trim());
    const endpoint = recipe.endpoint.replace(/\/+$/, '');
    if (m && endpoint === PUBLIC_HUB) {
      return {
        kind: 'ok',
        data: {
          kind: 'hub',
          model: m[1],
          revision: m[2] ?? null,
          file: recipe.file ?? null,
          tensor: recipe.tensor,
        },
      };
    }
    return {
      kind: 'not-shareable',
      label,
      reason:
        'only a model id on huggingface.co (org/name) can be written in a link, not a URL or another server',
      data: generated,
    };
  }
  return {
    kind: 'not-shareable',
    label,
    reason: 'a file on your computer cannot travel in a link',
    data: generated,
  };
}

/** The shareable part of the store, e.g. for the URL (a local file is replaced by the generator settings). */
export function selectShareableState(s: AppState): ShareableState {
  return {
    data: selectDataShareability(s).data,
    schemes: s.schemes,
    view: {
      layout: s.layout,
      singleChannel: s.singleChannel,
      yScale: s.yScale,
      range: s.range,
      bins: s.bins,
      group: s.group,
      tab: s.tab,
    },
    lesson: s.lesson,
    worked: s.workedValues,
    llmInt8: s.llmInt8,
    lab: s.lab,
    wholeModel: linkFieldsOf(s.wholeModel),
    lm: s.lm,
  };
}
