/** The header's tools: guided lessons, Share / Embed, and the colour theme. */
import { LessonPicker } from './lessons/LessonPicker';
import { ShareButton } from './share/ShareDialog';
import { ThemeToggle } from './ThemeToggle';

export function HeaderTools() {
  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="header-tools">
      <LessonPicker />
      <ShareButton />
      <ThemeToggle />
    </div>
  );
}
