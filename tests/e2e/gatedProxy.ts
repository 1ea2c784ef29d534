/**
 * A pass-through HTTP proxy (node:http, 127.0.0.1) in front of the local Hub server that can hold chosen
 * requests until the test releases them: a slow download made deterministic, so a browser test can see a
 * progress bar part-way and press Cancel while bytes are still on their way. It records which held requests
 * the browser abandoned (the connection closed before an answer), i.e. that cancel reached the network.
 */
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HeldRequest {
  url: string;
  range: string | undefined;
  /** Byte offset the Range starts at (NaN without a Range). */
  start: number;
}

export interface GatedProxy {
  /** Base URL to use as the app's Hub endpoint. */
  url: string;
  /** Holds every later request for which `predicate` is true (replacing any earlier predicate). */
  hold(predicate: (request: HeldRequest) => boolean): void;
  /** Stops holding and lets every held request through. */
  release(): void;
  /** Requests currently held. */
  readonly held: HeldRequest[];
  /** Held requests the client gave up on before they were released. */
  readonly abandoned: HeldRequest[];
  close(): Promise<void>;
}

function forward(target: URL, req: IncomingMessage, res: ServerResponse): void {
  const upstream = request(
    {
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: target.host },
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502).end();
    else res.destroy();
  });
  req.pipe(upstream);
  res.on('close', () => upstream.destroy());
}

/** Starts the proxy on an ephemeral port, forwarding to `targetUrl` (e.g. the Hub stand-in's URL). */
export async function startGatedProxy(targetUrl: string): Promise<GatedProxy> {
  const target = new URL(targetUrl);
  let predicate: ((r: HeldRequest) => boolean) | null = null;
  const held: Array<HeldRequest & { go(): void }> = [];
  const abandoned: HeldRequest[] = [];
  const server = createServer((req, res) => {
    const range = req.headers.range;
    const info: HeldRequest = {
      url: req.url ?? '/',
      range,
      start: Number(/bytes=(\d+)-/.exec(range ?? '')?.[1] ?? Number.NaN),
    };
    if (req.method === 'OPTIONS' || !predicate?.(info)) {
      forward(target, req, res);
      return;
    }
    let released = false;
    const entry = {
      ...info,
      go: () => {
        released = true;
        forward(target, req, res);
      },
    };
    held.push(entry);
    res.on('close', () => {
      if (released) return;
      abandoned.push(info);
      const i = held.indexOf(entry);
      if (i >= 0) held.splice(i, 1);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hold(p) {
      predicate = p;
    },
    release() {
      predicate = null;
      for (const entry of held.splice(0)) entry.go();
    },
    get held() {
      return held.map(({ go: _, ...r }) => r);
    },
    abandoned,
    close: () =>
      new Promise<void>((resolve) => {
        for (const entry of held.splice(0)) entry.go();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
