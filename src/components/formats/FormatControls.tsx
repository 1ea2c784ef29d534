/**
 * Controls of the non-integer families (issue #5): float element formats (format, scaling, group size,
 * saturation), block formats (grouped by OCP MX / NVIDIA / QLoRA / GGUF, NF4 double quantization, MX scale
 * rounding), k-means (bits, per tensor / row) and binary / ternary (nothing to set). Every choice names its bits
 * per weight; the StorageLine below says what storage that assumes.
 */
import { FLOAT_FORMATS } from '../../core/formats/floatFormat';
import type { BlockScheme, CodebookScheme, FloatScheme, Scheme } from '../../core/scheme';
import { useAppStore } from '../../state/appStore';
import type { Channel } from '../../state/schemesSlice';
import { NumberField } from '../controls/NumberField';
import { type Segment, SegmentedControl } from '../controls/SegmentedControl';
import { Select } from '../controls/Select';
import { Slider } from '../controls/Slider';
import {
  BLOCK_FORMAT_OPTIONS,
  canDisableSaturation,
  FLOAT_FORMAT_OPTIONS,
  formatHasOption,
  withBlockFormat,
} from './schemeCatalog';

export interface FormatControlsProps {
  channel: Channel;
  label: string;
  scheme: Scheme;
  /** The engine's complaint about the current scheme, with the field it names. */
  error: { field?: string; message: string } | null;
}

const SCALINGS: ReadonlyArray<Segment<FloatScheme['scaling']>> = [
  { value: 'none', label: 'None', title: 'Plain cast: values keep their size, out-of-range ones saturate' },
  { value: 'tensor', label: 'Tensor', title: 'One FP32 scale maps the tensor’s absmax to the format’s max' },
  { value: 'row', label: 'Row', title: 'One FP32 scale per row (output channel)' },
  { value: 'group', label: 'Group', title: 'One FP32 scale per group of consecutive values along a row' },
];

const KMEANS_GRANULARITIES: ReadonlyArray<Segment<'tensor' | 'row'>> = [
  { value: 'tensor', label: 'Tensor', title: 'One codebook for the whole matrix' },
  { value: 'row', label: 'Row', title: 'One codebook per row (output channel)' },
];

const CHECKBOX = 'size-3.5 accent-[var(--color-original)]';
const CHECK_LABEL = 'flex items-start gap-2 text-xs text-slate-600 dark:text-slate-300';

function FieldError({ error, prefix }: { error: FormatControlsProps['error']; prefix: string }) {
  if (!error?.field?.startsWith(prefix)) return null;
  return <p className="text-xs text-[var(--color-error-text)]">{error.message}</p>;
}

/** The family's own controls; nothing for binary and ternary (one scale per row, no options). */
export function FormatControls(props: FormatControlsProps) {
  const { scheme } = props;
  switch (scheme.kind) {
    case 'float':
      return <FloatControls {...props} scheme={scheme} />;
    case 'block':
      return <BlockControls {...props} scheme={scheme} />;
    case 'kmeans':
      return <KMeansControls {...props} scheme={scheme} />;
    case 'binary':
      return (
        <p
          className="text-xs text-slate-600 dark:text-slate-300"
          data-testid={`scheme-${props.channel}-sign-note`}
        >
          Each weight becomes ±α with α = mean |x| of its row (XNOR-Net §3.1); sign(0) = +1.
        </p>
      );
    case 'ternary':
      return (
        <p
          className="text-xs text-slate-600 dark:text-slate-300"
          data-testid={`scheme-${props.channel}-sign-note`}
        >
          Weights with |x| ≤ Δ = 0.7·mean |x| become 0, the rest ±α with α = mean |x| above Δ, per row (TWN).
        </p>
      );
    default:
      return null;
  }
}

