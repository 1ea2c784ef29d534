/** Training the float model: its settings, Train / Cancel, progress per epoch and the live loss curve. */
import { LAB_LIMITS, type LabModelSettings } from '../../core/nn/settings';
import { useAppStore } from '../../state/appStore';
import type { LabTrainResult } from '../../worker/labProtocol';
import { ChartCard, LegendItem } from '../ChartCard';
import { NumberField } from '../controls/NumberField';
import { Select } from '../controls/Select';
import { LineChart } from './LabCharts';
import { BUTTON_CLASS, LabSection, PRIMARY_BUTTON_CLASS } from './LabSection';
import { fixed, pct } from './labFormat';
import type { LabRunState } from './useLabRun';

const HIDDEN = [16, 24, 32, 48, 64, 96, 128];

export function TrainingSection({
  run,
  onTrain,
  onCancel,
}: {
  run: LabRunState<LabTrainResult>;
  onTrain(): void;
  onCancel(): void;
}) {
  const model = useAppStore((s) => s.lab.model);
  const patch = useAppStore((s) => s.patchLabModel);
  const live =
    run.status === 'running'
      ? run.epochs
      : (run.result?.history.map((h) => ({ ...h, epochs: model.epochs })) ?? []);
  const last = live.at(-1);
  const running = run.status === 'running';
  const result = run.result;
  const xs = live.map((e) => e.epoch);
  const set = (p: Partial<LabModelSettings>) => patch(p);
  return (
    <LabSection
      id="lab-training"
      title="1 · Train the float model"
      intro={
        <>
          An MLP 64 → {model.hidden}
          {model.hidden2 > 0 ? ` → ${model.hidden2}` : ''} → 10 (ReLU, softmax cross-entropy, Adam,
          mini-batches, seeded initialisation and batch order) on the UCI handwritten digits (1,797 images of
          8×8 pixels, CC BY 4.0), split 80/20 by class with the same seed on every machine. It trains in the
          engine's worker; changing a setting trains again.
        </>
      }
      actions={
        <span className="flex items-center gap-2">
          <button type="button" className={PRIMARY_BUTTON_CLASS} onClick={onTrain} data-testid="lab-train">
            {running ? 'Restart training' : 'Train'}
          </button>
          <button
            type="button"
            className={BUTTON_CLASS}
            onClick={onCancel}
            disabled={!running}
            data-testid="lab-cancel"
          >
            Cancel
          </button>
        </span>
      }
    >
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
        <Select
          label="Hidden units"
          value={String(model.hidden)}
          options={HIDDEN.map((h) => ({ value: String(h), label: String(h) }))}
          onChange={(v) => set({ hidden: Number(v) })}
          testId="lab-hidden"
        />
        <Select
          label="Second hidden layer"
          value={String(model.hidden2)}
          options={[
            { value: '0', label: 'none' },
            ...[16, 32, 64].map((h) => ({ value: String(h), label: `${h} units` })),
          ]}
          onChange={(v) => set({ hidden2: Number(v) })}
          testId="lab-hidden2"
        />
        <NumberField
          label="Epochs"
          value={model.epochs}
          integer
          min={LAB_LIMITS.epochs[0]}
          max={LAB_LIMITS.epochs[1]}
          onCommit={(epochs) => set({ epochs })}
          testId="lab-epochs"
        />
        <NumberField
          label="Learning rate"
          value={model.learningRate}
          min={LAB_LIMITS.learningRate[0]}
          max={LAB_LIMITS.learningRate[1]}
          onCommit={(learningRate) => set({ learningRate })}
          testId="lab-lr"
        />
        <NumberField
          label="Batch size"
          value={model.batchSize}
          integer
          min={LAB_LIMITS.batchSize[0]}
          max={LAB_LIMITS.batchSize[1]}
          onCommit={(batchSize) => set({ batchSize })}
          testId="lab-batch"
        />
        <NumberField
          label="Seed"
          value={model.seed}
          integer
          min={0}
          max={2 ** 31 - 1}
          onCommit={(seed) => set({ seed })}
          testId="lab-seed"
        />
      </div>
      <p
        className="text-sm"
        role="status"
        aria-live="polite"
        data-testid="lab-train-status"
        data-status={run.status}
      >
        {running
          ? `Training… epoch ${last?.epoch ?? 0} of ${model.epochs}${last ? `: loss ${fixed(last.loss)}, test accuracy ${pct(last.testAccuracy)}` : ''}`
          : run.status === 'cancelled'
            ? 'Training cancelled. Train again to continue; the results below are from the last complete model.'
            : run.status === 'error'
              ? `Training failed: ${run.error}`
              : result
                ? `Trained ${result.history.length} epochs on ${result.trainSize} images${result.trainMs > 0 ? ` in ${Math.round(result.trainMs)} ms` : ''}.`
                : 'Not trained yet.'}
        {result ? (
          <>
            {' '}
            Float model:{' '}
            <strong data-testid="lab-float-accuracy" data-value={result.float.accuracy}>
              {pct(result.float.accuracy)}
            </strong>{' '}
            test accuracy, loss {fixed(result.float.loss)}.
          </>
        ) : null}
      </p>
      {xs.length > 0 ? (
        <ChartCard
          title="Loss per epoch"
          testId="lab-loss-chart"
          legend={
            <>
              <LegendItem color="var(--color-original)" kind="line">
                training loss
              </LegendItem>
              <LegendItem color="var(--color-dequantized)" kind="dashed">
                test loss
              </LegendItem>
            </>
          }
          exportAs={{
            name: 'lab-loss',
            title: 'Model lab: training and test loss per epoch',
            data: () => ({
              name: 'lab-loss',
              columns: ['epoch', 'train_loss', 'train_accuracy', 'test_loss', 'test_accuracy'],
              rows: live.map((e) => [e.epoch, e.loss, e.trainAccuracy, e.testLoss, e.testAccuracy]),
              meta: { ...model },
            }),
          }}
        >
          <LineChart
            xs={xs}
            xTitle="epoch"
            yTitle="cross-entropy"
            label={`Loss per epoch over ${xs.length} epochs`}
            series={[
              { label: 'training loss', color: 'var(--color-original)', values: live.map((e) => e.loss) },
              {
                label: 'test loss',
                color: 'var(--color-dequantized)',
                values: live.map((e) => e.testLoss),
                dashed: true,
              },
            ]}
            height={180}
          />
        </ChartCard>
      ) : null}
    </LabSection>
  );
}
