/**
 * The comparison's numbers: perplexity of float32, A and B on the same text (and the tutorial's protocol for
 * reference), KL and top-1 agreement, greedy continuations side by side with the first divergence marked, and
 * the per-layer weight SQNR of A and B.
 */
import type { LmEvaluation, LmModelId } from '../../worker/lmProtocol';
import { ChartCard } from '../ChartCard';
import { MODEL_COLORS } from './TokenLossChart';

const MODELS: readonly LmModelId[] = ['float', 'a', 'b'];
const fmt = (v: number | null, digits = 2) =>
  v === null || Number.isNaN(v) ? '—' : !Number.isFinite(v) ? '∞' : v.toFixed(digits);

export function PerplexityTable({
  evaluation,
  labels,
}: {
  evaluation: LmEvaluation;
  labels: Record<LmModelId, string>;
}) {
  const tokens = evaluation.tokenIds.length;
  return (
    <ChartCard
      title={`Perplexity on the same text (${tokens} tokens, ${tokens - 1} predictions)`}
      testId="lm-perplexity"
      exportAs={{
        name: 'lm-perplexity',
        title: 'Perplexity, KL and top-1 agreement',
        picture: false,
        data: () => ({
          name: 'lm-perplexity',
          columns: [
            'model',
            'perplexity',
            'mean_loss',
            'mean_kl',
            'top1_agreement',
            'tutorial_protocol_perplexity',
          ],
          rows: MODELS.map((m) => {
            const r = evaluation.models[m];
            return [labels[m], r.perplexity, r.meanLoss, r.meanKl, r.top1Agreement, r.ownTextPerplexity];
          }),
          meta: { tokens },
        }),
      }}
      note="Perplexity = exp(mean loss) on one text for all three models: the fair comparison. KL is the mean divergence of each quantized model's next-token distribution from float32's (in nats), top-1 how often its most likely next token is float32's. The last column follows the tutorial's protocol instead: each model scored on its own continuation of the prompt (greedy here, top-k sampling there), so each number is measured on a different text and they do not compare."
    >
      {/* Six columns do not fit a phone: the table scrolls sideways there rather than clip its last column. */}
      <div className="overflow-x-auto">
        <table className="w-full min-w-[34rem] text-sm tabular-nums">
          <thead>
            <tr className="text-left text-xs text-slate-600 dark:text-slate-300">
              <th className="py-1 pr-2 font-medium">Model</th>
              <th className="py-1 pr-2 text-right font-medium">Perplexity</th>
              <th className="py-1 pr-2 text-right font-medium">Δ vs float32</th>
              <th className="py-1 pr-2 text-right font-medium">KL (nats)</th>
              <th className="py-1 pr-2 text-right font-medium">Top-1 agreement</th>
              <th className="py-1 text-right font-medium">Tutorial’s protocol</th>
            </tr>
          </thead>
          <tbody>
            {MODELS.map((m) => {
              const r = evaluation.models[m];
              const delta = m === 'float' ? null : r.perplexity / evaluation.models.float.perplexity - 1;
              return (
                <tr key={m} className="border-t border-slate-200 dark:border-slate-800">
                  <th scope="row" className="py-1 pr-2 text-left font-medium">
                    <span
                      className="mr-1.5 inline-block h-2.5 w-2.5 rounded-full"
                      style={{ background: MODEL_COLORS[m] }}
                    />
                    {labels[m]}
                  </th>
                  <td className="py-1 pr-2 text-right" data-testid={`lm-ppl-${m}`} data-value={r.perplexity}>
                    {fmt(r.perplexity)}
                  </td>
                  <td className="py-1 pr-2 text-right">
                    {delta === null ? '' : `${delta >= 0 ? '+' : ''}${(delta * 100).toFixed(1)} %`}
                  </td>
                  <td className="py-1 pr-2 text-right" data-testid={`lm-kl-${m}`} data-value={r.meanKl ?? ''}>
                    {fmt(r.meanKl, 4)}
                  </td>
                  <td
                    className="py-1 pr-2 text-right"
                    data-testid={`lm-top1-${m}`}
                    data-value={r.top1Agreement ?? ''}
                  >
                    {r.top1Agreement === null ? '—' : `${(r.top1Agreement * 100).toFixed(1)} %`}
                  </td>
                  <td
                    className="py-1 text-right text-slate-500 dark:text-slate-400"
                    data-testid={`lm-own-ppl-${m}`}
                  >
                    {fmt(r.ownTextPerplexity)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </ChartCard>
  );
}

/** Index of the first token where `ids` differs from `reference` (its length when it never does). */
export function firstDivergence(reference: readonly number[], ids: readonly number[]): number {
  let i = 0;
  while (i < ids.length && i < reference.length && ids[i] === reference[i]) i++;
  return i;
}

export function Continuations({
  evaluation,
  labels,
}: {
  evaluation: LmEvaluation;
  labels: Record<LmModelId, string>;
}) {
  const ref = evaluation.models.float.continuationIds;
  return (
    <ChartCard
      title={`Greedy continuations of “${evaluation.promptTokens.join('')}”`}
      testId="lm-continuations"
      note="Each model picks its most likely next token, again and again. Tokens from the first one where a quantized model leaves float32's path are highlighted."
    >
      <div className="grid grid-cols-1 gap-2 lg:grid-cols-3">
        {MODELS.map((m) => {
          const r = evaluation.models[m];
          const from = m === 'float' ? r.continuationIds.length : firstDivergence(ref, r.continuationIds);
          return (
            <div
              key={m}
              className="rounded-md border border-slate-200 p-2 text-sm dark:border-slate-800"
              data-testid={`lm-continuation-${m}`}
            >
              <p className="mb-1 text-xs font-medium" style={{ color: MODEL_COLORS[m] }}>
                {labels[m]}
                {m !== 'float' ? (
                  <span
                    className="ml-1 text-slate-500 dark:text-slate-400"
                    data-testid={`lm-diverge-${m}`}
                    data-value={from}
                  >
                    {from >= r.continuationIds.length
                      ? '· same as float32'
                      : `· diverges at token ${from + 1}`}
                  </span>
                ) : null}
              </p>
              <p className="whitespace-pre-wrap break-words">
                <span className="text-slate-500 dark:text-slate-400">{evaluation.promptTokens.join('')}</span>
                {r.continuation.map((piece, i) => (
                  <span
                    // biome-ignore lint/suspicious/noArrayIndexKey: a token's position is its identity
                    key={i}
                    className={i >= from ? 'rounded-sm bg-amber-100 dark:bg-amber-900/50' : undefined}
                  >
                    {piece}
                  </span>
                ))}
              </p>
            </div>
          );
        })}
      </div>
    </ChartCard>
  );
}

export function LayerSqnr({
  evaluation,
  labels,
}: {
  evaluation: LmEvaluation;
  labels: Record<LmModelId, string>;
}) {
  const a = evaluation.models.a.layers;
  const b = evaluation.models.b.layers;
  const layers = [...new Set([...a, ...b].map((l) => l.layer))].sort((x, y) => x - y);
  const all = [...a, ...b].map((l) => l.sqnrDb).filter(Number.isFinite);
  const max = Math.max(1, ...all);
  const name = (layer: number) => (layer < 0 ? 'embeddings, ln_f' : `block ${layer}`);
  const bar = (value: number | undefined, color: string) => (
    <div className="flex items-center gap-1.5">
      <div className="h-2 flex-1 rounded-sm bg-slate-100 dark:bg-slate-800">
        <div
          className="h-2 rounded-sm"
          style={{
            width: `${value === undefined ? 0 : Number.isFinite(value) ? Math.max(0, (value / max) * 100) : 100}%`,
            background: color,
          }}
        />
      </div>
      <span className="w-14 text-right tabular-nums">
        {value === undefined ? '—' : `${fmt(value, 1)} dB`}
      </span>
    </div>
  );
  return (
    <ChartCard
      title="Weight SQNR per layer (higher is better)"
      testId="lm-layer-sqnr"
      exportAs={{
        name: 'lm-layer-sqnr',
        title: 'Weight SQNR per layer',
        picture: false,
        data: () => ({
          name: 'lm-layer-sqnr',
          columns: ['tensor', 'layer', 'sqnr_db_a', 'sqnr_db_b', 'values'],
          rows: evaluation.models.a.tensors.map((t) => [
            t.name,
            t.layer,
            t.sqnrDb,
            evaluation.models.b.tensors.find((u) => u.name === t.name)?.sqnrDb ?? null,
            t.values,
          ]),
          meta: { scheme_a: labels.a, scheme_b: labels.b },
        }),
      }}
      note="10·log10(Σx² / Σ(x − x̂)²) over the tensors of each layer that were quantized; a layer much lower than its neighbours is where a bad perplexity comes from."
    >
      <table className="w-full text-xs">
        <thead>
          <tr className="text-left text-slate-600 dark:text-slate-300">
            <th className="w-24 py-0.5 font-medium sm:w-32">Layer</th>
            <th className="py-0.5 font-medium" style={{ color: MODEL_COLORS.a }}>
              {labels.a}
            </th>
            <th className="py-0.5 pl-3 font-medium" style={{ color: MODEL_COLORS.b }}>
              {labels.b}
            </th>
          </tr>
        </thead>
        <tbody>
          {layers.map((layer) => (
            <tr key={layer} data-testid={`lm-sqnr-row-${layer}`}>
              <th scope="row" className="py-0.5 text-left font-normal">
                {name(layer)}
              </th>
              <td className="py-0.5">{bar(a.find((l) => l.layer === layer)?.sqnrDb, MODEL_COLORS.a)}</td>
              <td className="py-0.5 pl-3">{bar(b.find((l) => l.layer === layer)?.sqnrDb, MODEL_COLORS.b)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ChartCard>
  );
}
