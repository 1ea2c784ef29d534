/** Hands the theme controller to the toggle (and to charts that need the resolved theme) through a context. */
import { createContext, type ReactNode, useContext, useSyncExternalStore } from 'react';
import type { ThemePreference } from '../state/shareableState';
import type { Theme, ThemeController } from './theme';

const ThemeContext = createContext<ThemeController | null>(null);

export function ThemeProvider({
  controller,
  children,
}: {
  controller: ThemeController;
  children: ReactNode;
}) {
  return <ThemeContext.Provider value={controller}>{children}</ThemeContext.Provider>;
}

/** The preference and resolved theme, re-rendering on change; null outside a ThemeProvider. */
export function useTheme(): {
  preference: ThemePreference;
  theme: Theme;
  setPreference(preference: ThemePreference): void;
} | null {
  const controller = useContext(ThemeContext);
  const subscribe = controller ? controller.subscribe : noopSubscribe;
  const preference = useSyncExternalStore(subscribe, () => controller?.preference() ?? 'system');
  const theme = useSyncExternalStore(subscribe, () => controller?.theme() ?? 'light');
  if (!controller) return null;
  return { preference, theme, setPreference: (p) => controller.setPreference(p) };
}

const noopSubscribe = () => () => {};
