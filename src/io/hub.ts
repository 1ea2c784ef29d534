/**
 * Hugging Face Hub client: the only io module that touches the network. It lists a model's weight files
 * (`GET {endpoint}/api/models/{id}[/revision/{rev}]` → `siblings[].rfilename`), and reads files at
 * `{endpoint}/{id}/resolve/{rev}/{path}` with HTTP Range requests: `bytes=0-7` (the safetensors header length,
 * and the file size from Content-Range), then the header, then only the chosen tensor's bytes.
 * An access token, when given, goes in an `Authorization: Bearer` header: never in a URL, never persisted
 * (it lives only in the closures of the sources returned here). A server that ignores Range (200 instead of
 * 206) is refused rather than downloaded whole.
 */
import { type ByteSource, fromBytes, throwIfAborted } from './byteSource';
import { listGguf } from './gguf';
import { BodyReadError, readBodyBounded, type StallWatch } from './httpBody';
import { listNpy } from './npy';
import { listNpz } from './npz';
import { formatBytes, ParseError, type ParseErrorCode } from './parseError';
import { listSafetensors } from './safetensors';
import { baseName, listSharded, MAX_INDEX_BYTES, readShardIndex } from './sharded';
import type { TensorListing } from './types';

export const DEFAULT_ENDPOINT = 'https://huggingface.co';

/** fetch, or a stand-in with the same shape (tests, proxies). */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface HubOptions {
  /** Hub base URL (default https://huggingface.co); a mirror with the same layout works. */
  endpoint?: string;
  /** Access token for gated or private models; sent only as an Authorization header. */
  token?: string;
  fetch?: FetchLike;
  signal?: AbortSignal;
  /** Told when a file's download waits for bytes, and where the user's Retry comes from (httpBody.ts). */
  stallWatch?: StallWatch;
}

/** What the user typed, understood. */
export type HubInput =
  | { kind: 'model'; modelId: string; revision: string; file?: string }
  | { kind: 'url'; url: string };

export type HubOpenResult =
  | {
      kind: 'opened';
      modelId: string | null;
      revision: string | null;
      /** The file opened (the index file for a sharded checkpoint). */
      file: string;
      sources: ByteSource[];
      listing: TensorListing;
    }
  /** The repository has several weight files: ask the user, then call openHubModel with `file`. */
  | { kind: 'choose'; modelId: string; revision: string; files: string[] };

const WEIGHT_FILE = /\.(safetensors|gguf|npy|npz)$|\.safetensors\.index\.json$/;
const MODEL_ID = /^[A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*)?$/;
/** A gap between sampled rows up to this size is read through: cheaper than another round trip. */
const HTTP_COALESCE_GAP_BYTES = 1024 * 1024;

function hubError(
  code: ParseErrorCode,
  fileName: string | undefined,
  message: string,
  hint: string,
  status?: number,
) {
  return new ParseError({ format: 'hub', code, fileName, message, hint, status });
}

/** decodeURIComponent that leaves a malformed escape ("%E0%A4%A") as it is instead of throwing. */
function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'huggingface.co';
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * Understands "org/name", "org/name@revision", "gpt2", and Hub URLs (`/org/name`, `/org/name/tree/rev`,
 * `/org/name/blob/rev/file`, `/org/name/resolve/rev/file`); any other http(s) URL is a direct file URL.
 */
