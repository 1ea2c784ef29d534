/**
 * The data panel's "Load real weights" section: open files (button or drop anywhere on the page), paste
 * numbers, or open a Hugging Face model; then pick a tensor from the list to load it into the explorer.
 * All parsing happens in the engine worker; an error leaves the data on screen as it was.
 */
import { memo, useCallback, useState } from 'react';
import { formatCount } from '../../charts/formatNumber';
import { useAppStore } from '../../state/appStore';
import { selectLoadedDataset } from '../../state/sourceSlice';
import { useTensorLoader } from '../../state/useTensorLoader';
import { MAX_LOAD_VALUES } from '../../worker/loadProtocol';
import { FilePicker } from './FilePicker';
import { HubFileChooser } from './HubFileChooser';
import { HubModelForm, type HubRequest } from './HubModelForm';
import { LoadErrorNotice } from './LoadErrorNotice';
import { LoadStatus } from './LoadStatus';
import { BUTTON_CLASS, CAPTION_CLASS } from './loadStyles';
import { PageDropOverlay } from './PageDropOverlay';
import { PasteNumbers } from './PasteNumbers';
import { TensorList } from './TensorList';

/** "model.safetensors", or "3 files" for a checkpoint's index and shards. */
export function labelFiles(files: readonly File[]): string {
  return files.length === 1 ? files[0].name : `${files.length} files`;
}

export const LoadSection = memo(function LoadSection() {
  const loader = useTensorLoader();
  const { open, load, cancel, retry, dismissError } = loader;
  const [pasteOpen, setPasteOpen] = useState(false);
  const shown = useAppStore(selectLoadedDataset);

  const openFiles = useCallback(
    (files: File[]) => void open({ kind: 'files', files }, labelFiles(files)),
    [open],
  );
  const openHub = useCallback(
    ({ input, endpoint, token }: HubRequest) => void open({ kind: 'hub', input, endpoint, token }, input),
    [open],
  );
  const chooseFile = useCallback(
    (file: string) => {
      if (loader.choose) void open({ ...loader.choose.source, file }, `${loader.choose.modelId} · ${file}`);
    },
    [open, loader.choose],
  );
  const pick = useCallback((tensor: string) => void load(tensor), [load]);

  const opened = loader.opened;
  // The list marks the tensor on screen when it came from this source.
  const shownName =
    shown?.loaded && opened && shown.loaded.sourceLabel === opened.label ? shown.loaded.name : null;
  const busy = loader.busy;

  return (
    <section
      aria-labelledby="load-heading"
      data-slot="data-sources"
      data-testid="load-section"
      className="flex flex-col gap-3 rounded-md border border-slate-200 p-3 dark:border-slate-700"
    >
      <div>
        <h3 id="load-heading" className="text-sm font-semibold text-slate-800 dark:text-slate-100">
          Load real weights
        </h3>
        <p className={CAPTION_CLASS}>
          .safetensors (or an index.json with its shards), .npy, .npz, .gguf, .csv. Drop files anywhere on the
          page. Files are read in this browser, never uploaded.
        </p>
      </div>
      <div className="flex flex-wrap gap-2">
        <FilePicker onFiles={openFiles} />
        <button
          type="button"
          className={BUTTON_CLASS}
          aria-expanded={pasteOpen}
          onClick={() => setPasteOpen((v) => !v)}
          data-testid="paste-toggle"
        >
          Paste numbers
        </button>
      </div>
      {pasteOpen ? (
        <PasteNumbers onFile={(file) => void open({ kind: 'files', files: [file] }, 'pasted numbers')} />
      ) : null}
      <HubModelForm onOpen={openHub} needsToken={loader.error?.code === 'auth'} />

      <LoadStatus busy={busy} cancelled={loader.cancelled} onCancel={cancel} onRetry={retry} />
      {loader.error ? <LoadErrorNotice error={loader.error} onDismiss={dismissError} /> : null}
      {loader.choose ? (
        <HubFileChooser modelId={loader.choose.modelId} files={loader.choose.files} onChoose={chooseFile} />
      ) : null}
      {opened && loader.autoOpened && shownName === loader.autoOpened.name ? (
        <p
          className="text-xs text-slate-700 dark:text-slate-200"
          role="status"
          data-testid="load-auto-opened"
        >
          Showing <span className="font-mono">{loader.autoOpened.name}</span>, the{' '}
          {loader.autoOpened.reason === 'first 2-D' ? 'first 2-D tensor' : 'largest tensor'} of{' '}
          {opened.listing.tensors.length}: pick another below.
        </p>
      ) : null}
      {opened ? (
        <TensorList
          key={`${opened.label}|${opened.elapsedMs}`}
          label={opened.label}
          listing={opened.listing}
          elapsedMs={opened.elapsedMs}
          current={shownName}
          loading={busy?.kind === 'load' ? busy.tensor : null}
          onPick={pick}
        />
      ) : null}
      <p className={CAPTION_CLASS} data-testid="load-limit">
        Tensors over {formatCount(MAX_LOAD_VALUES)} values (8192²) are sampled: evenly spaced rows are loaded.
      </p>
      <PageDropOverlay onFiles={openFiles} />
    </section>
  );
});
