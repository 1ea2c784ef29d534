/**
 * The NumPy side of the model lab's bench (bench/lab.ts): one python3 process (bench/lab_numpy_same_work.py) kept
 * for the whole run and driven one call at a time, so the engine's calls and NumPy's can be alternated in the same
 * minutes. The process is blocked reading its stdin while the engine runs, and the engine waits for each answer:
 * the two never run at once.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { zipSync } from 'fflate';
import type { DigitsSplit } from '../src/core/nn/data';

/** One call's wall-clock and CPU time (the process's, all its threads), in ms. */
export interface Sample {
  wall: number;
  cpu: number;
}

export type LabWork = 'train' | 'ptq' | 'qat' | 'qatEpoch' | 'sweep';

/** An .npz (a zip of .npy files) of the split, for the NumPy baseline. */
function npzOf(split: DigitsSplit): Uint8Array {
  const npy = (array: Float32Array | Uint8Array, shape: number[]) => {
    const descr = array instanceof Float32Array ? '<f4' : '|u1';
    let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
    while ((10 + header.length + 1) % 64 !== 0) header += ' ';
    header += '\n';
    const head = new Uint8Array(10 + header.length);
    head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
    for (let i = 0; i < header.length; i++) head[10 + i] = header.charCodeAt(i);
    const body = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
    const out = new Uint8Array(head.length + body.length);
    out.set(head);
    out.set(body, head.length);
    return out;
  };
  return zipSync({
    'xtr.npy': npy(split.train.x, [split.train.n, 64]),
    'ytr.npy': npy(split.train.labels, [split.train.n]),
    'xte.npy': npy(split.test.x, [split.test.n, 64]),
    'yte.npy': npy(split.test.labels, [split.test.n]),
  });
}

export interface NumpyWorker {
  /** Runs `work` once in the python process; its own timing of the call (not the pipe's round trip). */
  run(work: LabWork): Promise<Sample>;
  close(): void;
}

/**
 * Starts the NumPy process on the split (OpenBLAS, MKL and OpenMP held to one thread, as the engine runs on one),
 * or returns null with the reason where python3 or NumPy is missing.
 */
export async function startNumpy(
  split: DigitsSplit,
  hidden: number,
  epochs: number,
): Promise<NumpyWorker | string> {
  const dir = mkdtempSync(join(tmpdir(), 'lab-bench-'));
  const file = join(dir, 'split.npz');
  writeFileSync(file, npzOf(split));
  const oneThread = { OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1', OMP_NUM_THREADS: '1' };
  const child = spawn('python3', ['bench/lab_numpy_same_work.py', file, String(hidden), String(epochs)], {
    env: { ...process.env, ...oneThread },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const spawnError = new Promise<string>((resolve) => child.on('error', (e) => resolve(e.message)));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const cleanup = () => {
    child.stdin.end();
    rmSync(dir, { recursive: true, force: true });
  };
  const next = async (): Promise<Record<string, unknown> | string> => {
    const line = await Promise.race([lines.next(), spawnError]);
    if (typeof line === 'string') return line;
    if (line.done) return stderr.trim().split('\n').pop() ?? 'python3 exited';
    return JSON.parse(line.value) as Record<string, unknown>;
  };
  const ready = await next();
  if (typeof ready === 'string') {
    cleanup();
    return ready;
  }
  return {
    async run(work) {
      child.stdin.write(`${work}\n`);
      const answer = await next();
      if (typeof answer === 'string') throw new Error(`NumPy baseline failed: ${answer}`);
      return { wall: Number(answer.wall), cpu: Number(answer.cpu) };
    },
    close: cleanup,
  };
}