export function parseHubInput(input: string, endpoint = DEFAULT_ENDPOINT): HubInput {
  const text = input.trim();
  if (/^https?:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw hubError(
        'bad-value',
        undefined,
        `"${text}" is not a valid URL`,
        'Paste a model id like openai-community/gpt2 or a file URL.',
      );
    }
    const hubHosts = new Set(['huggingface.co', 'hf.co', hostOf(endpoint)]);
    const parts = url.pathname.split('/').filter(Boolean).map(decodeSafely);
    if (hubHosts.has(url.host) && parts.length >= 1 && parts[0] !== 'api') {
      const markers = ['resolve', 'blob', 'tree'];
      const at = parts.findIndex((p, i) => i > 0 && i <= 2 && markers.includes(p));
      const idParts = at < 0 ? parts.slice(0, 2) : parts.slice(0, at);
      const modelId = idParts.join('/');
      if (MODEL_ID.test(modelId) && (at < 0 ? parts.length <= 2 : true)) {
        if (at < 0) return { kind: 'model', modelId, revision: 'main' };
        const revision = parts[at + 1] ?? 'main';
        const file = parts.slice(at + 2).join('/');
        return parts[at] === 'tree' || !file
          ? { kind: 'model', modelId, revision }
          : { kind: 'model', modelId, revision, file };
      }
    }
    return { kind: 'url', url: text };
  }
  const [id, ...rest] = text.split('@');
  const revision = rest.length > 0 ? rest.join('@') : 'main';
  if (!MODEL_ID.test(id) || revision === '') {
    throw hubError(
      'bad-value',
      undefined,
      `"${text}" is not a model id or URL`,
      'Type a model id like openai-community/gpt2 (optionally @revision), or paste a file URL.',
    );
  }
  return { kind: 'model', modelId: id, revision };
}

/** `{endpoint}/{id}/resolve/{rev}/{path}` with every segment URL-encoded. */
export function resolveUrl(endpoint: string, modelId: string, revision: string, path: string): string {
  const encodedPath = path.split('/').map(encodeURIComponent).join('/');
  return `${trimSlash(endpoint)}/${modelId}/resolve/${encodeURIComponent(revision)}/${encodedPath}`;
}

