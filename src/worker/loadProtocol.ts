/**
 * The file / model half of the worker protocol: where tensors come from (`OpenSource`), what opening them
 * answers (`OpenResult`), how a loaded dataset is remade (`LoadRecipe`) and what the page learns about it
 * (`LoadedTensorInfo`). Types and tiny pure helpers only (no io, no DOM beyond the File type), so the page can
 * import it without pulling the parsers onto the main thread.
 */
import type { TensorFormat, TensorListing } from '../io/types';

/**
 * What the user opened: local files (File handles clone cheaply to the worker: bytes are read lazily), or a
 * Hugging Face model id / Hub URL / file URL. The token, when given, is used only in an Authorization header;
 * it is never part of a key, an id, a recipe sent back to the page, or a message.
 */
export type OpenSource =
  | { kind: 'files'; files: File[] }
  | {
      kind: 'hub';
      /** "org/name", "org/name@rev", a Hub URL or a direct file URL. */
      input: string;
      /** Hub base URL, e.g. https://huggingface.co. */
      endpoint: string;
      /** The weight file to open when the repository has several (the answer to `{ kind: 'choose' }`). */
      file?: string;
      token?: string;
    };

/** What `open` answers: the tensor list, or the weight files to choose from (a Hub repository with several). */
export type OpenResult =
  | {
      kind: 'opened';
      /** How to name the source to the user: "model.safetensors", "org/name · model.safetensors". */
      label: string;
      listing: TensorListing;
    }
  | { kind: 'choose'; modelId: string; revision: string; files: string[] };

/** A File with the identity fields that survive JSON (a File itself stringifies as `{}`). */
export interface FileRef {
  name: string;
  size: number;
  lastModified: number;
  file: File;
}

/**
 * How a loaded dataset is remade in a restarted worker. Files keep their File handles (clone cheaply); the
 * Hub recipe leaves the token out (the client replays the original call, whose arguments carry it, from memory).
 */
export type LoadRecipe =
  | { kind: 'file'; files: FileRef[]; tensor: string }
  | { kind: 'hub'; endpoint: string; input: string; file?: string; tensor: string };

/** What the page shows about a loaded tensor, beyond the moments in TensorSummary. */
export interface LoadedTensorInfo {
  /** Tensor name in the file ("model.layers.0.mlp.up_proj.weight"). */
  name: string;
  /** The dtype as the file names it ("BF16", "<f4", "Q4_K"). */
  dtype: string;
  /** Full shape in the file, outermost first. */
  shape: number[];
  format: TensorFormat;
  /** Where it came from, for the user: a file name or "org/name · file". */
  sourceLabel: string;
  /** Set when only evenly spaced rows were loaded (the tensor was over `maxValues`). */
  sampled: null | { keptRows: number; totalRows: number };
  /** The value limit above which rows are sampled (MAX_LOAD_VALUES). */
  maxValues: number;
}

/** A load's progress in bytes: `total` is what this load will read (only the tensor's bytes). */
export interface LoadProgress {
  loaded: number;
  total: number;
  /**
   * Set while the download waits for bytes (from io's STALL_NOTICE_MS on, repeated about every second): how long
   * no byte has come. The page then offers Retry (`retryDownload`) and Cancel; absent once bytes flow again.
   */
  stalledMs?: number;
}

/** Value limit of a load: io's MAX_VALUES (64 Mi float32 values = 256 MiB), repeated so the page need not import io. */
export const MAX_LOAD_VALUES = 64 * 1024 * 1024;

/** Default Hugging Face endpoint: io's DEFAULT_ENDPOINT, repeated for the same reason. */
export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

/** The identity of a file for keys: name, size and modification time. */
export function toFileRef(file: File): FileRef {
  return { name: file.name, size: file.size, lastModified: file.lastModified, file };
}

/**
 * A string naming what a source opens, without the token: the same files (name, size, mtime) or the same
 * endpoint + model + file give the same key. Used for react-query keys on the page and the worker's cache.
 * E.g. `files:[["model.safetensors",1024,1700000000000]]`, `hub:https://huggingface.co|gpt2|`.
 */
export function sourceKeyOf(source: OpenSource): string {
  if (source.kind === 'files') {
    return `files:${JSON.stringify(source.files.map((f) => [f.name, f.size, f.lastModified]))}`;
  }
  return `hub:${source.endpoint.trim().replace(/\/+$/, '')}|${source.input.trim()}|${source.file ?? ''}`;
}

/** The recipe of loading `tensor` from `source` (the token left out). */
export function loadRecipeOf(source: OpenSource, tensor: string): LoadRecipe {
  if (source.kind === 'files') return { kind: 'file', files: source.files.map(toFileRef), tensor };
  const recipe: LoadRecipe = {
    kind: 'hub',
    endpoint: source.endpoint.trim().replace(/\/+$/, ''),
    input: source.input.trim(),
    tensor,
  };
  if (source.file !== undefined) recipe.file = source.file;
  return recipe;
}
