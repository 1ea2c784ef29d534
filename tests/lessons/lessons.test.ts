/**
 * Lessons are data: every lesson file validates, every step's accumulated state is one the engine accepts (it is
 * generated and quantized here, both schemes), and the validator names what is wrong with a broken lesson.
 */
import { describe, expect, it } from 'vitest';
import {
  computeQuantView,
  DEFAULT_VIEW,
  generateTensor,
  type Tensor2D,
  validateScheme,
} from '../../src/core';
import { computeLlmInt8View } from '../../src/core/llmInt8View';
import { findLesson, LESSON_PROBLEMS, LESSONS, lessonStepCount } from '../../src/lessons';
import { integer, type Lesson, lessonStateAt, validateLesson } from '../../src/lessons/lesson';
import { DEFAULT_SHAREABLE_STATE } from '../../src/state/shareableState';
import { decodeUrlState, encodeUrlState } from '../../src/state/urlCodec';

describe('the lesson files', () => {
  it('all validate (no lesson file was left out)', () => {
    expect(LESSON_PROBLEMS).toEqual({});
  });

  it('cover the seven topics of issue #6, then the model lab (#13) and the language model (#14), in file order', () => {
    expect(LESSONS.map((l) => l.id)).toEqual([
      'absmax-vs-zero-point',
      'bits-and-error',
      'granularity',
      'outliers-and-clipping',
      'rounding',
      'low-bit-formats',
      'llm-int8',
      'does-the-error-matter',
      'weight-error-to-perplexity',
    ]);
    expect(findLesson('rounding')?.title).toMatch(/stochastic/);
    expect(lessonStepCount('granularity')).toBe(4);
    expect(lessonStepCount('nope')).toBeUndefined();
  });

  const tensors = new Map<string, Tensor2D>();
  const cases = LESSONS.flatMap((lesson) =>
    lesson.steps.map((_, step) => [lesson.id, step + 1, lesson, step] as const),
  );
  it.each(cases)('%s step %i: a valid state that the engine quantizes', (_id, _n, lesson, step) => {
    const state = lessonStateAt(lesson, step);
    expect(state.lesson).toEqual({ id: lesson.id, step });
    // The URL codec reads it back unchanged, so a link to this step reproduces it.
    const decoded = decodeUrlState(encodeUrlState(state), { lessonSteps: lessonStepCount });
    expect(decoded.notices).toEqual([]);
    expect(decoded.state).toEqual(state);
    if (state.data.kind !== 'generate') throw new Error('lessons use the generator');
    const key = JSON.stringify(state.data.params);
    if (!tensors.has(key)) tensors.set(key, generateTensor(state.data.params));
    const tensor = tensors.get(key)!;
    for (const scheme of [state.schemes.a, state.schemes.b]) {
      const view = computeQuantView(tensor, validateScheme(scheme), {
        ...DEFAULT_VIEW,
        bins: 32,
        heatmapMaxCells: 16,
      });
      expect(view.metrics.mse).toBeGreaterThan(0);
      expect(Number.isFinite(view.metrics.mse)).toBe(true);
    }
    // A step that opens the LLM.int8() view: its parameters are ones the view accepts on this matrix.
    if (state.view.tab === 'llmInt8') {
      const llm = computeLlmInt8View(tensor, state.llmInt8);
      expect(llm.errorInt8.mse).toBeGreaterThan(0);
    }
  });

  it('the LLM.int8() lesson says what the view shows: 4 outliers kept, about 25× less error', () => {
    const lesson = findLesson('llm-int8')!;
    const state = lessonStateAt(lesson, 2);
    if (state.data.kind !== 'generate') throw new Error('generator expected');
    const llm = computeLlmInt8View(generateTensor(state.data.params), state.llmInt8);
    expect(llm.outlierColumns.length).toBe(4);
    expect(llm.errorInt8.mse / llm.errorMixed.mse).toBeGreaterThan(20);
    expect(llm.errorInt8.mse / llm.errorMixed.mse).toBeLessThan(30);
  });

  it('every step says something and points at something to look at', () => {
    for (const lesson of LESSONS) {
      for (const step of lesson.steps) {
        expect(step.text.length).toBeGreaterThan(80);
        expect(step.look?.length ?? 0).toBeGreaterThan(0);
      }
    }
  });
});