function authHeaders(token: string | undefined): Record<string, string> {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/** Display name for errors: the URL without query (signed CDN URLs carry secrets in the query). */
function shortUrl(url: string): string {
  return url.split('?')[0];
}

/** fetch that turns network failures into ParseErrors and lets aborts through unchanged. */
async function request(fetchFn: FetchLike, url: string, init: RequestInit, what: string): Promise<Response> {
  try {
    return await fetchFn(url, init);
  } catch (error) {
    if (init.signal?.aborted) throw init.signal.reason ?? error;
    if (error instanceof Error && error.name === 'AbortError') throw error;
    throw hubError(
      'network',
      shortUrl(url),
      `could not fetch ${what} (${error instanceof Error ? error.message : String(error)})`,
      'Check the connection and the endpoint address. In a browser the server must also allow cross-origin requests (CORS).',
    );
  }
}

/** Maps an unsuccessful HTTP status to a ParseError with what to do about it. */
async function statusError(
  response: Response,
  url: string,
  what: string,
  modelId?: string,
): Promise<ParseError> {
  await response.body?.cancel().catch(() => undefined);
  const status = response.status;
  if (status === 401 || status === 403) {
    return hubError(
      'auth',
      shortUrl(url),
      `access to ${what} was refused (HTTP ${status}): the model is gated or private${modelId ? `, or ${modelId} does not exist` : ''}`,
      'Accept the model’s terms on its Hub page if it is gated, then paste an access token (hf_…) with read access.',
      status,
    );
  }
  if (status === 404) {
    return hubError(
      'not-found',
      shortUrl(url),
      `${what} was not found (HTTP 404)`,
      modelId
        ? `Check the spelling of "${modelId}" and the revision; private models need an access token.`
        : 'Check the URL.',
      status,
    );
  }
  return hubError(
    'http',
    shortUrl(url),
    `${what} failed with HTTP ${status} ${response.statusText}`.trim(),
    'Try again later.',
    status,
  );
}

function rangeRefused(url: string, response: Response): ParseError {
  const length = Number(response.headers.get('content-length'));
  return hubError(
    'range-unsupported',
    shortUrl(url),
    `the server ignored the Range request and started sending the whole file${Number.isFinite(length) && length > 0 ? ` (${formatBytes(length)})` : ''}; refused rather than downloading it all`,
    'Use a server that supports HTTP Range requests (the Hugging Face Hub does), or download the file and open it from disk.',
    response.status,
  );
}

/** Parses a Content-Range header: "bytes a-b/total" (a 416 answer puts an asterisk in place of a-b). */
function parseContentRange(header: string | null): { start: number; end: number; total: number } | null {
  const m = /^bytes\s+(?:(\d+)-(\d+)|\*)\/(\d+|\*)$/i.exec(header?.trim() ?? '');
  if (!m || m[3] === '*') return null;
  return { start: m[1] ? Number(m[1]) : -1, end: m[2] ? Number(m[2]) : -1, total: Number(m[3]) };
}

export interface HttpSourceOptions {
  /** File name for messages (default: the URL's last path segment). */
  name?: string;
  headers?: Record<string, string>;
  fetch?: FetchLike;
  signal?: AbortSignal;
  /** Time without a byte after which a read counts as stalled (default STALL_MS, 20 s). */
  stallMs?: number;
  /** Told when a read waits for bytes; its Retry makes the read start again from the bytes received. */
  stallWatch?: StallWatch;
}

/** Resumed attempts of a dropped or stalled Range read, and the first back-off (doubled each time). */
const RANGE_RETRIES = 3;
const RETRY_BACKOFF_MS = 250;

/** Waits `ms`, or rejects with the signal's reason when it aborts first. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/**
 * Opens a remote file as a ByteSource. One request (`Range: bytes=0-7`) learns the size from Content-Range and
 * keeps those first bytes; every later read is one Range request for exactly the bytes asked for.
 */
export async function fromHttp(url: string, options: HttpSourceOptions = {}): Promise<ByteSource> {
  const fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const headers = options.headers ?? {};
  const name = options.name ?? (decodeSafely(shortUrl(url).split('/').pop() ?? '') || 'file');
  const rangeGet = async (start: number, end: number, signal?: AbortSignal) => {
    const response = await request(
      fetchFn,
      url,
      { headers: { ...headers, Range: `bytes=${start}-${end}` }, signal },
      name,
    );
    if (response.status === 200) {
      await response.body?.cancel().catch(() => undefined);
      throw rangeRefused(url, response);
    }
    return response;
  };

  /**
   * The body of a 206 reply to `bytes=offset-(offset+length-1)`, checked before it is read: Content-Range and
   * Content-Length must cover exactly what was asked (a server that ignores the end of the range would send the
   * whole file), and the body is read only up to `length` bytes, the rest cancelled.
   */
  const rangeBody = async (
    response: Response,
    offset: number,
    length: number,
    range: ReturnType<typeof parseContentRange>,
    signal?: AbortSignal,
    attempt = 0,
  ): Promise<Uint8Array> => {
    const asked = `bytes ${offset}-${offset + length - 1}`;
    const declaredLength = response.headers.get('content-length');
    let fault: string | null = null;
    if (range && (range.start !== offset || range.end !== offset + length - 1)) {
      fault = `asked for ${asked} but the server's Content-Range says bytes ${range.start}-${range.end} (of ${formatBytes(range.total)})`;
    } else if (declaredLength !== null && Number(declaredLength) !== length) {
      fault = `asked for ${asked} (${formatBytes(length)}) but the server announced a body of ${formatBytes(Number(declaredLength))}`;
    }
    if (fault) {
      await response.body?.cancel().catch(() => undefined);
      throw hubError(
        'http',
        shortUrl(url),
        `the server did not honour the Range request: ${fault}; refused rather than reading past what was asked`,
        'The server mishandles HTTP Range requests: use one that honours them (the Hugging Face Hub does), or download the file and open it from disk.',
      );
    }
    try {
      return await readBodyBounded(response, length, true, options.stallMs, options.stallWatch);
    } catch (error) {
      if (!(error instanceof BodyReadError)) throw error;
      // The user's Retry: resume at once, and it uses none of the automatic attempts.
      const byUser = error.kind === 'retry';
      if (byUser || (error.kind !== 'over' && attempt < RANGE_RETRIES)) {
        // A dropped or stalled read resumes from the bytes received, after a back-off (0.25 s, 0.5 s, 1 s).
        if (!byUser) await sleep(RETRY_BACKOFF_MS * 2 ** attempt, signal);
        const from = offset + error.received;
        const again = await rangeGet(from, offset + length - 1, signal);
        if (again.status !== 206) throw await statusError(again, url, name);
        const rest = await rangeBody(
          again,
          from,
          length - error.received,
          parseContentRange(again.headers.get('content-range')),
          signal,
          byUser ? attempt : attempt + 1,
        );
        const whole = new Uint8Array(length);
        whole.set(error.partial, 0);
        whole.set(rest, error.received);
        return whole;
      }
      const retried = attempt > 0 ? ` (after ${attempt} ${attempt === 1 ? 'retry' : 'retries'})` : '';
      throw hubError(
        error.kind === 'over' ? 'http' : 'network',
        shortUrl(url),
        error.kind === 'over'
          ? `asked for ${asked} but the server kept sending past ${formatBytes(length)}; the rest was cancelled`
          : error.kind === 'stalled'
            ? `the download of ${asked} stalled: ${error.message}${retried}`
            : `the download of ${asked} stopped early: ${error.message}${retried}`,
        error.kind === 'over'
          ? 'The server mishandles HTTP Range requests: use one that honours them, or download the file and open it from disk.'
          : 'The connection dropped or stalled: check the network and try again.',
      );
    }
  };

  const first = await rangeGet(0, 7, options.signal);
  let size: number;
  let head: Uint8Array;
  if (first.status === 416) {
    // Range not satisfiable: only an empty file answers bytes=0-7 this way.
    const range = parseContentRange(first.headers.get('content-range'));
    await first.body?.cancel().catch(() => undefined);
    size = range?.total ?? 0;
    head = new Uint8Array(0);
  } else if (first.status === 206) {
    const range = parseContentRange(first.headers.get('content-range'));
    if (range?.start !== 0) {
      await first.body?.cancel().catch(() => undefined);
      throw hubError(
        'http',
        shortUrl(url),
        'the server answered the Range request without a usable Content-Range',
        'Use a server that supports HTTP Range requests.',
      );
    }
    size = range.total;
    head = await rangeBody(first, 0, Math.min(8, size), range);
  } else {
    throw await statusError(first, url, name);
  }

  return {
    name,
    size,
    coalesceGapBytes: HTTP_COALESCE_GAP_BYTES,
    async read(offset, length, signal) {
      throwIfAborted(signal);
      if (offset + length > size || offset < 0 || length < 0) {
        throw new RangeError(
          `${name}: read of ${length} bytes at ${offset} runs past the end (${size} bytes)`,
        );
      }
      if (length === 0) return new Uint8Array(0);
      if (offset + length <= head.length) return head.subarray(offset, offset + length);
      const response = await rangeGet(offset, offset + length - 1, signal);
      if (response.status !== 206) throw await statusError(response, url, name);
      const range = parseContentRange(response.headers.get('content-range'));
      return rangeBody(response, offset, length, range, signal);
    },
  };
}

/**
 * The repository's file names, from the Hub API (`siblings[].rfilename`).
 * Rejects with ParseError `auth` (401/403), `not-found` (404), `network` or `http`.
 */
export async function listHubFiles(
  modelId: string,
  revision: string,
  options: HubOptions = {},
): Promise<string[]> {
  const endpoint = trimSlash(options.endpoint ?? DEFAULT_ENDPOINT);
  const fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const url =
    revision === 'main'
      ? `${endpoint}/api/models/${modelId}`
      : `${endpoint}/api/models/${modelId}/revision/${encodeURIComponent(revision)}`;
  const response = await request(
    fetchFn,
    url,
    { headers: authHeaders(options.token), signal: options.signal },
    `the file list of ${modelId}`,
  );
  if (!response.ok) throw await statusError(response, url, `model ${modelId}`, modelId);
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw hubError(
      'http',
      shortUrl(url),
      'the Hub API answered with something that is not JSON',
      'Check the endpoint address.',
    );
  }
  const siblings = (body as { siblings?: unknown } | null)?.siblings;
  if (!Array.isArray(siblings)) {
    throw hubError(
      'http',
      shortUrl(url),
      'the Hub API answer has no file list (siblings)',
      'Check the endpoint address.',
    );
  }
  return siblings
    .map((s) => (s as { rfilename?: unknown } | null)?.rfilename)
    .filter((f): f is string => typeof f === 'string');
}

