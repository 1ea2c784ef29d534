/**
 * "Share / Embed": a link to exactly what is on screen (data recipe with seed, schemes, view, lesson step), and
 * a ready `<iframe>` for a compact embed showing the charts chosen. Says when the data cannot travel in a link.
 */
import { useMemo, useState } from 'react';
import { useAppStoreApi } from '../../state/appStore';
import {
  EMBED_CHART_LABELS,
  EMBED_CHARTS,
  type EmbedChart,
  selectDataShareability,
  selectShareableState,
} from '../../state/shareableState';
import { Modal } from '../controls/Modal';
import { NumberField } from '../controls/NumberField';
import { Select } from '../controls/Select';
import { LM_DEFAULT_EMBED_CHARTS, LmShareNote } from '../lm/LmShareNote';
import { describeScheme } from '../schemeMethods';
import { wholeModelEmbedDefault } from '../wholeModel/embedCharts';
import { CopyField } from './CopyField';
import {
  DEFAULT_EMBED_CHOICE,
  defaultEmbedHeight,
  type EmbedChoice,
  type EmbedTheme,
  embedLink,
  iframeSnippet,
  shareLink,
} from './embedSnippet';

/** The page's address without query and hash: where links point. */
function pageBase(): string {
  return `${location.origin}${location.pathname}`;
}

export function ShareButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="rounded-md border border-slate-300 px-2.5 py-1 text-sm font-medium hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800"
        onClick={() => setOpen(true)}
        data-testid="share-button"
        aria-haspopup="dialog"
      >
        Share / Embed
      </button>
      <Modal open={open} title="Share / Embed" onClose={() => setOpen(false)} testId="share-dialog" wide>
        {open ? <ShareContent /> : null}
      </Modal>
    </>
  );
}

