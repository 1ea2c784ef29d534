/**
 * A local stand-in for the Hugging Face Hub on 127.0.0.1 (node:http), serving real files under the Hub's URL
 * layout: `GET /api/models/{id}[/revision/{rev}]` (JSON with `siblings: [{rfilename}]`) and
 * `GET /{id}/resolve/{rev}/{path}` with HTTP Range support (206 + Content-Range, 416 past the end).
 * Options simulate gated models (401 without the right Bearer token), missing models (404), a server that
 * ignores Range (200 with the whole body), the Hub's redirect of file downloads to a CDN, and a mirror without
 * the API. CORS headers are sent so browser tests can use it too. Every request is recorded.
 * `faults` make one file misbehave on its data reads (Range reads of at least `minLength` bytes, so the header
 * reads pass): a 206 carrying the whole file, a body that drops or stalls halfway, or (for an index) no
 * Content-Length and a body that never ends.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HubModel {
  /** path in the repository → bytes, for revision "main". */
  files: Record<string, Uint8Array>;
  /** Other revisions (branch, tag or commit) → their files. */
  revisions?: Record<string, Record<string, Uint8Array>>;
  /** Gated/private: every request needs `Authorization: Bearer <token>`, else 401. */
  token?: string;
}

export interface HubServerOptions {
  /** model id ("org/name" or "gpt2") → repository. */
  models: Record<string, HubModel>;
  /** Answer Range requests with 200 and the whole file, as a server without Range support does. */
  ignoreRange?: boolean;
  /** Redirect /resolve/ downloads (302) to /cdn/..., as the Hub does for LFS files. */
  redirect?: boolean;
  /** Answer /api/ with this status (e.g. 500) to simulate a mirror without the API. */
  apiStatus?: number;
  /** Misbehaviour per file path in the repository (any model, any revision). */
  faults?: Record<string, HubFault>;
}

/**
 * `whole206`: a 206 whose Content-Range and body cover the whole file whatever was asked (every data read);
 * `drop`: half the asked bytes, then the connection is cut; `stall`: half, then silence (the connection stays
 * open); `endless`: no Content-Length and a body that never ends (the file's bytes, then spaces). `drop` and
 * `stall` apply to the first `times` data reads (default 1), later reads are served right.
 */
export interface HubFault {
  kind: 'whole206' | 'drop' | 'stall' | 'endless';
  times?: number;
  /** Range reads shorter than this are served right (default 4096: the header reads). */
  minLength?: number;
}

export interface RecordedRequest {
  method: string;
  /** Path and query as requested (tests check that no token ever appears here). */
  url: string;
  range?: string;
  authorization?: string;
}

export interface HubServer {
  /** Base URL, e.g. http://127.0.0.1:54321 (use as the client's endpoint). */
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'Range, Authorization, Content-Type',
  'Access-Control-Expose-Headers': 'Content-Range, Content-Length, Accept-Ranges',
};

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...CORS,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Splits "/org/name/<marker>/rest..." into the model id and the rest, trying one- and two-segment ids. */
function splitModelPath(
  parts: string[],
  marker: string,
  models: Record<string, HubModel>,
): { id: string; rest: string[] } | null {
  for (const n of [2, 1]) {
    const id = parts.slice(0, n).join('/');
    if (parts[n] === marker && (models[id] || n === 2)) return { id, rest: parts.slice(n + 1) };
  }
  return null;
}

