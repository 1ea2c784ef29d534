/**
 * What a link carries besides the explorer's choices: its version `v`, the teaching position `lesson` + `step`
 * (1-based) and the worked example `wx`, and the page options `embed=1` + `charts`, `theme`, `bg`.
 */
import {
  DEFAULT_EMBED_CHARTS,
  EMBED_CHARTS,
  type EmbedChart,
  type EmbedOptions,
  type LessonPosition,
  MAX_WORKED_LENGTH,
  type ShareableState,
  type ThemePreference,
} from '../shareableState';
import { choice, flag, num, numberList } from './codecs';
import { type FieldRow, field, rule } from './fieldTable';
import type { UrlLink } from './link';

/** The version this codec writes; links without `v` are read as version 1. */
export const URL_VERSION = 1;

const LESSON_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
/** Steps a lesson may have when no lesson registry is given to check against. */
const ANY_LESSON_STEPS = 1 << 16;

const inState = <K extends keyof ShareableState>(l: UrlLink, k: K, v: ShareableState[K]): UrlLink => ({
  ...l,
  state: { ...l.state, [k]: v },
});

const version = rule<UrlLink>({
  keys: ['v'],
  write: (_, out) => out.put('v', String(URL_VERSION)),
  read(l, r) {
    const v = r.raw('v');
    if (v !== undefined && v !== String(URL_VERSION))
      r.notice(
        `This link has version v=${v.slice(0, 12)}; this explorer reads v=${URL_VERSION}, so some fields may be ignored.`,
      );
    return l;
  },
});

/** A lesson and its step: the step means nothing without a lesson, and its range is the lesson's. */
const lesson = rule<UrlLink>({
  keys: ['lesson', 'step'],
  write(l, out) {
    const position = l.state.lesson;
    if (!position) return;
    out.put('lesson', position.id);
    out.put('step', num(position.step + 1));
  },
  read(l, r) {
    const id = r.raw('lesson');
    const stepRaw = r.raw('step');
    if (id === undefined) {
      if (stepRaw !== undefined) r.reject('step', stepRaw, 'no lesson named', 'no lesson');
      return l;
    }
    const { lessonSteps } = r.options;
    const steps = LESSON_ID.test(id) ? (lessonSteps ? lessonSteps(id) : ANY_LESSON_STEPS) : undefined;
    if (steps === undefined) {
      r.reject('lesson', id, 'no lesson has this id', 'no lesson');
      return l;
    }
    let step = 0;
    if (stepRaw !== undefined) {
      const n = Number(stepRaw);
      if (Number.isInteger(n) && n >= 1 && n <= steps) step = n - 1;
      else r.reject('step', stepRaw, `expected a step number in 1..${steps}`, 'step 1');
    }
    const position: LessonPosition = { id, step };
    return inState(l, 'lesson', position);
  },
});

const worked = field<UrlLink, number[]>({
  key: 'wx',
  get: (l) => l.state.worked ?? undefined,
  set: (l, values) => inState(l, 'worked', values),
  codec: numberList(
    1,
    MAX_WORKED_LENGTH,
    Number.isFinite,
    `expected 1 to ${MAX_WORKED_LENGTH} comma-separated finite numbers`,
  ),
  fallback: 'the default vector',
});

/** `embed=1` with the charts it shows; unknown chart ids are left out, the known ones kept. */
const embed = rule<UrlLink>({
  keys: ['embed', 'charts'],
  write(l, out) {
    if (!l.page.embed) return;
    out.put('embed', '1');
    out.put('charts', l.page.embed.charts.join(','));
  },
  read(l, r) {
    const onRaw = r.raw('embed');
    const chartsRaw = r.raw('charts');
    const on = onRaw === undefined ? undefined : flag.parse(onRaw);
    if (on !== undefined && !on.ok) r.reject('embed', onRaw ?? '', on.why, 'the default');
    if (!on?.ok || !on.value) return l;
    const embedded = (charts: readonly EmbedChart[]): UrlLink => ({
      ...l,
      page: { ...l.page, embed: { charts: [...charts] } satisfies EmbedOptions },
    });
    if (chartsRaw === undefined || chartsRaw.trim() === '') return embedded(DEFAULT_EMBED_CHARTS);
    const charts: EmbedChart[] = [];
    const unknown: string[] = [];
    for (const part of chartsRaw.split(',')) {
      const id = part.trim();
      if ((EMBED_CHARTS as readonly string[]).includes(id)) {
        if (!charts.includes(id as EmbedChart)) charts.push(id as EmbedChart);
      } else if (id !== '') unknown.push(id);
    }
    if (unknown.length > 0) {
      const verb = unknown.length === 1 ? 'is not a chart' : 'are not charts';
      r.notice(
        `Link field ${r.fullKey('charts')}: ${unknown.join(', ')} ${verb} (known: ${EMBED_CHARTS.join(', ')}); left out.`,
      );
    }
    return embedded(charts.length > 0 ? charts : DEFAULT_EMBED_CHARTS);
  },
});

/**
 * `theme=light|dark|system` overrides the reader's own preference; `theme=inherit` (an embed frame's option)
 * follows the page that embeds the frame instead.
 */
const theme = field<UrlLink, ThemePreference | 'inherit'>({
  key: 'theme',
  get: (l) => (l.page.frame.inheritTheme ? 'inherit' : (l.page.theme ?? undefined)),
  set: (l, t) =>
    t === 'inherit'
      ? { ...l, page: { ...l.page, theme: null, frame: { ...l.page.frame, inheritTheme: true } } }
      : { ...l, page: { ...l.page, theme: t } },
  codec: choice(['system', 'light', 'dark', 'inherit'] as const),
  fallback: 'your own theme',
});

/** `bg=transparent`: an embed frame without a background of its own (the post's shows through). */
const background = field<UrlLink, 'transparent'>({
  key: 'bg',
  get: (l) => (l.page.frame.transparent ? 'transparent' : undefined),
  set: (l) => ({ ...l, page: { ...l.page, frame: { ...l.page.frame, transparent: true } } }),
  codec: choice(['transparent'] as const),
  fallback: "the page's own background",
});

export const VERSION_FIELD: FieldRow<UrlLink> = version;
export const TEACHING_FIELDS: readonly FieldRow<UrlLink>[] = [lesson, worked];
export const PAGE_FIELDS: readonly FieldRow<UrlLink>[] = [embed, theme, background];