function ShareContent() {
  // Read once when the dialog opens: the page behind a modal dialog cannot change (and selectors that build
  // new objects must not be subscribed to directly).
  const store = useAppStoreApi();
  const [state] = useState(() => selectShareableState(store.getState()));
  const [shareability] = useState(() => selectDataShareability(store.getState()));
  const [choice, setChoice] = useState<EmbedChoice>(() => {
    // Opened from the Language model or the Whole model tab: propose that tab's figure rather than the explorer's.
    if (state.view.tab === 'lm') return { ...DEFAULT_EMBED_CHOICE, charts: [...LM_DEFAULT_EMBED_CHARTS] };
    const wm = state.view.tab === 'wholeModel' ? wholeModelEmbedDefault(state.wholeModel) : null;
    return wm ? { ...DEFAULT_EMBED_CHOICE, charts: wm } : DEFAULT_EMBED_CHOICE;
  });
  const base = pageBase();
  const link = useMemo(() => shareLink(base, state), [base, state]);
  const embed = useMemo(() => embedLink(base, state, choice), [base, state, choice]);
  const compare = state.view.layout === 'compare';
  const title = `Quantization Explorer: ${describeScheme(state.schemes.a)} vs ${describeScheme(state.schemes.b)}`;
  const toggle = (chart: EmbedChart, on: boolean) =>
    setChoice((c) => ({
      ...c,
      charts: EMBED_CHARTS.filter((id) => (id === chart ? on : c.charts.includes(id))),
    }));

  return (
    <div className="flex flex-col gap-4">
      {shareability.kind === 'not-shareable' ? (
        <p
          role="status"
          className="rounded-md border border-[var(--color-error-text)] px-3 py-2 text-sm text-[var(--color-error-text)]"
          data-testid="share-data-warning"
        >
          The data on screen ({shareability.label}) is not in these links: {shareability.reason}. Whoever
          opens them sees the generated matrix (seed{' '}
          {state.data.kind === 'generate' ? state.data.params.seed : '?'}) with your schemes; share the file
          separately.
        </p>
      ) : (
        <p className="text-sm text-slate-600 dark:text-slate-300">
          The link holds{' '}
          {state.data.kind === 'hub'
            ? `the Hugging Face tensor ${state.data.model} · ${state.data.tensor}`
            : 'the generator settings and seed'}
          , both schemes, the view{state.lesson ? ' and the lesson step' : ''}
          {state.view.tab === 'wholeModel' && state.wholeModel.model
            ? `, and the Whole model tab's ${state.wholeModel.model} with its filter and budget (analysed when the reader presses Analyse)`
            : ''}
          : opening it shows exactly this. Files on your computer can never travel in a link.
        </p>
      )}
      <CopyField label="Link to this view" value={link} testId="share-link" />
      <LmShareNote tab={state.view.tab} lm={state.lm} charts={choice.charts} />

      <fieldset className="flex flex-col gap-2 rounded-md border border-slate-200 p-3 dark:border-slate-700">
        <legend className="px-1 text-sm font-semibold">Embed in a page</legend>
        <p className="text-xs text-slate-600 dark:text-slate-300">
          A compact view without the controls, sized for an iframe. Choose what it shows:
        </p>
        <div className="grid grid-cols-2 gap-x-4 gap-y-1 sm:grid-cols-4">
          {EMBED_CHARTS.map((chart) => (
            <label key={chart} className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                className="size-3.5 accent-[var(--color-original)]"
                checked={choice.charts.includes(chart)}
                onChange={(event) => toggle(chart, event.target.checked)}
                data-testid={`share-chart-${chart}`}
              />
              {EMBED_CHART_LABELS[chart]}
            </label>
          ))}
        </div>
        {choice.charts.some((c) => c.startsWith('wm')) ? (
          <p className="text-xs text-slate-600 dark:text-slate-300" data-testid="share-wm-note">
            {state.wholeModel.model
              ? `The Whole model parts show ${state.wholeModel.model}: the reader sees its size first and presses Analyse to download it.`
              : 'The Whole model parts need a Hugging Face model named in that tab (files on your computer cannot travel in a link).'}
          </p>
        ) : null}
        <div className="grid grid-cols-1 gap-3 sm:grid-cols-3">
          <NumberField
            label="Widest (px)"
            value={choice.width}
            integer
            min={240}
            max={4000}
            onCommit={(width) => setChoice((c) => ({ ...c, width }))}
          />
          <Select<'reader' | EmbedTheme>
            label="Theme"
            value={choice.theme ?? 'reader'}
            options={[
              { value: 'reader', label: "Reader's system" },
              { value: 'inherit', label: 'Follow the page' },
              { value: 'light', label: 'Light' },
              { value: 'dark', label: 'Dark' },
            ]}
            onChange={(t) => setChoice((c) => ({ ...c, theme: t === 'reader' || t === 'system' ? null : t }))}
            testId="share-embed-theme"
          />
          <Select<'theme' | 'transparent'>
            label="Background"
            value={choice.transparent ? 'transparent' : 'theme'}
            options={[
              { value: 'theme', label: 'Its own (white / dark)' },
              { value: 'transparent', label: 'Transparent (the page’s)' },
            ]}
            onChange={(b) => setChoice((c) => ({ ...c, transparent: b === 'transparent' }))}
            testId="share-embed-background"
          />
        </div>
        <p className="text-[11px] text-slate-600 dark:text-slate-300">
          The frame is as wide as the page’s column (up to the width above) and sizes itself to its charts:
          the script in the HTML sets its height
          {choice.theme === 'inherit' ? ' and tells it the page’s theme' : ''}. Without the script it is{' '}
          {defaultEmbedHeight(choice.charts, compare, choice.width)} px tall.
        </p>
        <CopyField label="Embed link" value={embed} testId="share-embed-link" />
        <CopyField
          label="HTML to paste"
          value={iframeSnippet(embed, choice, title, compare)}
          multiline
          testId="share-embed-code"
        />
        <p className="text-[11px] text-slate-500 dark:text-slate-400">
          Without an iframe (MDX, plain HTML): see “Embedding without an iframe” in the README for the{' '}
          <code>&lt;quant-explorer&gt;</code> element and the React component.
        </p>
      </fieldset>
    </div>
  );
}