/** Serves `bytes` as the fault says; false when this request is served right (the fault spent or not its kind). */
function serveFaulty(req: IncomingMessage, res: ServerResponse, bytes: Uint8Array, fault: HubFault): boolean {
  const size = bytes.length;
  const headers = { ...CORS, 'Accept-Ranges': 'bytes', 'Content-Type': 'application/octet-stream' };
  if (fault.kind === 'endless') {
    res.writeHead(200, headers); // chunked: no Content-Length
    res.write(Buffer.from(bytes));
    const spaces = Buffer.alloc(256 * 1024, 0x20);
    const pump = () => {
      while (!res.destroyed && res.write(spaces));
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
    return true;
  }
  const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
  if (!m) return false;
  const start = Number(m[1]);
  const end = Math.min(Number(m[2]), size - 1);
  if (end - start + 1 < (fault.minLength ?? 4096) || start >= size) return false;
  if (fault.kind === 'whole206') {
    res.writeHead(206, {
      ...headers,
      'Content-Length': size,
      'Content-Range': `bytes 0-${size - 1}/${size}`,
    });
    res.end(Buffer.from(bytes));
    return true;
  }
  if ((fault.times ?? 1) <= 0) return false;
  fault.times = (fault.times ?? 1) - 1;
  const body = bytes.subarray(start, end + 1);
  res.writeHead(206, {
    ...headers,
    'Content-Length': body.length,
    'Content-Range': `bytes ${start}-${end}/${size}`,
  });
  res.write(Buffer.from(body.subarray(0, body.length >> 1)));
  if (fault.kind === 'drop') setTimeout(() => res.destroy(), 20);
  return true;
}

function serveFile(req: IncomingMessage, res: ServerResponse, bytes: Uint8Array, ignoreRange: boolean): void {
  const size = bytes.length;
  const range = req.headers.range;
  const headers = {
    ...CORS,
    'Accept-Ranges': ignoreRange ? 'none' : 'bytes',
    'Content-Type': 'application/octet-stream',
  };
  if (!range || ignoreRange) {
    res.writeHead(200, { ...headers, 'Content-Length': size });
    res.end(Buffer.from(bytes));
    return;
  }
  const m = /^bytes=(\d+)-(\d*)$/.exec(range);
  const start = m ? Number(m[1]) : Number.NaN;
  const end = m && m[2] !== '' ? Math.min(Number(m[2]), size - 1) : size - 1;
  if (!m || start >= size || end < start) {
    res.writeHead(416, { ...headers, 'Content-Range': `bytes */${size}` });
    res.end();
    return;
  }
  res.writeHead(206, {
    ...headers,
    'Content-Length': end - start + 1,
    'Content-Range': `bytes ${start}-${end}/${size}`,
  });
  res.end(Buffer.from(bytes.subarray(start, end + 1)));
}

function filesAt(model: HubModel, revision: string): Record<string, Uint8Array> | undefined {
  return revision === 'main' ? model.files : model.revisions?.[revision];
}

/** Starts the server on an ephemeral port of 127.0.0.1. */
export async function startHubServer(options: HubServerOptions): Promise<HubServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    requests.push({
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      range: req.headers.range,
      authorization: req.headers.authorization,
    });
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS);
      res.end();
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    const authorized = (model: HubModel) =>
      !model.token || req.headers.authorization === `Bearer ${model.token}`;

    if (parts[0] === 'cdn') {
      // /cdn/<id...>/<revision>/<path> was produced by our own redirect: the id and path were encoded as one segment each.
      const [, id, revision, file] = parts;
      const bytes = options.models[id] && filesAt(options.models[id], revision)?.[file];
      if (!bytes) return sendJson(res, 404, { error: 'Entry not found' });
      return serveFile(req, res, bytes, options.ignoreRange ?? false);
    }

    if (parts[0] === 'api' && parts[1] === 'models') {
      if (options.apiStatus) return sendJson(res, options.apiStatus, { error: 'API unavailable' });
      const rest = parts.slice(2);
      const revAt = rest.indexOf('revision');
      const id = (revAt >= 0 ? rest.slice(0, revAt) : rest).join('/');
      const revision = revAt >= 0 ? rest.slice(revAt + 1).join('/') : 'main';
      const model = options.models[id];
      // The Hub answers 401 for private and missing repositories alike when no valid token is sent.
      if (!model) return sendJson(res, 404, { error: 'Repository not found' });
      if (!authorized(model)) return sendJson(res, 401, { error: 'Access to model is restricted.' });
      const files = filesAt(model, revision);
      if (!files) return sendJson(res, 404, { error: 'Invalid rev id' });
      return sendJson(res, 200, {
        id,
        sha: 'f'.repeat(40),
        siblings: Object.keys(files).map((rfilename) => ({ rfilename })),
      });
    }

    const split = splitModelPath(parts, 'resolve', options.models);
    if (split) {
      const model = options.models[split.id];
      if (!model) return sendJson(res, 404, { error: 'Repository not found' });
      if (!authorized(model)) return sendJson(res, 401, { error: 'Access to model is restricted.' });
      const [revision, ...fileParts] = split.rest;
      const file = fileParts.join('/');
      const bytes = filesAt(model, revision)?.[file];
      if (!bytes) return sendJson(res, 404, { error: 'Entry not found' });
      const fault = options.faults?.[file];
      if (fault && serveFaulty(req, res, bytes, fault)) return;
      if (options.redirect) {
        const location = `/cdn/${encodeURIComponent(split.id)}/${encodeURIComponent(revision)}/${encodeURIComponent(file)}`;
        res.writeHead(302, { ...CORS, Location: location });
        res.end();
        return;
      }
      return serveFile(req, res, bytes, options.ignoreRange ?? false);
    }
    sendJson(res, 404, { error: 'Not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
