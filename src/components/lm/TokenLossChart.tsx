/** Per-token loss along the text for float32, A and B, with the tokens written under the axis. */
import { useMemo, useRef } from 'react';
import { layoutTokenLoss } from '../../charts/tokenLoss/tokenLossLayout';
import { useElementWidth } from '../../charts/useChartSize';
import type { LmEvaluation } from '../../worker/lmProtocol';
import { ChartCard, LegendItem } from '../ChartCard';

export const MODEL_COLORS = {
  float: 'var(--color-axis)',
  a: 'var(--color-scheme-a)',
  b: 'var(--color-scheme-b)',
} as const;

export function TokenLossChart({
  evaluation,
  labels,
}: {
  evaluation: LmEvaluation;
  labels: Record<'float' | 'a' | 'b', string>;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const width = useElementWidth(ref, 640);
  const layout = useMemo(
    () =>
      layoutTokenLoss(
        evaluation.tokens,
        (['float', 'a', 'b'] as const).map((id) => ({
          id,
          label: labels[id],
          losses: evaluation.models[id].tokenLosses,
        })),
        Math.max(320, width),
      ),
    [evaluation, labels, width],
  );
  const exportData = () => ({
    name: 'token-loss',
    columns: ['position', 'token', 'loss_float32', 'loss_a', 'loss_b', 'kl_a', 'kl_b'],
    rows: evaluation.tokens
      .slice(1)
      .map((token, i) => [
        i + 1,
        token,
        evaluation.models.float.tokenLosses[i],
        evaluation.models.a.tokenLosses[i],
        evaluation.models.b.tokenLosses[i],
        evaluation.models.a.klPerToken?.[i] ?? null,
        evaluation.models.b.klPerToken?.[i] ?? null,
      ]),
    meta: { scheme_a: labels.a, scheme_b: labels.b, unit: 'nats' },
  });
  return (
    <ChartCard
      title="Loss of each token (nats): −log p(token | the tokens before it)"
      testId="lm-token-loss"
      exportAs={{ name: 'token-loss', title: 'Per-token loss', data: exportData }}
      // LegendItem entries: the picture export (chartImage.ts) draws the legend from them.
      legend={
        <>
          {(['float', 'a', 'b'] as const).map((id) => (
            <LegendItem key={id} color={MODEL_COLORS[id]} kind={id === 'float' ? 'dashed' : 'line'}>
              {labels[id]}
            </LegendItem>
          ))}
          {layout.worst !== null ? (
            <LegendItem color={MODEL_COLORS.b} kind="fill">
              largest rise of B over float32
            </LegendItem>
          ) : null}
        </>
      }
      note="Each point is the loss of a token given the text before it, so the first token has none. Where a line rises above the float32 line, quantization made that word harder to predict; the shaded band marks where B's loss rises most above float32's."
    >
      <div ref={ref} className="w-full overflow-x-auto">
        {/* `chart`: the picture export (chartImage.ts) takes the svg.chart layers of a card. */}
        <svg
          className="chart block"
          width={layout.width}
          height={layout.height}
          role="img"
          aria-label="Per-token loss of float32, A and B"
        >
          {layout.yTicks.map((t) => (
            <g key={t.label}>
              <line
                x1={layout.plot.left}
                x2={layout.plot.left + layout.plot.width}
                y1={t.y}
                y2={t.y}
                stroke="var(--color-gridline)"
              />
              <text
                x={layout.plot.left - 4}
                y={t.y}
                dy="0.32em"
                textAnchor="end"
                fontSize="10"
                fill="var(--color-axis)"
              >
                {t.label}
              </text>
            </g>
          ))}
          {layout.worst !== null ? (
            <rect
              x={layout.xs[layout.worst] - 7}
              y={layout.plot.top}
              width={14}
              height={layout.plot.height}
              fill="var(--color-scheme-b)"
              opacity={0.12}
            />
          ) : null}
          {layout.lines.map((l) => (
            <path
              key={l.id}
              d={l.d}
              fill="none"
              stroke={MODEL_COLORS[l.id as 'float' | 'a' | 'b']}
              strokeWidth={1.5}
              strokeDasharray={l.id === 'float' ? '3 2' : undefined}
            />
          ))}
          {layout.tokens.map((t, i) => (
            <text
              // biome-ignore lint/suspicious/noArrayIndexKey: tokens repeat; their position is their identity
              key={i}
              transform={`translate(${t.x},${layout.plot.top + layout.plot.height + 6}) rotate(60)`}
              fontSize="10"
              fill="currentColor"
              className="text-slate-700 dark:text-slate-200"
            >
              {t.text.length > 10 ? `${t.text.slice(0, 9)}…` : t.text}
            </text>
          ))}
        </svg>
      </div>
    </ChartCard>
  );
}