/** Weight files the app can read, best first: the sharded index, model.safetensors, then the rest. */
export function pickWeightFiles(files: readonly string[]): string[] {
  const candidates = files.filter((f) => WEIGHT_FILE.test(f));
  const rank = (f: string) =>
    f === 'model.safetensors.index.json'
      ? 0
      : f === 'model.safetensors'
        ? 1
        : f.endsWith('.index.json')
          ? 2
          : 3;
  const sorted = [...candidates].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  // Shards are reached through their index: do not offer them one by one when an index exists.
  const hasIndex = sorted.some((f) => f.endsWith('.safetensors.index.json'));
  return hasIndex ? sorted.filter((f) => !/-\d{5}-of-\d{5}\.safetensors$/.test(f)) : sorted;
}

/** Opens one weight file over HTTP and lists it (an index file brings its shards along). */
async function openFile(
  url: string,
  fileName: string,
  options: HubOptions,
  shardUrl: (shard: string) => string,
) {
  const headers = authHeaders(options.token);
  const fetchFn = options.fetch;
  const name = baseName(fileName);
  if (fileName.endsWith('.json')) {
    const index = await fetchIndex(url, name, options);
    const shardNames = (await readShardIndex(index, options.signal)).shardPaths;
    const shards: ByteSource[] = [];
    // A few shards at a time: each open is one small Range request.
    for (let i = 0; i < shardNames.length; i += 6) {
      const batch = shardNames.slice(i, i + 6);
      shards.push(
        ...(await Promise.all(
          batch.map((shard) =>
            fromHttp(shardUrl(shard), {
              name: baseName(shard),
              headers,
              fetch: fetchFn,
              signal: options.signal,
              stallWatch: options.stallWatch,
            }),
          ),
        )),
      );
    }
    const listing = await listSharded(index, shards, options.signal);
    return { sources: [index, ...shards], listing };
  }
  const source = await fromHttp(url, {
    name,
    headers,
    fetch: fetchFn,
    signal: options.signal,
    stallWatch: options.stallWatch,
  });
  const list = fileName.endsWith('.gguf')
    ? listGguf
    : fileName.endsWith('.npy')
      ? listNpy
      : fileName.endsWith('.npz')
        ? listNpz
        : listSafetensors;
  return { sources: [source], listing: await list(source, options.signal) };
}

