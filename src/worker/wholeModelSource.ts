/**
 * Opens what the Whole model tab names (local files, or a Hugging Face model by Range requests) with the Load panel's
 * own `openSource`; a Hub repository with several weight files is an error here that names them (the tab asks for
 * one).
 */
import { type FetchLike, ParseError } from '../io';
import type { OpenSource } from './loadProtocol';
import { type OpenedSource, openSource } from './openSource';

/** A whole model opened: its byte sources, tensor listing and label (the Load panel's opened source). */
export type OpenedModel = OpenedSource;

export async function openModelSource(
  source: OpenSource,
  options: { signal?: AbortSignal; fetch?: FetchLike } = {},
): Promise<OpenedModel> {
  const result = await openSource(source, options);
  if ('sources' in result) return result;
  throw new ParseError({
    format: 'hub',
    code: 'bad-value',
    fileName: result.modelId,
    message: `the repository has several weight files (${result.files.join(', ')})`,
    hint: 'Name one in the model field, e.g. org/name/resolve/main/<file>, or pick it in the list.',
  });
}
