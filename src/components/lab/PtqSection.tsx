/**
 * PTQ with the explorer's schemes A and B: the schemes' controls (the same store fields as the explorer's panels),
 * float vs A vs B (accuracy, loss, per-layer weight SQNR, bits per weight), a confusion matrix each, and the
 * gallery of test digits.
 */
import { useMemo, useState } from 'react';
import type { PtqComparison } from '../../core/nn/lab';
import { useAppStore } from '../../state/appStore';
import type { LabTrainResult } from '../../worker/labProtocol';
import { ChartCard, LegendItem } from '../ChartCard';
import { ExportMenu } from '../export/ExportMenu';
import { SchemeControls } from '../SchemeControls';
import { ConfusionMatrix, DigitImage, ProbabilityBars } from './LabCharts';
import { LabSection } from './LabSection';
import { db, fixed, MODEL_COLORS, pct } from './labFormat';

const MODELS = [
  { id: 'float', label: 'Float' },
  { id: 'a', label: 'Scheme A' },
  { id: 'b', label: 'Scheme B' },
] as const;

export function PtqSection({
  ptq,
  trained,
  error,
  pending,
}: {
  ptq: PtqComparison | undefined;
  trained: LabTrainResult | null;
  error: string | null;
  pending: boolean;
}) {
  const schemes = useAppStore((s) => s.schemes);
  const biases = useAppStore((s) => s.lab.biases);
  const setBiases = useAppStore((s) => s.setLabBiases);
  return (
    <LabSection
      id="lab-ptq"
      title="2 · Post-training quantization: float vs A vs B"
      intro="Every weight matrix ([out, in], rows = output channels) is quantized and dequantized by the engine's own quantize, the code the explorer's charts use; biases stay float32 unless you tick the box. Schemes A and B are the explorer's: changing them here changes them there."
    >
      <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
        {(['a', 'b'] as const).map((c) => (
          <div key={c} className="rounded-md border border-slate-200 p-3 dark:border-slate-700">
            <h3 className="mb-2 text-sm font-semibold" style={{ color: MODEL_COLORS[c] }}>
              Scheme {c.toUpperCase()}
            </h3>
            <SchemeControls
              channel={c}
              label={`Scheme ${c.toUpperCase()}`}
              scheme={schemes[c]}
              view={undefined}
              dataset={undefined}
              error={null}
            />
          </div>
        ))}
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={biases}
          onChange={(e) => setBiases(e.target.checked)}
          data-testid="lab-biases"
        />
        Quantize the biases too (each bias vector as a 1 × n tensor with the same scheme)
      </label>
      {error ? (
        <p role="alert" className="text-sm text-[var(--color-error-text)]" data-testid="lab-ptq-error">
          {error}
        </p>
      ) : null}
      {ptq && trained ? (
        <PtqResults ptq={ptq} trained={trained} />
      ) : (
        <p className="text-sm text-slate-500 dark:text-slate-400">
          {pending ? 'Quantizing…' : 'Train the model first.'}
        </p>
      )}
    </LabSection>
  );
}

