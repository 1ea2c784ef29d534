/** Static against dynamic quantization of the hidden activations, with the calibrated range on their histogram. */
import type { ActivationResult } from '../../core/nn/lab';
import { LAB_LIMITS } from '../../core/nn/settings';
import { useAppStore } from '../../state/appStore';
import { ChartCard, LegendItem } from '../ChartCard';
import { NumberField } from '../controls/NumberField';
import { SegmentedControl } from '../controls/SegmentedControl';
import { Select } from '../controls/Select';
import { MarkedHistogram } from './LabCharts';
import { LabSection } from './LabSection';
import { fixed, pct } from './labFormat';

export function ActivationsSection({
  result,
  pending,
  error,
}: {
  result: ActivationResult | undefined;
  pending: boolean;
  error: string | null;
}) {
  const act = useAppStore((s) => s.lab.activations);
  const patch = useAppStore((s) => s.patchLabActivations);
  const rows = result
    ? ([
        ['Float activations', result.baseline],
        ['Dynamic (range of each input)', result.dynamic],
        [
          `Static (${act.calibration === 'minmax' ? 'min–max' : act.calibration === 'percentile' ? `${act.percentile}th percentile` : 'moving average'} on ${act.samples} images)`,
          result.static,
        ],
      ] as const)
    : [];
  return (
    <LabSection
      id="lab-activations"
      title="5 · Activations: static against dynamic quantization"
      intro="The hidden activations (after ReLU) are quantized too. Dynamic: the range is measured on each input at inference. Static: one range per layer is calibrated beforehand on N training images, as post-training static quantization does with an observer."
    >
      <div className="flex flex-wrap items-end gap-4">
        <SegmentedControl
          label="Activation bits"
          value={String(act.bits)}
          segments={[
            { value: '8', label: 'int8' },
            { value: '4', label: 'int4' },
          ]}
          onChange={(v) => patch({ bits: Number(v) })}
          testId="lab-act-bits"
        />
        <SegmentedControl
          label="Method"
          value={act.method}
          segments={[
            { value: 'absmax', label: 'absmax' },
            { value: 'zeroPoint', label: 'zero-point' },
          ]}
          onChange={(method) => patch({ method })}
          testId="lab-act-method"
        />
        <Select
          label="Calibration (static)"
          value={act.calibration}
          options={[
            { value: 'minmax', label: 'min–max' },
            { value: 'percentile', label: 'percentile' },
            { value: 'ema', label: 'moving average of min/max' },
          ]}
          onChange={(calibration) => patch({ calibration })}
          testId="lab-act-calibration"
        />
        <NumberField
          label="Calibration images"
          value={act.samples}
          integer
          min={LAB_LIMITS.samples[0]}
          max={LAB_LIMITS.samples[1]}
          onCommit={(samples) => patch({ samples })}
          className="w-32"
          testId="lab-act-samples"
        />
        {act.calibration === 'percentile' ? (
          <NumberField
            label="Percentile"
            value={act.percentile}
            min={LAB_LIMITS.percentile[0]}
            max={LAB_LIMITS.percentile[1]}
            onCommit={(percentile) => patch({ percentile })}
            className="w-28"
          />
        ) : null}
        {act.calibration === 'ema' ? (
          <NumberField
            label="Averaging constant"
            value={act.averagingConstant}
            min={LAB_LIMITS.averagingConstant[0]}
            max={LAB_LIMITS.averagingConstant[1]}
            onCommit={(averagingConstant) => patch({ averagingConstant })}
            className="w-32"
            hint="batches of 16; PyTorch's default 0.01 is meant for thousands of batches"
          />
        ) : null}
        <SegmentedControl
          label="Weights"
          value={act.weights}
          segments={[
            { value: 'float', label: 'float weights' },
            { value: 'a', label: 'scheme A weights' },
          ]}
          onChange={(weights) => patch({ weights })}
          testId="lab-act-weights"
        />
      </div>
      {error ? (
        <p role="alert" className="text-sm text-[var(--color-error-text)]">
          {error}
        </p>
      ) : null}
      {result ? (
        <div className="grid grid-cols-1 gap-4 lg:grid-cols-[minmax(0,22rem)_minmax(0,1fr)]">
          <table className="text-sm tabular-nums" data-testid="lab-act-table">
            <thead>
              <tr className="text-left text-slate-600 dark:text-slate-300">
                <th className="py-1 pr-3 font-medium">Activations</th>
                <th className="py-1 pr-3 font-medium">Test accuracy</th>
                <th className="py-1 pr-3 font-medium">Loss</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(([label, r]) => (
                <tr key={label} className="border-t border-slate-200 dark:border-slate-700">
                  <th scope="row" className="py-1 pr-3 text-left font-medium">
                    {label}
                  </th>
                  <td className="py-1 pr-3" data-value={r.accuracy}>
                    {pct(r.accuracy)}
                  </td>
                  <td className="py-1 pr-3">{fixed(r.loss)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <td colSpan={3} className="pt-2 text-xs text-slate-600 dark:text-slate-300">
                  Calibrated range of fc1: [{fixed(result.ranges[0][0])}, {fixed(result.ranges[0][1])}];{' '}
                  {pct(result.clippedFraction)} of the test activations fall outside it (clipped by static
                  quantization).
                </td>
              </tr>
            </tfoot>
          </table>
          <ChartCard
            title={`Activations of ${result.histogram.layer} with the calibrated range`}
            testId="lab-act-histogram"
            legend={
              <>
                <LegendItem color="var(--color-original)">activations</LegendItem>
                <LegendItem color="var(--color-clip)" kind="dashed">
                  calibrated range (static)
                </LegendItem>
              </>
            }
            exportAs={{
              name: 'lab-activations',
              title: 'Model lab: hidden activations and the calibrated range',
              data: () => ({
                name: 'lab-activations',
                columns: ['bin_lo', 'bin_hi', 'count'],
                rows: Array.from(result.histogram.counts, (c, i) => [
                  result.histogram.edges[i],
                  result.histogram.edges[i + 1],
                  c,
                ]),
                meta: {
                  range_lo: result.ranges[0][0],
                  range_hi: result.ranges[0][1],
                  dynamic: result.dynamic.accuracy,
                  static: result.static.accuracy,
                },
              }),
            }}
          >
            <MarkedHistogram
              edges={result.histogram.edges}
              sets={[
                { label: 'activations', color: 'var(--color-original)', counts: result.histogram.counts },
              ]}
              markers={result.ranges[0].map((v) => ({ value: v, color: 'var(--color-clip)', dashed: true }))}
              xTitle="activation after ReLU"
              label="Histogram of the first hidden layer's activations with the calibrated range"
            />
          </ChartCard>
        </div>
      ) : (
        <p className="text-sm text-slate-500 dark:text-slate-400">
          {pending ? 'Calibrating…' : 'Train the model first.'}
        </p>
      )}
    </LabSection>
  );
}
