/**
 * The controls of one scheme panel: method, then the method's own controls (integer: bits, granularity,
 * rounding, clipping). A new scheme family adds its controls component to `FamilyControls`.
 */

import { memo } from 'react';
import { formatExact } from '../charts/formatNumber';
import type {
  Clipping,
  Granularity,
  IntegerScheme,
  Rounding,
  ScaleStorage,
  Scheme,
  ZeroPointStorage,
} from '../core/scheme';
import type { QuantView } from '../core/view';
import { useAppStore } from '../state/appStore';
import type { Channel } from '../state/schemesSlice';
import type { DatasetSummary } from '../worker/protocol';
import { NumberField } from './controls/NumberField';
import { type Segment, SegmentedControl } from './controls/SegmentedControl';
import { Select } from './controls/Select';
import { Slider } from './controls/Slider';
import { FormatControls } from './formats/FormatControls';
import { StorageLine } from './formats/StorageLine';
import { useSchemeMemory } from './formats/useSchemeMemory';
import { METHOD_OPTIONS, methodOf } from './schemeMethods';

export interface SchemeControlsProps {
  channel: Channel;
  label: string;
  scheme: Scheme;
  view: QuantView | undefined;
  dataset: DatasetSummary | undefined;
  /** The engine's complaint about the current scheme, with the field it names. */
  error: { field?: string; message: string } | null;
}

/** Memoised: the panel re-renders when the other scheme's result lands (its headline marks); these do not. */
export const SchemeControls = memo(function SchemeControls(props: SchemeControlsProps) {
  const { channel, label, scheme } = props;
  const setScheme = useAppStore((s) => s.setScheme);
  const method = methodOf(scheme);
  const recall = useSchemeMemory(scheme);
  return (
    <div className="flex flex-col gap-3">
      <Select
        label={`${label} family and method`}
        value={method?.id ?? ''}
        options={METHOD_OPTIONS.map((o) => ({ value: o.id, label: o.label, group: o.family }))}
        onChange={(id) => {
          const option = METHOD_OPTIONS.find((o) => o.id === id);
          if (option) setScheme(channel, recall(option));
        }}
        testId={`scheme-${channel}-method`}
      />
      {scheme.kind === 'integer' ? (
        <IntegerControls {...props} scheme={scheme} />
      ) : (
        <FormatControls channel={channel} label={label} scheme={scheme} error={props.error} />
      )}
      <StorageLine
        channel={channel}
        scheme={scheme}
        shape={
          props.dataset ? { rows: props.dataset.summary.rows, cols: props.dataset.summary.cols } : undefined
        }
        view={props.view}
      />
    </div>
  );
});

type GranularityKind = Granularity['kind'];
const GRANULARITIES: ReadonlyArray<Segment<GranularityKind>> = [
  { value: 'tensor', label: 'Tensor', title: 'One scale for the whole matrix' },
  { value: 'row', label: 'Row', title: 'One scale per row (output channel)' },
  { value: 'column', label: 'Column', title: 'One scale per column (input feature)' },
  { value: 'group', label: 'Group', title: 'One scale per group of consecutive values along a row' },
];

type RoundingKind = Rounding['kind'];
const ROUNDINGS: ReadonlyArray<{ value: RoundingKind; label: string }> = [
  { value: 'halfEven', label: 'Half to even (default)' },
  { value: 'halfAway', label: 'Half away from zero' },
  { value: 'floor', label: 'Floor' },
  { value: 'stochastic', label: 'Stochastic (seeded)' },
];

type ClippingKind = Clipping['kind'];
const CLIPPINGS: ReadonlyArray<{ value: ClippingKind; label: string }> = [
  { value: 'none', label: 'None' },
  { value: 'manual', label: 'Manual (drag markers)' },
  { value: 'percentile', label: 'Percentile' },
  { value: 'mseOptimal', label: 'MSE-optimal' },
  { value: 'kl', label: 'KL / entropy (TensorRT)' },
  { value: 'octav', label: 'OCTAV (Sakr et al. 2022)' },
];

/** KL calibration is per tensor only (validate.ts, as TensorRT calibrates): the option says so elsewhere. */
function clippingOptions(granularity: Granularity) {
  return CLIPPINGS.map((o) =>
    o.value === 'kl' && granularity.kind !== 'tensor'
      ? { ...o, label: 'KL / entropy (per tensor only)', disabled: true }
      : o,
  );
}

/** The levels an integer scheme has at `bits`: absmax's restricted range leaves out −2^(b−1) (codeRange). */
export function integerLevelCount(scheme: IntegerScheme, bits: number): number {
  return scheme.method === 'absmax' && !scheme.fullRange ? 2 ** bits - 1 : 2 ** bits;
}