async function fetchIndex(url: string, name: string, options: HubOptions): Promise<ByteSource> {
  const fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const response = await request(
    fetchFn,
    url,
    { headers: authHeaders(options.token), signal: options.signal },
    name,
  );
  if (!response.ok) throw await statusError(response, url, name);
  const length = Number(response.headers.get('content-length'));
  if (Number.isFinite(length) && length > MAX_INDEX_BYTES) {
    await response.body?.cancel().catch(() => undefined);
    throw hubError(
      'too-large',
      shortUrl(url),
      `the index is ${formatBytes(length)}, too large for a safetensors index`,
      'Check the file.',
    );
  }
  try {
    // Streamed and stopped at the limit: an index served without Content-Length cannot make us read 100 MiB.
    return fromBytes(name, await readBodyBounded(response, MAX_INDEX_BYTES, false));
  } catch (error) {
    if (!(error instanceof BodyReadError)) throw error;
    throw hubError(
      error.kind === 'over' ? 'too-large' : 'http',
      shortUrl(url),
      error.kind === 'over'
        ? `the index ran past ${formatBytes(MAX_INDEX_BYTES)} without ending (the server sent no Content-Length); reading stopped there`
        : `the download of the index stopped early: ${error.message}`,
      error.kind === 'over' ? 'Check the file.' : 'The connection dropped: check the network and try again.',
    );
  }
}

