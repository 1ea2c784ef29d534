/**
 * Opens what the Whole model tab names (local files, or a Hugging Face model by Range requests) into byte sources
 * and a tensor listing, through io's public entry points (listTensors, openHubModel), as the Load panel does; a
 * Hub repository with several weight files is an error here that names them (the tab asks for one).
 */
import {
  type ByteSource,
  type FetchLike,
  fromBlob,
  listTensors,
  openHubModel,
  ParseError,
  parseHubInput,
  type TensorListing,
} from '../io';
import type { OpenSource } from './loadProtocol';

export interface OpenedModel {
  sources: ByteSource[];
  listing: TensorListing;
  label: string;
}

export async function openModelSource(
  source: OpenSource,
  options: { signal?: AbortSignal; fetch?: FetchLike } = {},
): Promise<OpenedModel> {
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
  if (result.kind === 'choose') {
    throw new ParseError({
      format: 'hub',
      code: 'bad-value',
      fileName: result.modelId,
      message: `the repository has several weight files (${result.files.join(', ')})`,
      hint: 'Name one in the model field, e.g. org/name/resolve/main/<file>, or pick it in the list.',
    });
  }
  const label = result.modelId ? `${result.modelId} · ${result.file}` : result.file;
  return { sources: result.sources, listing: result.listing, label };
}
