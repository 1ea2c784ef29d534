/** The library's options (React props, element attributes) become a validated state, as a link's fields would. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCHEME_A, DEFAULT_SCHEME_B } from '../../src/core/scheme';
import { optionsFromAttributes, resolveExplorerOptions } from '../../src/lib/explorerOptions';

describe('resolveExplorerOptions', () => {
  it('gives the defaults and the compact view with histogram and metrics when nothing is set', () => {
    const r = resolveExplorerOptions({});
    expect(r.state.schemes).toEqual({ a: DEFAULT_SCHEME_A, b: DEFAULT_SCHEME_B });
    expect(r.embed).toEqual({ charts: ['hist', 'metrics'] });
    expect(r.mode).toBe('compact');
    expect(r.notices).toEqual([]);
  });

  it('reads a link query string, then applies scheme and data attributes over it', () => {
    const r = resolveExplorerOptions({
      state: '?a.bits=4&seed=3&view=b',
      schemeB: 'method=absmax&bits=2',
      data: 'gen=normal&rows=64&cols=32&seed=9',
      charts: ['heatmap'],
    });
    expect(r.state.schemes.a).toEqual({ ...DEFAULT_SCHEME_A, bits: 4 });
    expect(r.state.schemes.b).toEqual({ ...DEFAULT_SCHEME_B, method: 'absmax', bits: 2 });
    expect(r.state.data.kind === 'generate' && r.state.data.params).toMatchObject({
      distribution: 'normal',
      rows: 64,
      cols: 32,
      seed: 9,
    });
    expect(r.state.view.singleChannel).toBe('b');
    expect(r.embed).toEqual({ charts: ['heatmap'] });
  });

  it('validates a state object through the codec: a bad field falls back with a notice', () => {
    const r = resolveExplorerOptions({
      state: {
        data: { rows: 32 },
        schemes: { a: { ...DEFAULT_SCHEME_A, bits: 12 } },
        view: { yScale: 'log' },
      },
    });
    expect(r.state.data.kind === 'generate' && r.state.data.params.rows).toBe(32);
    expect(r.state.schemes.a).toEqual(DEFAULT_SCHEME_A);
    expect(r.state.view.yScale).toBe('log');
    expect(r.notices).toEqual([expect.stringContaining('a.bits=12')]);
  });

  it('names the attribute a bad scheme came from', () => {
    const r = resolveExplorerOptions({ schemeA: 'bits=1', data: 'rows=0' });
    expect(r.notices).toEqual([
      expect.stringMatching(/^data: Link field rows=0 ignored/),
      expect.stringMatching(/^scheme-a: Field bits=1 ignored/),
    ]);
  });
});

describe('optionsFromAttributes', () => {
  it('maps the element attributes, leaving out unknown chart ids and themes', () => {
    const attributes: Record<string, string> = {
      'scheme-a': 'bits=4',
      charts: 'hist, pie ,metrics',
      mode: 'full',
      theme: 'sepia',
    };
    expect(optionsFromAttributes((name) => attributes[name] ?? null)).toEqual({
      state: undefined,
      schemeA: 'bits=4',
      schemeB: undefined,
      data: undefined,
      charts: ['hist', 'metrics'],
      mode: 'full',
      theme: undefined,
    });
  });
});