/**
 * Opens a model id ("org/name", "org/name@rev"), a Hub URL or a direct file URL, and lists its tensors by
 * reading headers only. Use the returned sources and listing with `loadTensor` (which downloads only the chosen
 * tensor's byte range, with progress and cancel). When the repository holds several weight files and none is
 * the obvious choice, resolves to `{ kind: 'choose', files }`: call again with `{ ...input, file }`.
 * Rejects with ParseError (`auth`, `not-found`, `network`, `range-unsupported`, `http`, or a format error).
 */
export async function openHubModel(
  input: string | HubInput,
  options: HubOptions = {},
): Promise<HubOpenResult> {
  const endpoint = trimSlash(options.endpoint ?? DEFAULT_ENDPOINT);
  const parsed = typeof input === 'string' ? parseHubInput(input, endpoint) : input;
  if (parsed.kind === 'url') {
    const base = parsed.url.split('?')[0];
    const dir = base.slice(0, base.lastIndexOf('/') + 1);
    const fileName = decodeSafely(base.slice(dir.length));
    const opened = await openFile(
      parsed.url,
      fileName,
      options,
      (shard) => dir + shard.split('/').map(encodeURIComponent).join('/'),
    );
    return { kind: 'opened', modelId: null, revision: null, file: fileName, ...opened };
  }
  const { modelId, revision } = parsed;
  const open = async (file: string) => {
    const folder = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
    const opened = await openFile(resolveUrl(endpoint, modelId, revision, file), file, options, (shard) =>
      resolveUrl(endpoint, modelId, revision, folder + shard),
    );
    return { kind: 'opened' as const, modelId, revision, file, ...opened };
  };
  if (parsed.file) return open(parsed.file);

  let files: string[] | null = null;
  try {
    files = await listHubFiles(modelId, revision, options);
  } catch (error) {
    // Without a working API (some mirrors), fall back to the conventional file names below.
    if (!(error instanceof ParseError) || error.code === 'auth' || error.code === 'not-found') throw error;
  }
  if (files === null) {
    for (const file of ['model.safetensors.index.json', 'model.safetensors']) {
      try {
        return await open(file);
      } catch (error) {
        if (!(error instanceof ParseError) || error.code !== 'not-found') throw error;
      }
    }
    throw hubError(
      'not-found',
      modelId,
      'found neither model.safetensors.index.json nor model.safetensors',
      'Paste the URL of a .safetensors or .gguf file in this repository instead.',
    );
  }
  const weights = pickWeightFiles(files);
  if (weights.length === 0) {
    throw hubError(
      'not-found',
      modelId,
      'this repository has no weight file the app can read (.safetensors, .gguf, .npy, .npz)',
      'PyTorch .bin/.pt files are pickles and cannot be read safely in a browser; pick a repository with safetensors.',
    );
  }
  if (
    weights[0] === 'model.safetensors.index.json' ||
    weights[0] === 'model.safetensors' ||
    weights.length === 1
  ) {
    return open(weights[0]);
  }
  return { kind: 'choose', modelId, revision, files: weights };
}
