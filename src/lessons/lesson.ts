/**
 * Lessons as data: a lesson is a titled sequence of steps; each step sets part of the explorer's state and says
 * what to look at. Steps accumulate from the explorer's defaults (step k's state is the defaults with steps 1..k
 * applied in order), so opening a link at step 3 shows exactly what stepping there shows. Pure: no DOM, no React.
 * How to write one: docs/lessons.md.
 */
import { DEFAULT_GENERATOR, type GeneratorParams } from '../core/generators.types';
import type { LlmInt8Params } from '../core/llmInt8View';
import type { LabSettings } from '../core/nn/settings';
import {
  DEFAULT_SCHEME_A,
  type FloatFormatId,
  type FloatScheme,
  type IntegerScheme,
  type Scheme,
} from '../core/scheme';
import type { Channel } from '../state/schemesSlice';
import { DEFAULT_SHAREABLE_STATE, type ShareableState, type ShareableView } from '../state/shareableState';
import { decodeUrlState, encodeUrlState } from '../state/urlCodec';

/** What a step changes; everything left out keeps the previous step's value. */
export interface LessonStatePatch {
  /** Generator parameters, merged into the previous ones (the first step starts from DEFAULT_GENERATOR). */
  data?: Partial<GeneratorParams>;
  /** Whole schemes (use `integer({...})` / `float(...)` for brevity). */
  schemes?: Partial<Record<Channel, Scheme>>;
  /** View options, merged: layout, singleChannel, yScale, range, bins, group, tab (the open view). */
  view?: Partial<ShareableView>;
  /** The worked example's vector (null = the default textbook vector). */
  worked?: number[] | null;
  /** The LLM.int8() view's parameters, merged (open the view with `view: { tab: 'llmInt8' }`). */
  llmInt8?: Partial<LlmInt8Params>;
  /** The model lab's settings, each part merged (open the lab with `view: { tab: 'lab' }`). */
  lab?: LabPatch;
}

/** A lesson's change to the model lab: each group of settings merged into the previous step's. */
export interface LabPatch {
  model?: Partial<LabSettings['model']>;
  biases?: boolean;
  sweep?: Partial<LabSettings['sweep']>;
  qat?: Partial<LabSettings['qat']>;
  activations?: Partial<LabSettings['activations']>;
}

function applyLabPatch(lab: LabSettings, patch: LabPatch | undefined): LabSettings {
  if (!patch) return lab;
  return {
    model: { ...lab.model, ...patch.model },
    biases: patch.biases ?? lab.biases,
    sweep: { ...lab.sweep, ...patch.sweep },
    qat: { ...lab.qat, ...patch.qat },
    activations: { ...lab.activations, ...patch.activations },
  };
}

export interface LessonStep {
  /** A short heading, e.g. "Shift the data to all-positive". */
  title: string;
  /**
   * What the step shows and what to look at, in plain words. Paragraphs are separated by a blank line;
   * `backticks` mark code or numbers.
   */
  text: string;
  set?: LessonStatePatch;
  /**
   * `data-testid`s of what to look at (outlined for a moment, the first one scrolled into view),
   * e.g. `metrics-table`, `metric-mse-a`, `chart-values-b`, `chart-heatmap-a`, `worked-example`, `formulas-a`.
   */
  look?: string[];
}

export interface Lesson {
  /** Stable, lower-case, dashes: it appears in links (`lesson=bits-and-error&step=2`). */
  id: string;
  title: string;
  /** One sentence for the lesson list. */
  summary: string;
  steps: LessonStep[];
}

/** An integer scheme: absmax int8 per tensor, round half to even, no clipping, with `patch` applied. */
export function integer(patch: Partial<Omit<IntegerScheme, 'kind'>> = {}): IntegerScheme {
  return { ...DEFAULT_SCHEME_A, ...patch };
}

/** A float element format scaled per tensor (or as `patch` says), saturating. */
export function float(
  format: FloatFormatId,
  patch: Partial<Omit<FloatScheme, 'kind' | 'format'>> = {},
): FloatScheme {
  return { kind: 'float', format, scaling: 'tensor', groupSize: 32, saturate: true, ...patch };
}

