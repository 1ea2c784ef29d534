/**
 * The model lab in embed mode (`?embed=1&tab=lab&charts=labbits,labgallery,labptq`): the chosen parts without
 * controls, for a blog post or a course page; the lab's settings and schemes come from the link.
 */
import type { EmbedChart } from '../../state/shareableState';
import { ErrorBoundary } from '../ErrorBoundary';
import { pct } from './labFormat';
import { DigitGallery, PtqResults } from './PtqSection';
import { AccuracyBitsChart } from './SweepSection';
import { messageOf, useModelLab } from './useModelLab';

/** The embed charts that belong to the lab. */
export const LAB_EMBED_CHARTS = ['labptq', 'labbits', 'labgallery'] as const;

export function LabEmbed({ charts }: { charts: readonly EmbedChart[] }) {
  const { training, trained, ptq, sweep } = useModelLab();
  const has = (c: EmbedChart) => charts.includes(c);
  const error = messageOf(ptq.error) ?? messageOf(sweep.error) ?? training.state.error;
  return (
    <section className="flex min-w-0 flex-col gap-3" aria-label="Model lab" data-testid="embed-lab">
      <p className="text-xs text-slate-600 dark:text-slate-300" role="status">
        {trained
          ? `Digits MLP (UCI handwritten digits, CC BY 4.0), float test accuracy ${pct(trained.float.accuracy)}.`
          : `Training the digits MLP… ${training.state.epochs.at(-1)?.epoch ?? 0} / ${training.state.epochs.at(-1)?.epochs ?? '…'} epochs`}
      </p>
      {error ? (
        <p role="alert" className="text-xs text-[var(--color-error-text)]">
          {error}
        </p>
      ) : null}
      <ErrorBoundary label="The model lab">
        {has('labbits') && trained && sweep.data ? <AccuracyBitsChart sweep={sweep.data} /> : null}
        {has('labptq') && trained && ptq.data ? <PtqResults ptq={ptq.data} trained={trained} /> : null}
        {has('labgallery') && !has('labptq') && trained && ptq.data ? (
          <DigitGallery ptq={ptq.data} trained={trained} />
        ) : null}
      </ErrorBoundary>
    </section>
  );
}
