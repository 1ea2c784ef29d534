/**
 * Peak memory while loading a deflate bomb .npz (issue #18): a member whose valid .npy header declares a
 * `side` × `side` float32 array of zeros (~1000:1 compressed), loaded through `loadTensor` (sampled to the value
 * limit, inflated in bounded steps), against the old way in the same run: the same stream pushed to fflate's
 * `Inflate` 1 MiB of compressed input at a time (one output chunk per push, ~1 GiB for 1 MiB of zeros).
 * Each mode runs in its own Node process, so each peak RSS is its own; the figure is the peak above the RSS
 * measured just before loading (the archive itself, a few hundred KB, is already in memory).
 * Run: `node --expose-gc --import tsx bench/hostileInput.ts [--side 8192]` (16384 is the 1 GiB case).
 */
import { spawnSync } from 'node:child_process';
import { Inflate } from 'fflate';
import { fromBytes, listTensors, loadTensor } from '../src/io';
import { locateEntryData, readZipDirectory } from '../src/io/zip';
import { zeroBombNpz } from '../tests/helpers/zipBomb';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const side = Number(option('side', '8192'));
const mode = option('mode', '');

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

if (mode) await measure(mode as 'bounded' | 'oneChunkPerMiB');
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
}
