/** The embed frame's options and messages: what is taken out of the link, and what a message may say. */
import { describe, expect, it } from 'vitest';
import {
  hostThemeOf,
  MAX_FRAME_HEIGHT,
  MIN_FRAME_HEIGHT,
  readSizeMessage,
  readThemeMessage,
  sizeMessage,
} from '../../../src/components/embed/frameProtocol';
import { decodeUrlState } from '../../../src/state/urlCodec';

describe('the frame options in a link', () => {
  it('reads theme=inherit and bg=transparent as frame options, and every other field as before', () => {
    const decoded = decodeUrlState('?v=1&theme=inherit&a.bits=4&bg=transparent&embed=1');
    expect(decoded.frame).toEqual({ inheritTheme: true, transparent: true });
    expect(decoded.theme).toBeNull();
    expect(decoded.state.schemes.a.kind === 'integer' && decoded.state.schemes.a.bits).toBe(4);
    expect(decoded.embed).not.toBeNull();
    expect(decoded.notices).toEqual([]);
  });

  it('leaves a theme the codec reads (light, dark) as the theme, and refuses an unknown bg with a notice', () => {
    const decoded = decodeUrlState('?theme=dark&bg=red');
    expect(decoded.theme).toBe('dark');
    expect(decoded.frame).toEqual({ inheritTheme: false, transparent: false });
    expect(decoded.notices.join(' ')).toMatch(/bg=red/);
    expect(decodeUrlState('').frame).toEqual({ inheritTheme: false, transparent: false });
    expect(decodeUrlState('theme=inherit').notices).toEqual([]);
  });
});

describe('frame messages', () => {
  it('a size message rounds up and a hostile one is clamped or refused', () => {
    expect(sizeMessage(812.2)).toEqual({ type: 'quant-explorer:size', height: 813 });
    expect(readSizeMessage(sizeMessage(812.2))).toBe(813);
    expect(readSizeMessage({ type: 'quant-explorer:size', height: 1e9 })).toBe(MAX_FRAME_HEIGHT);
    expect(readSizeMessage({ type: 'quant-explorer:size', height: -5 })).toBe(MIN_FRAME_HEIGHT);
    for (const bad of [
      null,
      'x',
      { type: 'quant-explorer:size', height: '500' },
      { type: 'quant-explorer:size', height: Number.NaN },
      { type: 'other', height: 500 },
    ])
      expect(readSizeMessage(bad)).toBeNull();
  });

  it('a theme message names light or dark, nothing else', () => {
    expect(readThemeMessage({ type: 'quant-explorer:theme', theme: 'dark' })).toBe('dark');
    expect(readThemeMessage({ type: 'quant-explorer:theme', theme: 'light' })).toBe('light');
    expect(readThemeMessage({ type: 'quant-explorer:theme', theme: 'system' })).toBeNull();
    expect(readThemeMessage({ type: 'quant-explorer:size', theme: 'dark' })).toBeNull();
    expect(readThemeMessage(undefined)).toBeNull();
  });
});

describe('hostThemeOf', () => {
  const plain = { dataTheme: null, classes: [], colorScheme: 'normal', systemDark: false };
  it('reads data-theme first, then a dark / light class, then a single color-scheme, then the system', () => {
    expect(hostThemeOf({ ...plain, dataTheme: 'dark', classes: ['light'] })).toBe('dark');
    expect(hostThemeOf({ ...plain, classes: ['page', 'dark'], colorScheme: 'light' })).toBe('dark');
    expect(hostThemeOf({ ...plain, classes: ['light'], systemDark: true })).toBe('light');
    expect(hostThemeOf({ ...plain, colorScheme: 'dark' })).toBe('dark');
    expect(hostThemeOf({ ...plain, colorScheme: 'only light', systemDark: true })).toBe('light');
    // "light dark" supports both: the system decides.
    expect(hostThemeOf({ ...plain, colorScheme: 'light dark', systemDark: true })).toBe('dark');
    expect(hostThemeOf({ ...plain, dataTheme: 'sepia', systemDark: false })).toBe('light');
  });
});
