/**
 * A deflate "bomb" .npz made in memory in a fraction of a second: one member whose valid .npy header declares a
 * large float32 array of zeros. Each MiB of zeros is deflated once, ending in a full flush (the compressor's
 * state reset, byte-aligned), so the same few hundred bytes can be repeated for every MiB: 1 GiB of zeros costs
 * ~1 MB of archive, as a real `numpy.savez_compressed(np.zeros((16384, 16384), np.float32))` does.
 * The zip layout is PKWARE APPNOTE 6.3 (local header, central directory, end record); the CRC is real.
 */
import { constants, crc32, deflateRawSync } from 'node:zlib';
import { concatBytes, npyBytes } from './writers';

const MIB = 1 << 20;

export interface ZipBomb {
  bytes: Uint8Array;
  /** Bytes the member inflates to (.npy header + data). */
  inflatedSize: number;
}

/**
 * An .npz holding `name`.npy, a `rows` × `cols` `<f4` array of zeros. `declaredSize` overrides the size the zip
 * directory declares for the member (a lying archive); `declaredShape` overrides the shape the .npy header states
 * (the data written stays rows × cols).
 */
export function zeroBombNpz(
  rows: number,
  cols: number,
  options: { name?: string; declaredShape?: number[]; declaredSize?: number } = {},
): ZipBomb {
  const name = `${options.name ?? 'bomb'}.npy`;
  const header = npyBytes({
    descr: '<f4',
    shape: options.declaredShape ?? [rows, cols],
    data: new Uint8Array(0),
  });
  const dataBytes = rows * cols * 4;
  const full = { finishFlush: constants.Z_FULL_FLUSH };
  const parts: Uint8Array[] = [deflateRawSync(header, full)];
  const zeroMiB = new Uint8Array(MIB);
  const wholeMiB = deflateRawSync(zeroMiB, full);
  let crc = crc32(header);
  let left = dataBytes;
  while (left >= MIB) {
    parts.push(wholeMiB);
    crc = crc32(zeroMiB, crc);
    left -= MIB;
  }
  if (left > 0) {
    parts.push(deflateRawSync(zeroMiB.subarray(0, left), full));
    crc = crc32(zeroMiB.subarray(0, left), crc);
  }
  parts.push(deflateRawSync(new Uint8Array(0))); // the final (empty) block
  const data = concatBytes(...parts);
  const inflatedSize = header.length + dataBytes;
  const declared = options.declaredSize ?? inflatedSize;
  const nameBytes = new TextEncoder().encode(name);

  const local = new Uint8Array(30);
  const lv = new DataView(local.buffer);
  lv.setUint32(0, 0x04034b50, true);
  lv.setUint16(4, 20, true);
  lv.setUint16(8, 8, true); // deflated
  lv.setUint32(14, crc >>> 0, true);
  lv.setUint32(18, data.length, true);
  lv.setUint32(22, declared, true);
  lv.setUint16(26, nameBytes.length, true);

  const central = new Uint8Array(46);
  const cv = new DataView(central.buffer);
  cv.setUint32(0, 0x02014b50, true);
  cv.setUint16(4, 20, true);
  cv.setUint16(6, 20, true);
  cv.setUint16(10, 8, true);
  cv.setUint32(16, crc >>> 0, true);
  cv.setUint32(20, data.length, true);
  cv.setUint32(24, declared, true);
  cv.setUint16(28, nameBytes.length, true);
  cv.setUint32(42, 0, true); // local header at 0

  const cdOffset = local.length + nameBytes.length + data.length;
  const cdSize = central.length + nameBytes.length;
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, 1, true);
  ev.setUint16(10, 1, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, cdOffset, true);
  return { bytes: concatBytes(local, nameBytes, data, central, nameBytes, end), inflatedSize };
}
