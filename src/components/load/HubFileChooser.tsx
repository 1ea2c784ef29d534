/** A Hub repository with several weight files (e.g. one GGUF per quantization): pick the one to open. */
import { CAPTION_CLASS } from './loadStyles';

export function HubFileChooser({
  modelId,
  files,
  onChoose,
}: {
  modelId: string;
  files: readonly string[];
  onChoose(file: string): void;
}) {
  return (
    <fieldset className="flex flex-col gap-1" data-testid="hub-choose">
      <legend className="mb-1 text-xs font-medium text-slate-700 dark:text-slate-200">
        {modelId} has {files.length} weight files: which one?
      </legend>
      <ul className="flex max-h-48 flex-col gap-0.5 overflow-y-auto">
        {files.map((file) => (
          <li key={file}>
            <button
              type="button"
              className="link-button w-full break-all text-left font-mono"
              onClick={() => onChoose(file)}
            >
              {file}
            </button>
          </li>
        ))}
      </ul>
      <p className={CAPTION_CLASS}>Only the file’s header is read until you pick a tensor.</p>
    </fieldset>
  );
}