/** Applies one step's patch to a state. */
export function applyLessonPatch(state: ShareableState, patch: LessonStatePatch | undefined): ShareableState {
  if (!patch) return state;
  // Generator parameters merge into the previous ones (or into the defaults, after a Hub tensor).
  const params = state.data.kind === 'generate' ? state.data.params : DEFAULT_GENERATOR;
  return {
    ...state,
    data: patch.data ? { kind: 'generate', params: { ...params, ...patch.data } } : state.data,
    schemes: patch.schemes ? { ...state.schemes, ...patch.schemes } : state.schemes,
    view: patch.view
      ? { ...state.view, ...patch.view, group: { ...state.view.group, ...patch.view.group } }
      : state.view,
    worked: patch.worked !== undefined ? patch.worked : state.worked,
    llmInt8: patch.llmInt8 ? { ...state.llmInt8, ...patch.llmInt8 } : state.llmInt8,
    lab: applyLabPatch(state.lab, patch.lab),
  };
}

/**
 * The explorer state at step `step` (0-based) of a lesson: the defaults with steps 0..step applied, and the
 * lesson position set. E.g. `lessonStateAt(lesson, 0)` is the first step's state.
 */
export function lessonStateAt(lesson: Lesson, step: number): ShareableState {
  const last = Math.max(0, Math.min(lesson.steps.length - 1, Math.floor(step)));
  let state: ShareableState = DEFAULT_SHAREABLE_STATE;
  for (let k = 0; k <= last; k++) state = applyLessonPatch(state, lesson.steps[k].set);
  return { ...state, lesson: { id: lesson.id, step: last } };
}

/** JSON with object keys sorted (so key order does not matter) and undefined fields left out. */
function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isRecord(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );
}

const LESSON_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const PATCH_KEYS = ['data', 'schemes', 'view', 'worked', 'llmInt8', 'lab'];
const STEP_KEYS = ['title', 'text', 'set', 'look'];
const LESSON_KEYS = ['id', 'title', 'summary', 'steps'];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nonEmpty(v: unknown): boolean {
  return typeof v === 'string' && v.trim() !== '';
}

/**
 * Checks a lesson (possibly untrusted, e.g. written by hand) and returns its problems, one sentence each naming
 * where (`step 2: …`); an empty list means it is valid. Every step's accumulated state must be one the explorer
 * accepts: it must survive the URL codec with no notice (so generator values, schemes and view options are in
 * range, and schemes pass the engine's validateScheme).
 */
export function validateLesson(input: unknown): string[] {
  const problems: string[] = [];
  if (!isRecord(input)) return ['a lesson must be an object with id, title, summary and steps'];
  for (const key of Object.keys(input))
    if (!LESSON_KEYS.includes(key)) problems.push(`unknown field "${key}"`);
  if (typeof input.id !== 'string' || !LESSON_ID.test(input.id))
    problems.push('id must be lower-case letters, digits and dashes (it appears in links)');
  if (!nonEmpty(input.title)) problems.push('title must be a non-empty string');
  if (!nonEmpty(input.summary)) problems.push('summary must be a non-empty string');
  if (!Array.isArray(input.steps) || input.steps.length === 0) {
    problems.push('steps must be a non-empty list');
    return problems;
  }
  if (input.steps.length > 40) problems.push('a lesson has at most 40 steps');
  input.steps.forEach((step: unknown, i: number) => {
    const where = `step ${i + 1}`;
    if (!isRecord(step)) {
      problems.push(`${where}: must be an object with title and text`);
      return;
    }
    for (const key of Object.keys(step))
      if (!STEP_KEYS.includes(key)) problems.push(`${where}: unknown field "${key}"`);
    if (!nonEmpty(step.title)) problems.push(`${where}: title must be a non-empty string`);
    if (!nonEmpty(step.text)) problems.push(`${where}: text must be a non-empty string`);
    if (step.look !== undefined && !(Array.isArray(step.look) && step.look.every(nonEmpty)))
      problems.push(`${where}: look must be a list of data-testid strings`);
    if (step.set !== undefined) {
      if (!isRecord(step.set)) problems.push(`${where}: set must be an object`);
      else
        for (const key of Object.keys(step.set))
          if (!PATCH_KEYS.includes(key)) problems.push(`${where}: set has an unknown field "${key}"`);
    }
  });
  if (problems.length > 0) return problems;
  const lesson = input as unknown as Lesson;
  for (let i = 0; i < lesson.steps.length; i++) {
    let state: ShareableState;
    try {
      state = lessonStateAt(lesson, i);
    } catch (error) {
      problems.push(`step ${i + 1}: its state could not be built (${String(error)})`);
      continue;
    }
    const decoded = decodeUrlState(encodeUrlState(state));
    for (const notice of decoded.notices) problems.push(`step ${i + 1}: ${notice}`);
    if (decoded.notices.length === 0 && sortedJson(decoded.state) !== sortedJson(state))
      problems.push(`step ${i + 1}: its state has fields the explorer does not know`);
  }
  return problems;
}
