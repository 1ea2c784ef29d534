/** Accuracy against bits, 2..8: absmax against zero-point at one granularity, or A's family against B's. */
import type { BitsSweep } from '../../core/nn/lab';
import type { Granularity } from '../../core/scheme';
import { useAppStore } from '../../state/appStore';
import { ChartCard, LegendItem } from '../ChartCard';
import { SegmentedControl } from '../controls/SegmentedControl';
import { LineChart } from './LabCharts';
import { LabSection } from './LabSection';
import { MODEL_COLORS, pct } from './labFormat';

const SERIES_COLORS = ['var(--color-family-absmax)', 'var(--color-dequantized)'];

export function SweepSection({
  sweep,
  pending,
  error,
}: {
  sweep: BitsSweep | undefined;
  pending: boolean;
  error: string | null;
}) {
  const settings = useAppStore((s) => s.lab.sweep);
  const patch = useAppStore((s) => s.patchLabSweep);
  const g = settings.granularity;
  return (
    <LabSection
      id="lab-sweep"
      title="3 · Accuracy against bits"
      intro="PTQ of every weight matrix from 8 bits down to 2, rounding half to even, no clipping: both methods hold at 8 and 4 bits; at 2 bits per tensor zero-point, whose grid follows [min, max] instead of ±max|w|, keeps more of its four levels in use."
    >
      <div className="flex flex-wrap items-end gap-4">
        <SegmentedControl
          label="Series"
          value={settings.mode}
          segments={[
            { value: 'methods', label: 'absmax vs zero-point' },
            { value: 'schemes', label: "A's family vs B's" },
          ]}
          onChange={(mode) => patch({ mode })}
          testId="lab-sweep-mode"
        />
        <SegmentedControl
          label="Granularity"
          value={g.kind}
          segments={[
            { value: 'tensor', label: 'per tensor' },
            { value: 'row', label: 'per output channel' },
            { value: 'group', label: 'groups of 16' },
          ]}
          onChange={(kind) =>
            patch({ granularity: (kind === 'group' ? { kind, size: 16 } : { kind }) as Granularity })
          }
          testId="lab-sweep-granularity"
        />
      </div>
      {error ? (
        <p role="alert" className="text-sm text-[var(--color-error-text)]">
          {error}
        </p>
      ) : null}
      {sweep ? (
        <AccuracyBitsChart sweep={sweep} />
      ) : (
        <p className="text-sm text-slate-500 dark:text-slate-400">
          {pending ? 'Sweeping 2..8 bits…' : 'Train the model first.'}
        </p>
      )}
    </LabSection>
  );
}

/** The chart alone (the lab's section and its embed). */
export function AccuracyBitsChart({ sweep }: { sweep: BitsSweep }) {
  return (
    <ChartCard
      title="Test accuracy against bits per weight"
      testId="lab-bits-chart"
      legend={
        <>
          {sweep.series.map((s, i) => (
            <LegendItem key={s.label} color={SERIES_COLORS[i]} kind="line">
              {s.label}
            </LegendItem>
          ))}
          <LegendItem color={MODEL_COLORS.float} kind="dashed">
            float ({pct(sweep.floatAccuracy)})
          </LegendItem>
        </>
      }
      note={sweep.notes.join(' ') || undefined}
      exportAs={{
        name: 'lab-accuracy-bits',
        title: 'Model lab: test accuracy against bits',
        data: () => ({
          name: 'lab-accuracy-bits',
          columns: ['bits', ...sweep.series.map((s) => s.label)],
          rows: sweep.bits.map((b, i) => [b, ...sweep.series.map((s) => s.accuracy[i])]),
          meta: { float_accuracy: sweep.floatAccuracy },
        }),
      }}
    >
      <div data-testid="lab-bits-values" data-values={JSON.stringify(sweep.series.map((s) => s.accuracy))}>
        <LineChart
          xs={sweep.bits}
          xTicks={sweep.bits}
          xTitle="bits"
          yTitle="test accuracy"
          percent
          yDomain={[0, 1]}
          label={`Test accuracy against bits: ${sweep.series.map((s) => `${s.label} ${s.accuracy.map(pct).join(', ')}`).join('; ')}`}
          series={sweep.series.map((s, i) => ({
            label: s.label,
            color: SERIES_COLORS[i],
            values: s.accuracy,
          }))}
          references={[{ label: 'float', color: MODEL_COLORS.float, value: sweep.floatAccuracy }]}
          height={240}
        />
      </div>
    </ChartCard>
  );
}
