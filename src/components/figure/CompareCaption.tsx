/**
 * The live one-line caption of the compared histograms (compareCaption.ts says what it says). Polite live
 * region: a screen reader hears the new sentence after a change, once the engine has answered.
 */
import { memo } from 'react';
import type { QuantView } from '../../core/view';
import type { Channel } from '../../state/schemesSlice';
import { type CaptionSide, compareCaption, singleCaption } from './compareCaption';

function sideOf(view: QuantView | undefined): CaptionSide | undefined {
  return view
    ? { scheme: view.scheme, metrics: view.metrics, group: view.group, groupCount: view.groupCount }
    : undefined;
}

export const CompareCaption = memo(function CompareCaption({
  channels,
  views,
  className = '',
}: {
  channels: readonly Channel[];
  views: Partial<Record<Channel, QuantView>>;
  className?: string;
}) {
  const text =
    channels.length === 2
      ? compareCaption(sideOf(views.a), sideOf(views.b))
      : singleCaption(channels[0] === 'a' ? 'A' : 'B', sideOf(views[channels[0]]));
  return (
    <p
      className={`text-sm leading-snug text-slate-700 dark:text-slate-200 ${className}`}
      aria-live="polite"
      data-testid="compare-caption"
    >
      {text ?? 'Computing…'}
    </p>
  );
});