export function PtqResults({ ptq, trained }: { ptq: PtqComparison; trained: LabTrainResult }) {
  const table = () => ({
    name: 'lab-ptq',
    columns: ['model', 'test_accuracy', 'test_loss', 'fc1_sqnr_db', 'fc2_sqnr_db', 'fc1_bits_per_weight'],
    rows: MODELS.map((m) => {
      const r = ptq[m.id];
      return [
        m.label,
        r.accuracy,
        r.loss,
        r.layers?.[0]?.sqnrDb ?? null,
        r.layers?.[1]?.sqnrDb ?? null,
        r.layers?.[0]?.bitsPerWeight ?? 32,
      ];
    }),
    meta: { test_images: trained.testLabels.length },
  });
  const layerNames = ptq.a.layers?.map((l) => l.name) ?? [];
  return (
    <>
      <div className="overflow-x-auto">
        <div className="mb-1 flex justify-end">
          <ExportMenu
            name="lab-ptq"
            title="Model lab: float vs A vs B"
            data={table}
            testId="export-lab-ptq"
          />
        </div>
        <table className="w-full min-w-[32rem] text-sm tabular-nums" data-testid="lab-ptq-table">
          <thead>
            <tr className="text-left text-slate-600 dark:text-slate-300">
              <th className="py-1 pr-3 font-medium">Model</th>
              <th className="py-1 pr-3 font-medium">Test accuracy</th>
              <th className="py-1 pr-3 font-medium">Test loss</th>
              {layerNames.map((n) => (
                <th key={n} className="py-1 pr-3 font-medium">
                  {n} weight SQNR
                </th>
              ))}
              <th className="py-1 pr-3 font-medium">Bits per weight (fc1)</th>
            </tr>
          </thead>
          <tbody>
            {MODELS.map((m) => {
              const r = ptq[m.id];
              return (
                <tr key={m.id} className="border-t border-slate-200 dark:border-slate-700">
                  <th
                    scope="row"
                    className="py-1 pr-3 text-left font-medium"
                    style={{ color: MODEL_COLORS[m.id] }}
                  >
                    {m.label}
                  </th>
                  <td className="py-1 pr-3" data-testid={`lab-acc-${m.id}`} data-value={r.accuracy}>
                    {pct(r.accuracy)}
                  </td>
                  <td className="py-1 pr-3">{fixed(r.loss)}</td>
                  {layerNames.map((n, i) => (
                    <td key={n} className="py-1 pr-3">
                      {r.layers ? db(r.layers[i]?.sqnrDb) : '—'}
                    </td>
                  ))}
                  <td className="py-1 pr-3">
                    {r.layers ? fixed(r.layers[0]?.bitsPerWeight, 3) : '32 (float32)'}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="grid grid-cols-1 gap-3 sm:grid-cols-2 xl:grid-cols-3">
        {MODELS.map((m) => (
          <ChartCard
            key={m.id}
            title={`${m.label}: confusion (${pct(ptq[m.id].accuracy)})`}
            testId={`lab-confusion-${m.id}`}
            note="Rows: true class; columns: predicted. Off-diagonal cells are mistakes."
            exportAs={{
              name: `lab-confusion-${m.id}`,
              title: `Model lab: confusion matrix, ${m.label}`,
              data: () => ({
                name: `lab-confusion-${m.id}`,
                columns: ['true', ...Array.from({ length: 10 }, (_, p) => `pred_${p}`)],
                rows: Array.from({ length: 10 }, (_, t) => [
                  t,
                  ...Array.from(ptq[m.id].confusion.subarray(t * 10, t * 10 + 10)),
                ]),
                meta: { model: m.label },
              }),
            }}
          >
            <ConfusionMatrix confusion={ptq[m.id].confusion} title={m.label} />
          </ChartCard>
        ))}
      </div>
      <DigitGallery ptq={ptq} trained={trained} />
    </>
  );
}

const PAGE = 48;

export function DigitGallery({ ptq, trained }: { ptq: PtqComparison; trained: LabTrainResult }) {
  const [filter, setFilter] = useState<'flipped' | 'all'>('flipped');
  const [selected, setSelected] = useState<number | null>(null);
  const n = trained.testLabels.length;
  const flipped = useMemo(() => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const y = trained.testLabels[i];
      if (ptq.float.predictions[i] === y && (ptq.a.predictions[i] !== y || ptq.b.predictions[i] !== y))
        out.push(i);
    }
    return out;
  }, [ptq, trained, n]);
  const shown = (filter === 'flipped' ? flipped : Array.from({ length: n }, (_, i) => i)).slice(0, PAGE);
  const pick = selected ?? shown[0] ?? null;
  return (
    <ChartCard
      title="Test digits and the three models' predictions"
      testId="lab-gallery"
      actions={
        <select
          aria-label="Which digits"
          className="rounded border border-slate-300 bg-white px-1 py-0.5 text-xs dark:border-slate-600 dark:bg-slate-800"
          value={filter}
          onChange={(e) => setFilter(e.target.value as 'flipped' | 'all')}
          data-testid="lab-gallery-filter"
        >
          <option value="flipped">A or B wrong, float right ({flipped.length})</option>
          <option value="all">all test digits (first {PAGE})</option>
        </select>
      }
      note="Each digit shows its label and the predictions of float / A / B; a ring marks the ones A or B gets wrong while float gets right. Click (or Enter on) a digit for its class probabilities."
      exportAs={{
        name: 'lab-gallery',
        title: 'Model lab: test digits and predictions',
        data: () => ({
          name: 'lab-gallery',
          columns: ['test_index', 'label', 'float', 'a', 'b', 'flipped'],
          rows: Array.from({ length: n }, (_, i) => [
            i,
            trained.testLabels[i],
            ptq.float.predictions[i],
            ptq.a.predictions[i],
            ptq.b.predictions[i],
            flipped.includes(i) ? 1 : 0,
          ]),
          meta: {},
        }),
      }}
    >
      {shown.length === 0 ? (
        <p className="text-sm text-slate-500 dark:text-slate-400">
          No digit is lost by A or B while float gets it right: the schemes keep every correct prediction.
        </p>
      ) : (
        <div className="flex flex-wrap gap-1.5">
          {shown.map((i) => {
            const y = trained.testLabels[i];
            const isFlipped =
              ptq.float.predictions[i] === y && (ptq.a.predictions[i] !== y || ptq.b.predictions[i] !== y);
            const mark = (p: number) => (p === y ? '' : 'text-[var(--color-error-text)] font-semibold');
            return (
              <button
                type="button"
                key={i}
                onClick={() => setSelected(i)}
                aria-pressed={pick === i}
                className={`flex flex-col items-center rounded border p-1 text-[10px] leading-tight tabular-nums focus-visible:outline-2 focus-visible:outline-[var(--color-focus)] ${
                  pick === i
                    ? 'border-[var(--color-original)] bg-slate-100 dark:bg-slate-800'
                    : 'border-slate-200 dark:border-slate-700'
                } ${isFlipped ? 'ring-2 ring-[var(--color-error)]' : ''}`}
                data-testid="lab-digit"
              >
                <DigitImage pixels={trained.testImages.subarray(i * 64, i * 64 + 64)} />
                {/* The name is the visible text with the words a sighted reader gets from the layout, so a voice
                    user can say what they see ("label 3") and a screen reader hears which model predicted what. */}
                <span>
                  <span className="sr-only">Test digit {i}, </span>label {y}
                </span>
                <span>
                  <span className="sr-only">, predicted by float </span>
                  <span className={mark(ptq.float.predictions[i])}>{ptq.float.predictions[i]}</span>/
                  <span className="sr-only"> A </span>
                  <span className={mark(ptq.a.predictions[i])}>{ptq.a.predictions[i]}</span>/
                  <span className="sr-only"> B </span>
                  <span className={mark(ptq.b.predictions[i])}>{ptq.b.predictions[i]}</span>
                </span>
              </button>
            );
          })}
        </div>
      )}
      {pick !== null ? (
        <div className="mt-2" data-testid="lab-probabilities">
          <div className="text-xs text-slate-600 dark:text-slate-300">
            Test digit {pick} (label {trained.testLabels[pick]}): class probabilities of{' '}
            {MODELS.map((m, i) => (
              <span key={m.id} className="mx-1 inline-flex">
                <LegendItem color={MODEL_COLORS[m.id]}>{m.label}</LegendItem>
                {i < 2 ? ',' : ''}
              </span>
            ))}
          </div>
          <ProbabilityBars
            label={trained.testLabels[pick]}
            models={MODELS.map((m) => ({
              label: m.label,
              color: MODEL_COLORS[m.id],
              probabilities: ptq[m.id].probabilities.subarray(pick * 10, pick * 10 + 10),
            }))}
          />
        </div>
      ) : null}
    </ChartCard>
  );
}
