/** The embed frame's options and messages: what is taken out of the link, and what a message may say. */
import { describe, expect, it } from 'vitest';
import { splitFrameOptions } from '../../../src/components/embed/frameOptions';
import {
  hostThemeOf,
  MAX_FRAME_HEIGHT,
  MIN_FRAME_HEIGHT,
  readSizeMessage,
  readThemeMessage,
  sizeMessage,
} from '../../../src/components/embed/frameProtocol';

describe('splitFrameOptions', () => {
  it('takes theme=inherit and bg=transparent out, and leaves every other field in order', () => {
    expect(splitFrameOptions('?v=1&theme=inherit&a.bits=4&bg=transparent&embed=1')).toEqual({
      search: '?v=1&a.bits=4&embed=1',
      frame: { inheritTheme: true, transparent: true },
    });
  });

  it('leaves a theme the codec reads (light, dark, a bad one) and an unknown bg to the codec', () => {
    expect(splitFrameOptions('?theme=dark&bg=red')).toEqual({
      search: '?theme=dark&bg=red',
      frame: { inheritTheme: false, transparent: false },
    });
    expect(splitFrameOptions('')).toEqual({ search: '', frame: { inheritTheme: false, transparent: false } });
    expect(splitFrameOptions('theme=inherit').search).toBe('');
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
