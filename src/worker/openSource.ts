/**
 * Opens what the page names — local files, or a Hugging Face model by Range requests — into byte sources and a
 * tensor listing, through io's public entry points. One function for every caller (the Load panel's `open`, the
 * Whole model tab), so a source means the same thing everywhere. The Hub token is used for the requests only.
 */
import {
  type ByteSource,
  type FetchLike,
  fromBlob,
  type HubOpenResult,
  listTensors,
  openHubModel,
  parseHubInput,
  type TensorListing,
} from '../io';
import type { OpenSource } from './loadProtocol';

/** An opened source: its bytes, its tensors and how to name it. */
export interface OpenedSource {
  sources: ByteSource[];
  listing: TensorListing;
  label: string;
}

/** A Hub repository with several weight files: the caller asks which one (or refuses). */
export type ChooseWeightFile = Extract<HubOpenResult, { kind: 'choose' }>;

export async function openSource(
  source: OpenSource,
  options: { signal?: AbortSignal; fetch?: FetchLike } = {},
): Promise<OpenedSource | ChooseWeightFile> {
  if (source.kind === 'files') {
    const sources = source.files.map((file) => fromBlob(file, file.name));
    const listing = await listTensors(sources, options.signal);
    return { sources, listing, label: listing.fileName };
  }
  const endpoint = source.endpoint.trim() || undefined;
  let input = parseHubInput(source.input, endpoint);
  if (source.file !== undefined && input.kind === 'model') input = { ...input, file: source.file };
  const result = await openHubModel(input, {
    endpoint,
    token: source.token || undefined,
    signal: options.signal,
    fetch: options.fetch,
  });
  if (result.kind === 'choose') return result;
  const label = result.modelId ? `${result.modelId} · ${result.file}` : result.file;
  return { sources: result.sources, listing: result.listing, label };
}