describe('lessonStateAt', () => {
  const lesson: Lesson = {
    id: 'demo',
    title: 'Demo',
    summary: 'A demo.',
    steps: [
      { title: 'one', text: 'one', set: { data: { seed: 7 }, schemes: { a: integer({ bits: 4 }) } } },
      { title: 'two', text: 'two', set: { data: { rows: 64 }, view: { yScale: 'log' } } },
      { title: 'three', text: 'three', set: { schemes: { b: integer({ bits: 2 }) }, worked: [1, 2] } },
    ],
  };

  it('accumulates the steps from the defaults', () => {
    const s = lessonStateAt(lesson, 2);
    expect(s.data.kind === 'generate' && [s.data.params.seed, s.data.params.rows]).toEqual([7, 64]);
    expect(s.schemes.a).toEqual(integer({ bits: 4 }));
    expect(s.schemes.b).toEqual(integer({ bits: 2 }));
    expect(s.view.yScale).toBe('log');
    expect(s.worked).toEqual([1, 2]);
    expect(s.lesson).toEqual({ id: 'demo', step: 2 });
  });

  it('gives the first step the defaults plus its own changes only', () => {
    const s = lessonStateAt(lesson, 0);
    expect(s.schemes.b).toEqual(DEFAULT_SHAREABLE_STATE.schemes.b);
    expect(s.view).toEqual(DEFAULT_SHAREABLE_STATE.view);
    expect(s.data.kind === 'generate' && s.data.params.rows).toBe(256);
  });

  it('clamps a step past the end to the last step', () => {
    expect(lessonStateAt(lesson, 99).lesson).toEqual({ id: 'demo', step: 2 });
  });
});

describe('validateLesson', () => {
  const good: Lesson = {
    id: 'ok-lesson',
    title: 'OK',
    summary: 'Fine.',
    steps: [
      { title: 'Step', text: 'Text', set: { schemes: { a: integer({ bits: 4 }) } }, look: ['metrics-table'] },
    ],
  };

  it('accepts a well-formed lesson', () => {
    expect(validateLesson(good)).toEqual([]);
  });

  it.each([
    ['not an object', 'lesson', /must be an object/],
    ['a bad id', { ...good, id: 'Has Spaces' }, /^id must be lower-case/],
    ['no steps', { ...good, steps: [] }, /^steps must be a non-empty list/],
    [
      'an empty step text',
      { ...good, steps: [{ title: 'a', text: ' ' }] },
      /^step 1: text must be a non-empty string/,
    ],
    [
      'an unknown step field',
      { ...good, steps: [{ title: 'a', text: 'b', sett: {} }] },
      /^step 1: unknown field "sett"/,
    ],
    [
      'an unknown patch field',
      { ...good, steps: [{ title: 'a', text: 'b', set: { scheme: {} } }] },
      /set has an unknown field "scheme"/,
    ],
    [
      'look not a list',
      { ...good, steps: [{ title: 'a', text: 'b', look: 'metrics-table' }] },
      /look must be a list/,
    ],
    [
      'a scheme with 99 bits',
      { ...good, steps: [{ title: 'a', text: 'b', set: { schemes: { a: integer({ bits: 99 }) } } }] },
      /^step 1: Link field a\.bits=99 ignored/,
    ],
    [
      'a generator with a zero scale in step 2',
      { ...good, steps: [good.steps[0], { title: 'a', text: 'b', set: { data: { scale: 0 } } }] },
      /^step 2: Link field scale=0 ignored/,
    ],
    [
      'KL clipping per row',
      {
        ...good,
        steps: [
          {
            title: 'a',
            text: 'b',
            set: { schemes: { b: integer({ granularity: { kind: 'row' }, clipping: { kind: 'kl' } }) } },
          },
        ],
      },
      /^step 1: Scheme B in the link is not valid \(KL/,
    ],
  ])('rejects %s and says why', (_name, input, message) => {
    const problems = validateLesson(input);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatch(message);
  });
});