function FloatControls({ channel, label, scheme, error }: FormatControlsProps & { scheme: FloatScheme }) {
  const setScheme = useAppStore((s) => s.setScheme);
  const patch = (p: Partial<FloatScheme>) => setScheme(channel, { ...scheme, ...p });
  const saturationMatters = canDisableSaturation(scheme.format);
  return (
    <>
      <Select
        label={`${label} float format`}
        value={scheme.format}
        options={FLOAT_FORMAT_OPTIONS}
        onChange={(format) => patch({ format })}
        testId={`scheme-${channel}-float-format`}
      />
      <div className="flex flex-col gap-1">
        <span className="text-xs font-medium text-slate-600 dark:text-slate-300">Scaling (FP32 scale)</span>
        <div className="flex flex-wrap items-end gap-2">
          <SegmentedControl
            label={`${label} float scaling`}
            value={scheme.scaling}
            segments={SCALINGS}
            onChange={(scaling) => patch({ scaling })}
            testId={`scheme-${channel}-float-scaling`}
          />
          {scheme.scaling === 'group' ? (
            <NumberField
              className="w-28"
              label="Group size"
              value={scheme.groupSize}
              integer
              min={1}
              max={1 << 24}
              onCommit={(groupSize) => patch({ groupSize })}
              testId={`scheme-${channel}-float-group-size`}
            />
          ) : null}
        </div>
        <FieldError error={error} prefix="groupSize" />
      </div>
      <label className={CHECK_LABEL}>
        <input
          type="checkbox"
          className={`${CHECKBOX} mt-0.5`}
          checked={saturationMatters ? scheme.saturate : true}
          disabled={!saturationMatters}
          onChange={(event) => patch({ saturate: event.target.checked })}
          data-testid={`scheme-${channel}-saturate`}
        />
        <span>
          Saturate (values beyond the largest finite become ±max)
          {saturationMatters
            ? scheme.saturate
              ? ''
              : `; off: the plain cast gives ${FLOAT_FORMATS[scheme.format].overflow === 'nan' ? 'NaN' : '±Inf'}, left out of the metrics`
            : ' — FP6 and FP4 have no Inf or NaN and always saturate'}
        </span>
      </label>
    </>
  );
}

function BlockControls({ channel, label, scheme, error }: FormatControlsProps & { scheme: BlockScheme }) {
  const setScheme = useAppStore((s) => s.setScheme);
  const format = scheme.format;
  return (
    <>
      <Select
        label={`${label} block format`}
        value={format}
        options={BLOCK_FORMAT_OPTIONS}
        onChange={(next) => setScheme(channel, withBlockFormat(scheme, next))}
        testId={`scheme-${channel}-block-format`}
      />
      <FieldError error={error} prefix="format" />
      {formatHasOption(format, 'doubleQuant') ? (
        <label className={CHECK_LABEL}>
          <input
            type="checkbox"
            className={`${CHECKBOX} mt-0.5`}
            checked={scheme.doubleQuant === true}
            onChange={(event) => setScheme(channel, { ...scheme, doubleQuant: event.target.checked })}
            data-testid={`scheme-${channel}-double-quant`}
          />
          <span>
            Double quantization: store each block’s absmax in 8 bits (blocks of 256, QLoRA §3): 4.5 → ≈4.127
            bits/weight
          </span>
        </label>
      ) : null}
      {formatHasOption(format, 'roundScaleUp') ? (
        <label className={CHECK_LABEL}>
          <input
            type="checkbox"
            className={`${CHECKBOX} mt-0.5`}
            checked={scheme.roundScaleUp === true}
            onChange={(event) => setScheme(channel, { ...scheme, roundScaleUp: event.target.checked })}
            data-testid={`scheme-${channel}-round-scale-up`}
          />
          <span>
            Round the shared scale up (2^⌈log2(amax / max)⌉: no element clips, as several GPU recipes do; the
            OCP spec rounds down and may clip the block’s largest value)
          </span>
        </label>
      ) : null}
    </>
  );
}

function KMeansControls({ channel, label, scheme, error }: FormatControlsProps & { scheme: CodebookScheme }) {
  const setScheme = useAppStore((s) => s.setScheme);
  return (
    <>
      <Slider
        label={`${label} codebook bits`}
        value={scheme.bits}
        min={1}
        max={8}
        onChange={(bits) => setScheme(channel, { ...scheme, bits })}
        format={(b) => `${b} bits (${2 ** b} centroids)`}
        testId={`scheme-${channel}-kmeans-bits`}
      />
      <FieldError error={error} prefix="bits" />
      <div className="flex flex-col gap-1">
        <span className="text-xs font-medium text-slate-600 dark:text-slate-300">Codebook per</span>
        <SegmentedControl
          label={`${label} codebook granularity`}
          value={scheme.granularity.kind}
          segments={KMEANS_GRANULARITIES}
          onChange={(kind) => setScheme(channel, { ...scheme, granularity: { kind } })}
          testId={`scheme-${channel}-kmeans-granularity`}
        />
      </div>
      <p className="text-[11px] text-slate-500 dark:text-slate-400">
        Lloyd iterations from a linear initialisation between min and max, at most {scheme.maxIterations}{' '}
        (Deep Compression, arXiv:1510.00149).
      </p>
    </>
  );
}
