/** Light / dark / system theme switch (a segmented radio group: arrow keys move, the choice is stored). */
import { useTheme } from '../theme/ThemeContext';
import { SegmentedControl } from './controls/SegmentedControl';

export function ThemeToggle() {
  const theme = useTheme();
  if (!theme) return null;
  return (
    <SegmentedControl
      label="Colour theme"
      size="sm"
      value={theme.preference}
      segments={[
        { value: 'light', label: 'Light', title: 'Light theme' },
        { value: 'dark', label: 'Dark', title: 'Dark theme' },
        { value: 'system', label: 'System', title: 'Follow the system setting' },
      ]}
      onChange={theme.setPreference}
      testId="theme-toggle"
    />
  );
}
