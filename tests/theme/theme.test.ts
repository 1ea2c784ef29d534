// @vitest-environment jsdom
/** Themes: the preference resolves against the system, is written as data-theme, and only a toggle is stored. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createThemeController, readStoredPreference, resolveTheme } from '../../src/theme/theme';

function mockSystem(dark: boolean) {
  const listeners = new Set<() => void>();
  const media = {
    matches: dark,
    addEventListener: (_: string, l: () => void) => listeners.add(l),
    removeEventListener: (_: string, l: () => void) => listeners.delete(l),
  };
  vi.stubGlobal('matchMedia', () => media);
  return {
    set(next: boolean) {
      media.matches = next;
      for (const l of listeners) l();
    },
  };
}

afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
});

describe('resolveTheme', () => {
  it.each([
    ['system', true, 'dark'],
    ['system', false, 'light'],
    ['light', true, 'light'],
    ['dark', false, 'dark'],
  ] as const)('%s with a %s system → %s', (preference, systemDark, theme) => {
    expect(resolveTheme(preference, systemDark)).toBe(theme);
  });
});

describe('createThemeController', () => {
  it('follows the system while the preference is "system", and stops once the reader chooses', () => {
    const system = mockSystem(false);
    const root = document.createElement('div');
    const controller = createThemeController(root, 'system');
    expect(root.dataset.theme).toBe('light');
    system.set(true);
    expect(root.dataset.theme).toBe('dark');
    controller.setPreference('light');
    system.set(false);
    system.set(true);
    expect(root.dataset.theme).toBe('light');
    expect(root.style.colorScheme).toBe('light');
    expect(readStoredPreference()).toBe('light');
    controller.setPreference('system');
    expect(readStoredPreference()).toBe('system');
    expect(root.dataset.theme).toBe('dark');
    controller.dispose();
  });

  it('does not store a preference that came from a link', () => {
    mockSystem(false);
    const root = document.createElement('div');
    createThemeController(root, 'dark');
    expect(root.dataset.theme).toBe('dark');
    expect(readStoredPreference()).toBe('system');
  });
});
