/**
 * Peak memory while loading a deflate bomb .npz (issue #18): a member whose valid .npy header declares a
 * `side` × `side` float32 array of zeros (~1000:1 compressed), loaded through `loadTensor` (sampled to the value
 * limit, inflated in bounded steps), against the old way in the same run: the same stream pushed to fflate's
 * `Inflate` 1 MiB of compressed input at a time (one output chunk per push, ~1 GiB for 1 MiB of zeros).
 * Each mode runs in its own Node process, so each peak RSS is its own; the figure is the peak above the RSS
 * measured just before loading (the archive itself, a few hundred KB, is already in memory).
 * Run: `node --expose-gc --import tsx bench/hostileInput.ts [--side 8192]` (16384 is the 1 GiB case).
 *
 * Then a server that ignores the end of a Range request: a local server (127.0.0.1, in its own process) answers
 * every `Range` with a 206 carrying the whole file (`--server-mib`, default 1024 MiB of zeros, streamed). Peak RSS
 * above the start while opening the file: `fromHttp` (checks Content-Range and Content-Length before reading the
 * body, reads at most what was asked) against the old way in the same run (`fetch` then `arrayBuffer()` of the
 * reply to `bytes=0-7`, which reads the whole body).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { Inflate } from 'fflate';
import { fromBytes, fromHttp, listTensors, loadTensor } from '../src/io';
import { locateEntryData, readZipDirectory } from '../src/io/zip';
import { zeroBombNpz } from '../tests/helpers/zipBomb';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const side = Number(option('side', '8192'));
const mode = option('mode', '');
const serverMiB = Number(option('server-mib', '1024'));
const serverUrl = option('url', '');

/** The misbehaving server: every request gets a 206 whose Content-Range and body are the whole file. */
function serveWhole206(): void {
  const size = serverMiB * 2 ** 20;
  const chunk = new Uint8Array(1 << 20);
  createServer((_req, res) => {
    res.writeHead(206, { 'Content-Range': `bytes 0-${size - 1}/${size}`, 'Content-Length': size });
    let left = size;
    const pump = () => {
      while (left > 0 && !res.destroyed) {
        const n = Math.min(chunk.length, left);
        left -= n;
        if (!res.write(chunk.subarray(0, n))) return void res.once('drain', pump);
      }
      res.end();
    };
    res.on('close', () => {
      left = 0;
    });
    pump();
  }).listen(0, '127.0.0.1', function (this: import('node:net').Server) {
    console.log(JSON.stringify({ port: (this.address() as import('node:net').AddressInfo).port }));
  });
}

async function measureServer(kind: 'checked' | 'wholeBody'): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  const started = performance.now();
  let outcome: string;
  if (kind === 'checked') {
    outcome = await fromHttp(serverUrl).then(
      () => 'opened',
      (e: Error) => `refused: ${e.message.slice(0, 70)}…`,
    );
  } else {
    const response = await fetch(serverUrl, { headers: { Range: 'bytes=0-7' } });
    outcome = `read ${((await response.arrayBuffer()).byteLength / 2 ** 20).toFixed(0)} MiB for 8 bytes`;
  }
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({ kind, peakMiB: (peak - before) / 2 ** 20, seconds, outcome }));
}

async function measure(kind: 'bounded' | 'oneChunkPerMiB'): Promise<void> {
  const bomb = zeroBombNpz(side, side);
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  const timer = setInterval(sample, 5);
  const started = performance.now();
  const source = fromBytes('bomb.npz', bomb.bytes);
  if (kind === 'bounded') {
    const listing = await listTensors([source]);
    await loadTensor([source], listing, 'bomb', { onProgress: sample });
  } else {
    const [entry] = await readZipDirectory(source);
    const start = await locateEntryData(source, entry);
    const inflater = new Inflate(() => sample());
    for (let pos = 0; pos < entry.compressedSize; pos += 1 << 20) {
      const n = Math.min(1 << 20, entry.compressedSize - pos);
      inflater.push(await source.read(start + pos, n), pos + n >= entry.compressedSize);
      sample();
    }
  }
  clearInterval(timer);
  sample();
  const ms = performance.now() - started;
  console.log(JSON.stringify({ kind, peakMiB: (peak - before) / 2 ** 20, seconds: ms / 1000 }));
}

if (mode === 'server') serveWhole206();
else if (mode === 'checked' || mode === 'wholeBody') await measureServer(mode);
else if (mode) await measure(mode as 'bounded' | 'oneChunkPerMiB');
else {
  const inflated = side * side * 4;
  console.log(
    `Deflate bomb: ${side} x ${side} float32 zeros (${(inflated / 2 ** 20).toFixed(0)} MiB inflated, ` +
      `${(zeroBombNpz(side, side).bytes.length / 1024).toFixed(0)} KiB archive); peak RSS above the start, one process per row`,
  );
  const rows: Array<{ kind: string; peakMiB: number; seconds: number }> = [];
  for (const kind of ['oneChunkPerMiB', 'bounded']) {
    const run = spawnSync(
      process.execPath,
      [
        '--expose-gc',
        '--import',
        'tsx',
        new URL(import.meta.url).pathname,
        '--side',
        String(side),
        '--mode',
        kind,
      ],
      { encoding: 'utf8' },
    );
    if (run.status !== 0) throw new Error(run.stderr);
    rows.push(JSON.parse(run.stdout.trim().split('\n').at(-1) as string));
  }
  for (const r of rows)
    console.log(
      `  ${r.kind.padEnd(16)} peak +${r.peakMiB.toFixed(0).padStart(5)} MiB   ${r.seconds.toFixed(1)} s`,
    );
  console.log(`  ratio (old / bounded): ${(rows[0].peakMiB / rows[1].peakMiB).toFixed(1)}x less memory`);

  await benchWhole206();
}

/** The 206-whole server in its own process, each reader in its own process (their RSS is theirs alone). */
async function benchWhole206(): Promise<void> {
  const script = new URL(import.meta.url).pathname;
  const server = spawn(
    process.execPath,
    ['--import', 'tsx', script, '--mode', 'server', '--server-mib', String(serverMiB)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  try {
    const port = await new Promise<number>((resolve, reject) => {
      server.stdout.once('data', (data: Buffer) => resolve(JSON.parse(data.toString()).port));
      server.once('exit', () => reject(new Error('the bench server stopped')));
    });
    const url = `http://127.0.0.1:${port}/model.safetensors`;
    console.log(
      `\nA server that answers bytes=0-7 with a 206 of the whole file (${serverMiB} MiB); peak RSS above the start`,
    );
    const rows: Array<{ kind: string; peakMiB: number; seconds: number; outcome: string }> = [];
    for (const kind of ['wholeBody', 'checked']) {
      const run = spawnSync(
        process.execPath,
        ['--expose-gc', '--import', 'tsx', script, '--mode', kind, '--url', url],
        { encoding: 'utf8' },
      );
      if (run.status !== 0) throw new Error(run.stderr);
      rows.push(JSON.parse(run.stdout.trim().split('\n').at(-1) as string));
    }
    for (const r of rows)
      console.log(
        `  ${r.kind.padEnd(16)} peak +${r.peakMiB.toFixed(0).padStart(5)} MiB   ${r.seconds.toFixed(2)} s   ${r.outcome}`,
      );
    console.log(
      `  ratio (whole body / checked): ${(rows[0].peakMiB / Math.max(rows[1].peakMiB, 0.1)).toFixed(0)}x less memory`,
    );
  } finally {
    server.kill();
  }
}