function IntegerControls({
  channel,
  label,
  scheme,
  view,
  dataset,
  error,
}: SchemeControlsProps & { scheme: IntegerScheme }) {
  const setBits = useAppStore((s) => s.setBits);
  const setGranularity = useAppStore((s) => s.setGranularity);
  const setRounding = useAppStore((s) => s.setRounding);
  const setClipping = useAppStore((s) => s.setClipping);
  const patchIntegerScheme = useAppStore((s) => s.patchIntegerScheme);
  const fieldError = (prefix: string) => (error?.field?.startsWith(prefix) ? error.message : null);
  const g = scheme.granularity;
  const r = scheme.rounding;
  const c = scheme.clipping;
  const absmax = scheme.method === 'absmax';

  const startManual = (): Clipping => {
    // Start from the range in use now, so switching to manual changes nothing until a marker moves.
    const lo = view?.clip.lo ?? dataset?.summary.min ?? -1;
    const hi = view?.clip.hi ?? dataset?.summary.max ?? 1;
    if (absmax) {
      const alpha = Math.max(Math.abs(lo), Math.abs(hi));
      return { kind: 'manual', lo: -alpha, hi: alpha };
    }
    return { kind: 'manual', lo, hi };
  };

  return (
    <>
      <Slider
        label={`${label} bits`}
        value={scheme.bits}
        min={2}
        max={8}
        onChange={(bits) => setBits(channel, bits)}
        format={(b) => `${b} bits (${integerLevelCount(scheme, b)} levels)`}
        testId={`scheme-${channel}-bits`}
      />
      {absmax && !scheme.fullRange ? (
        <p
          className="text-[11px] leading-snug text-slate-600 dark:text-slate-300"
          data-testid={`scheme-${channel}-restricted`}
        >
          Restricted range: codes −{2 ** (scheme.bits - 1) - 1} … {2 ** (scheme.bits - 1) - 1}, symmetric
          about 0, so {2 ** scheme.bits - 1} of the {2 ** scheme.bits} codes (“Full range” adds −
          {2 ** (scheme.bits - 1)}).
        </p>
      ) : null}
      {fieldError('bits') ? (
        <p className="text-xs text-[var(--color-error-text)]">{fieldError('bits')}</p>
      ) : null}

      <div className="flex flex-col gap-1">
        <span className="text-xs font-medium text-slate-600 dark:text-slate-300" id={`gran-${channel}`}>
          Granularity
        </span>
        <div className="flex flex-wrap items-end gap-2">
          <SegmentedControl
            label={`${label} granularity`}
            value={g.kind}
            segments={GRANULARITIES}
            onChange={(kind) =>
              setGranularity(
                channel,
                kind === 'group' ? { kind, size: g.kind === 'group' ? g.size : 128 } : { kind },
              )
            }
            testId={`scheme-${channel}-granularity`}
          />
          {g.kind === 'group' ? (
            <NumberField
              className="w-28"
              label="Group size"
              value={g.size}
              integer
              min={1}
              max={65536}
              onCommit={(size) => setGranularity(channel, { kind: 'group', size })}
              testId={`scheme-${channel}-group-size`}
            />
          ) : null}
        </div>
        {fieldError('granularity') ? (
          <p className="text-xs text-[var(--color-error-text)]">{fieldError('granularity')}</p>
        ) : null}
      </div>

      <div className="grid grid-cols-1 gap-3 xl:grid-cols-2">
        <div className="flex flex-col gap-2">
          <Select
            label="Rounding"
            value={r.kind}
            options={ROUNDINGS}
            onChange={(kind) =>
              setRounding(
                channel,
                kind === 'stochastic' ? { kind, seed: r.kind === 'stochastic' ? r.seed : 1 } : { kind },
              )
            }
            testId={`scheme-${channel}-rounding`}
          />
          {r.kind === 'stochastic' ? (
            <NumberField
              label="Rounding seed"
              value={r.seed}
              integer
              min={0}
              max={4294967295}
              onCommit={(seed) => setRounding(channel, { kind: 'stochastic', seed })}
            />
          ) : null}
        </div>
        <div className="flex flex-col gap-2">
          <Select
            label="Clipping"
            value={(CLIPPINGS.some((o) => o.value === c.kind) ? c.kind : 'none') as ClippingKind}
            options={clippingOptions(g)}
            onChange={(kind) => {
              if (kind === 'manual') setClipping(channel, startManual());
              else if (kind === 'percentile') setClipping(channel, { kind, percentile: 99.9 });
              else setClipping(channel, { kind });
            }}
            testId={`scheme-${channel}-clipping`}
          />
          {c.kind === 'percentile' ? (
            <NumberField
              label="Percentile (of |x| for absmax)"
              value={c.percentile}
              min={0.001}
              max={100}
              onCommit={(percentile) => setClipping(channel, { kind: 'percentile', percentile })}
            />
          ) : null}
          {c.kind === 'manual' && absmax ? (
            <NumberField
              label="Threshold α (clips to ±α)"
              value={Math.max(Math.abs(c.lo), Math.abs(c.hi))}
              min={Number.MIN_VALUE}
              onCommit={(alpha) => setClipping(channel, { kind: 'manual', lo: -alpha, hi: alpha })}
              testId={`scheme-${channel}-clip-alpha`}
            />
          ) : null}
          {c.kind === 'manual' && !absmax ? (
            <div className="grid grid-cols-2 gap-2">
              <NumberField
                label="Low"
                value={c.lo}
                max={c.hi}
                onCommit={(lo) => setClipping(channel, { kind: 'manual', lo, hi: c.hi })}
                testId={`scheme-${channel}-clip-lo`}
              />
              <NumberField
                label="High"
                value={c.hi}
                min={c.lo}
                onCommit={(hi) => setClipping(channel, { kind: 'manual', lo: c.lo, hi })}
                testId={`scheme-${channel}-clip-hi`}
              />
            </div>
          ) : null}
          {(c.kind === 'mseOptimal' || c.kind === 'kl' || c.kind === 'octav') && view?.clipReport ? (
            <p
              className="text-[11px] text-slate-500 dark:text-slate-400"
              data-testid={`scheme-${channel}-clip-report`}
            >
              chose [{formatExact(view.clipReport.lo)}, {formatExact(view.clipReport.hi)}]
              {Number.isFinite(view.clipReport.mse) ? ` (MSE ${formatExact(view.clipReport.mse)})` : ''}
              {view.groupCount > 1 ? ` for group ${view.group.index}` : ''}
            </p>
          ) : null}
          <label className="flex items-center gap-2 text-xs text-slate-600 dark:text-slate-300">
            <input
              type="checkbox"
              className="size-3.5 accent-[var(--color-original)]"
              checked={absmax ? scheme.fullRange === true : scheme.includeZero === true}
              onChange={(event) =>
                patchIntegerScheme(
                  channel,
                  absmax ? { fullRange: event.target.checked } : { includeZero: event.target.checked },
                )
              }
              data-testid={`scheme-${channel}-${absmax ? 'full-range' : 'include-zero'}`}
            />
            {absmax ? `Full range (down to −${2 ** (scheme.bits - 1)})` : 'Include zero in the range'}
          </label>
          <StorageSelects channel={channel} scheme={scheme} onPatch={patchIntegerScheme} />
          {fieldError('clipping') ? (
            <p className="text-xs text-[var(--color-error-text)]">{fieldError('clipping')}</p>
          ) : null}
        </div>
      </div>
    </>
  );
}

