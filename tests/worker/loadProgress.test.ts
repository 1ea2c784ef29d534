import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ByteSource, fromBytes } from '../../src/io';
import { createProgressReporter, withReadProgress } from '../../src/worker/loadProgress';

/** A source that records each read (offset, length) it answers. */
function recording(bytes: Uint8Array) {
  const reads: Array<[number, number]> = [];
  const inner = fromBytes('x.bin', bytes);
  const source: ByteSource = {
    name: inner.name,
    size: inner.size,
    coalesceGapBytes: 7,
    read(offset, length, signal) {
      reads.push([offset, length]);
      return inner.read(offset, length, signal);
    },
  };
  return { source, reads };
}

const ramp = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 255);

describe('withReadProgress', () => {
  it('splits a 10-byte read into pieces of 4, 4 and 2 bytes and reports each', async () => {
    const { source, reads } = recording(ramp(32));
    const seen: number[] = [];
    const wrapped = withReadProgress(source, (n) => seen.push(n), 4);
    const bytes = await wrapped.read(5, 10);
    expect(Array.from(bytes)).toEqual(Array.from(ramp(32).subarray(5, 15)));
    expect(reads).toEqual([
      [5, 4],
      [9, 4],
      [13, 2],
    ]);
    expect(seen).toEqual([4, 4, 2]);
  });

  it('passes a read that fits one piece through unchanged and keeps name, size and gap', async () => {
    const { source, reads } = recording(ramp(32));
    const seen: number[] = [];
    const wrapped = withReadProgress(source, (n) => seen.push(n), 16);
    expect(Array.from(await wrapped.read(0, 16))).toEqual(Array.from(ramp(16)));
    expect(reads).toEqual([[0, 16]]);
    expect(seen).toEqual([16]);
    expect([wrapped.name, wrapped.size, wrapped.coalesceGapBytes]).toEqual(['x.bin', 32, 7]);
  });

  it('returns the same bytes as the source for any read and piece size', async () => {
    const data = ramp(200);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 199 }),
        fc.integer({ min: 0, max: 200 }),
        fc.integer({ min: 1, max: 64 }),
        async (offset, rawLength, piece) => {
          const length = Math.min(rawLength, 200 - offset);
          let total = 0;
          const wrapped = withReadProgress(
            fromBytes('r', data),
            (n) => {
              total += n;
            },
            piece,
          );
          const bytes = await wrapped.read(offset, length);
          expect(Array.from(bytes)).toEqual(Array.from(data.subarray(offset, offset + length)));
          expect(total).toBe(length);
        },
      ),
    );
  });
});

describe('createProgressReporter', () => {
  it('always sends the first (0) and the last (total) report, and throttles those between', () => {
    let clock = 0;
    const sent: Array<[number, number]> = [];
    const r = createProgressReporter(
      (l, t) => sent.push([l, t]),
      50,
      () => clock,
      () => undefined, // no trailing report in this test
    );
    r.onLoad(0, 100);
    clock = 10;
    r.onBytes(20); // 10 ms after the last report: held back
    clock = 70;
    r.onBytes(20); // 70 ms: sent, with both pieces counted
    clock = 71;
    r.onLoad(40, 100); // nothing new (40 was already sent)
    r.onLoad(100, 100); // the end: always sent
    expect(sent).toEqual([
      [0, 100],
      [40, 100],
      [100, 100],
    ]);
  });

  it('sends a held-back report when the interval ends, so a stalled download shows how far it got', () => {
    let clock = 0;
    const timers: Array<{ run(): void; at: number }> = [];
    const sent: number[] = [];
    const r = createProgressReporter(
      (l) => sent.push(l),
      50,
      () => clock,
      (run, delayMs) => timers.push({ run, at: clock + delayMs }),
    );
    r.onLoad(0, 100);
    clock = 5;
    r.onBytes(30); // held: 5 ms after the last report
    r.onBytes(10); // still held; one timer only
    expect(sent).toEqual([0]);
    expect(timers.map((t) => t.at)).toEqual([50]);
    clock = 50;
    timers[0].run();
    expect(sent).toEqual([0, 40]);
  });

  it('never reports more than the total, nor less than before', () => {
    const sent: number[] = [];
    const r = createProgressReporter(
      (l) => sent.push(l),
      0,
      () => 0,
    );
    r.onLoad(0, 10);
    r.onBytes(8);
    r.onBytes(8); // pieces overshoot (a coalesced read covers gap bytes too)
    r.onLoad(5, 10); // a whole-read count behind the pieces
    r.onLoad(10, 10);
    expect(sent).toEqual([0, 8, 10, 10]);
    for (let i = 1; i < sent.length; i++) expect(sent[i]).toBeGreaterThanOrEqual(sent[i - 1]);
  });

  it('ignores pieces read before the load knew its total (header reads)', () => {
    const sent: number[] = [];
    const r = createProgressReporter(
      (l) => sent.push(l),
      0,
      () => 0,
    );
    r.onBytes(1000);
    r.onLoad(0, 64);
    r.onBytes(32);
    expect(sent).toEqual([0, 32]);
  });
});
