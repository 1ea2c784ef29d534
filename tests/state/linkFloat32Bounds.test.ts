/**
 * Link values beyond the float32 range fall back field by field with a notice naming the key (as any other bad
 * value does): a view range of ±1e308, a manual clip of ±1e308, a generator shift or scale of 1e308. Values at
 * the float32 limit itself (shift=3e38) are kept: the engine gives finite results or says why not.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_GENERATOR } from '../../src/core/generators.types';
import { decodeUrlState } from '../../src/state/urlCodec';

describe('links beyond the float32 range', () => {
  it('a view range of ±1e308 falls back to the full range with a notice', () => {
    const decoded = decodeUrlState('?v=1&range=-1e308,1e308');
    expect(decoded.state.view.range).toBeNull();
    expect(decoded.notices.join(' ')).toMatch(/range/);
  });

  it('a manual clip of ±1e308 falls back with a notice', () => {
    const decoded = decodeUrlState('?v=1&a.clip=manual&a.lo=-1e308&a.hi=1e308');
    const scheme = decoded.state.schemes.a;
    expect(scheme.kind === 'integer' && scheme.clipping.kind).not.toBe('manual');
    expect(decoded.notices.length).toBeGreaterThan(0);
  });

  it('a generator shift or scale of 1e308 falls back field by field', () => {
    const decoded = decodeUrlState('?v=1&src=gen&shift=1e308&scale=1e308&rows=8&cols=8');
    const data = decoded.state.data;
    expect(data.kind).toBe('generate');
    if (data.kind !== 'generate') return;
    expect(data.params.shift).toBe(DEFAULT_GENERATOR.shift);
    expect(data.params.scale).toBe(DEFAULT_GENERATOR.scale);
    expect(data.params.rows).toBe(8);
    const text = decoded.notices.join(' ');
    expect(text).toMatch(/shift/);
    expect(text).toMatch(/scale/);
  });

  it('shift=3e38, inside float32, is kept', () => {
    const decoded = decodeUrlState('?v=1&src=gen&shift=3e38');
    expect(decoded.state.data.kind === 'generate' && decoded.state.data.params.shift).toBe(3e38);
    expect(decoded.notices).toEqual([]);
  });
});