/**
 * How the scale and zero point are stored (issue #19): changes only the bits per weight and the storage line
 * (the default, FP16 scale and b-bit zero point, is left out of the scheme so old links read the same).
 */
function StorageSelects({
  channel,
  scheme,
  onPatch,
}: {
  channel: Channel;
  scheme: IntegerScheme;
  onPatch(channel: Channel, patch: Partial<Omit<IntegerScheme, 'kind'>>): void;
}) {
  return (
    <div className="grid grid-cols-2 gap-2">
      <Select<ScaleStorage>
        label="Scale in"
        value={scheme.scaleStorage ?? 'fp16'}
        options={[
          { value: 'fp16', label: 'FP16' },
          { value: 'fp32', label: 'FP32' },
        ]}
        onChange={(v) => onPatch(channel, { scaleStorage: v === 'fp16' ? undefined : v })}
        testId={`scheme-${channel}-scale-storage`}
      />
      {scheme.method === 'zeroPoint' ? (
        <Select<ZeroPointStorage>
          label="Zero point in"
          value={scheme.zeroPointStorage ?? 'int'}
          options={[
            { value: 'int', label: `int${scheme.bits}` },
            { value: 'fp16', label: 'FP16' },
          ]}
          onChange={(v) => onPatch(channel, { zeroPointStorage: v === 'int' ? undefined : v })}
          testId={`scheme-${channel}-zero-point-storage`}
        />
      ) : null}
    </div>
  );
}
