/**
 * QAT with the straight-through estimator: fine-tune the float model (or train from scratch) with fake-quantized
 * weights, accuracy per epoch next to PTQ's, and fc1's weight histogram before and after with the grid.
 */
import type { QatResult } from '../../core/nn/lab';
import { LAB_LIMITS } from '../../core/nn/settings';
import { useAppStore } from '../../state/appStore';
import { ChartCard, LegendItem } from '../ChartCard';
import { NumberField } from '../controls/NumberField';
import { SegmentedControl } from '../controls/SegmentedControl';
import { LineChart, MarkedHistogram } from './LabCharts';
import { BUTTON_CLASS, LabSection, PRIMARY_BUTTON_CLASS } from './LabSection';
import { MODEL_COLORS, pct } from './labFormat';
import type { LabRunState } from './useLabRun';

export function QatSection({
  run,
  onRun,
  onCancel,
  ptqAccuracy,
  floatAccuracy,
  ready,
}: {
  run: LabRunState<QatResult>;
  onRun(): void;
  onCancel(): void;
  ptqAccuracy: number | undefined;
  floatAccuracy: number | undefined;
  ready: boolean;
}) {
  const qat = useAppStore((s) => s.lab.qat);
  const patch = useAppStore((s) => s.patchLabQat);
  const running = run.status === 'running';
  const result = run.result;
  const epochs = running ? run.epochs : (result?.epochs ?? []);
  const start = result && !running ? result.startAccuracy : undefined;
  const xs = [0, ...epochs.map((e) => e.epoch)];
  const values = [
    start ?? (qat.start === 'float' ? ptqAccuracy : Number.NaN) ?? Number.NaN,
    ...epochs.map((e) => e.testAccuracy),
  ];
  return (
    <LabSection
      id="lab-qat"
      title="4 · Quantization-aware training (straight-through estimator)"
      intro="The forward pass uses the fake-quantized weights dequant(quant(W)) (the engine's quantize at every step); the backward pass treats quantize as the identity and applies ∂L/∂Ŵ to the float weights W."
      actions={
        <span className="flex items-center gap-2">
          <button
            type="button"
            className={PRIMARY_BUTTON_CLASS}
            onClick={onRun}
            disabled={!ready}
            data-testid="lab-qat-run"
          >
            Run QAT
          </button>
          <button
            type="button"
            className={BUTTON_CLASS}
            onClick={onCancel}
            disabled={!running}
            data-testid="lab-qat-cancel"
          >
            Cancel
          </button>
        </span>
      }
    >
      <div className="flex flex-wrap items-end gap-4">
        <SegmentedControl
          label="Scheme to train for"
          value={qat.scheme}
          segments={[
            { value: 'a', label: 'Scheme A' },
            { value: 'b', label: 'Scheme B' },
          ]}
          onChange={(scheme) => patch({ scheme })}
          testId="lab-qat-scheme"
        />
        <NumberField
          label="QAT epochs"
          value={qat.epochs}
          integer
          min={LAB_LIMITS.qatEpochs[0]}
          max={LAB_LIMITS.qatEpochs[1]}
          onCommit={(epochs) => patch({ epochs })}
          testId="lab-qat-epochs"
          className="w-28"
        />
        <NumberField
          label="Learning rate"
          value={qat.learningRate}
          min={LAB_LIMITS.learningRate[0]}
          max={LAB_LIMITS.learningRate[1]}
          onCommit={(learningRate) => patch({ learningRate })}
          testId="lab-qat-lr"
          className="w-28"
        />
        <SegmentedControl
          label="Straight-through estimator"
          value={qat.ste}
          segments={[
            {
              value: 'plain',
              label: 'STE',
              title: 'The gradient passes through quantize unchanged, everywhere.',
            },
            {
              value: 'clipped',
              label: 'clipped STE',
              title:
                'The gradient is zero where W lies outside its clipping range (differs from STE when the scheme clips).',
            },
          ]}
          onChange={(ste) => patch({ ste })}
          testId="lab-qat-ste"
        />
        <SegmentedControl
          label="Start from"
          value={qat.start}
          segments={[
            { value: 'float', label: 'trained float model', title: 'Fine-tune the trained float model.' },
            {
              value: 'scratch',
              label: 'from scratch',
              title: 'Train from the random initialisation with fake quantization throughout.',
            },
          ]}
          onChange={(start) => patch({ start })}
          testId="lab-qat-start"
        />
      </div>
      <ul className="list-disc pl-5 text-xs text-slate-600 dark:text-slate-300">
        <li>
          STE: ∂L/∂W := ∂L/∂Ŵ everywhere. Clipped STE: zero where W lies outside its group's clipping range
          [lo, hi] (only differs when the scheme clips: percentile, MSE-optimal, KL, OCTAV, manual).
        </li>
        <li>
          From scratch: the random initialisation is trained with fake quantization from the first step, for
          the QAT epochs only.
        </li>
      </ul>
      <p
        className="text-sm"
        role="status"
        aria-live="polite"
        data-testid="lab-qat-status"
        data-status={run.status}
      >
        {running ? (
          `QAT… epoch ${epochs.at(-1)?.epoch ?? 0} of ${qat.epochs}`
        ) : run.status === 'cancelled' ? (
          'QAT cancelled.'
        ) : run.status === 'error' ? (
          `QAT failed: ${run.error}`
        ) : result ? (
          <>
            Scheme {qat.scheme.toUpperCase()}: PTQ {pct(result.startAccuracy)} →{' '}
            <strong
              data-testid="lab-qat-final"
              data-value={result.final.accuracy}
              data-start={result.startAccuracy}
            >
              {pct(result.final.accuracy)}
            </strong>{' '}
            after {result.epochs.length} QAT epochs.
          </>
        ) : ready ? (
          'Choose a scheme and run QAT.'
        ) : (
          'Train the model first.'
        )}
      </p>
      {xs.length > 1 ? (
        <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
          <ChartCard
            title="Test accuracy of the quantized model per QAT epoch"
            testId="lab-qat-chart"
            legend={
              <>
                <LegendItem color={MODEL_COLORS[qat.scheme]} kind="line">
                  QAT (epoch 0 = PTQ)
                </LegendItem>
                <LegendItem color={MODEL_COLORS.float} kind="dashed">
                  float
                </LegendItem>
              </>
            }
            exportAs={{
              name: 'lab-qat',
              title: 'Model lab: QAT accuracy per epoch',
              data: () => ({
                name: 'lab-qat',
                columns: ['epoch', 'test_accuracy', 'train_loss'],
                rows: xs.map((x, i) => [x, values[i], i === 0 ? null : epochs[i - 1].loss]),
                meta: { scheme: qat.scheme, ste: qat.ste, start: qat.start },
              }),
            }}
          >
            <LineChart
              xs={xs}
              xTitle="QAT epoch"
              yTitle="test accuracy"
              percent
              yDomain={[0, 1]}
              label={`QAT accuracy per epoch: ${values.map(pct).join(', ')}`}
              series={[{ label: 'QAT', color: MODEL_COLORS[qat.scheme], values }]}
              references={
                floatAccuracy === undefined
                  ? []
                  : [{ label: 'float', color: MODEL_COLORS.float, value: floatAccuracy }]
              }
            />
          </ChartCard>
          {result && !running ? (
            <ChartCard
              title={`Weights before and after QAT (${result.histogram.label}) with the grid`}
              testId="lab-qat-histogram"
              legend={
                <>
                  <LegendItem color="var(--color-original)">before</LegendItem>
                  <LegendItem color="var(--color-dequantized)">after</LegendItem>
                  <LegendItem color="var(--color-grid-level)" kind="tick">
                    grid after QAT
                  </LegendItem>
                </>
              }
              note="After QAT the float weights gather at the grid's levels: the quantized model is the one that was trained."
              exportAs={{
                name: 'lab-qat-weights',
                title: 'Model lab: weights before and after QAT',
                data: () => ({
                  name: 'lab-qat-weights',
                  columns: ['bin_lo', 'bin_hi', 'before', 'after'],
                  rows: Array.from(result.histogram.before, (c, i) => [
                    result.histogram.edges[i],
                    result.histogram.edges[i + 1],
                    c,
                    result.histogram.after[i],
                  ]),
                  meta: { levels_after: Array.from(result.histogram.levelsAfter).join(' ') },
                }),
              }}
            >
              <MarkedHistogram
                edges={result.histogram.edges}
                sets={[
                  { label: 'before', color: 'var(--color-original)', counts: result.histogram.before },
                  { label: 'after', color: 'var(--color-dequantized)', counts: result.histogram.after },
                ]}
                markers={
                  result.histogram.levelsAfter.length <= 64
                    ? Array.from(result.histogram.levelsAfter, (v) => ({
                        value: v,
                        color: 'var(--color-grid-level)',
                      }))
                    : []
                }
                xTitle="weight"
                label="Histogram of fc1's weights before and after QAT with the quantization grid"
              />
            </ChartCard>
          ) : null}
        </div>
      ) : null}
    </LabSection>
  );
}
