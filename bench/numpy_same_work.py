"""The engine's full recompute written with NumPy, for the benchmark's ratio column.

Reads a raw float32 matrix (rows x cols) and, for each scheme, times the same work computeQuantView does:
quantize + dequantize, MSE / max error / bias / SQNR / clipped fraction / levels used, the dequantized and error
histograms, the per-row MSE and the downsampled |error| heatmap. Written as a NumPy user would (vectorised,
float32 arrays); the original's histogram is excluded on both sides (it is cached per tensor).
Usage: python3 bench/numpy_same_work.py FILE ROWS COLS REPEATS  -> prints JSON {scheme: median_ms}
"""
import json
import sys
import time

import numpy as np

F32 = np.float32


def quantize(x, method, bits, gran):
    rows, cols = x.shape
    if gran == "tensor":
        g = x.reshape(1, -1)
    elif gran == "row":
        g = x
    else:  # group of 128 along rows
        g = x.reshape(rows * (cols // 128), 128)
    if method == "absmax":
        qmax = 2 ** (bits - 1) - 1
        alpha = np.abs(g).max(axis=1, keepdims=True)
        step = (alpha / F32(qmax)).astype(F32)
        step[step == 0] = 1
        q = np.clip(np.round(g / step), -qmax, qmax)
        d = (q * step).astype(F32)
        lo, hi = -alpha, alpha
    else:
        qmin, qmax = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
        lo = g.min(axis=1, keepdims=True)
        hi = g.max(axis=1, keepdims=True)
        rng = (hi - lo).astype(F32)
        rng[rng == 0] = 1
        step = (rng / F32(2 ** bits - 1)).astype(F32)
        z = np.round(-lo / step) + F32(qmin)
        q = np.clip(np.round(g / step + z), qmin, qmax)
        d = ((q - z) * step).astype(F32)
    clipped = np.count_nonzero((g < lo) | (g > hi))
    return q.reshape(x.shape).astype(np.int16), d.reshape(x.shape), clipped, qmax


def full_recompute(x, method, bits, gran, bins=128, ebins=64, cells=128):
    q, d, clipped, qmax = quantize(x, method, bits, gran)
    e = d - x
    e64 = e.astype(np.float64)
    sse = float(np.dot(e64.ravel(), e64.ravel()))
    mse = sse / e.size
    maxerr = float(np.abs(e).max())
    bias = float(e64.mean())
    sqnr = 10 * np.log10(float(np.dot(x.ravel().astype(np.float64), x.ravel().astype(np.float64))) / sse) if sse > 0 else np.inf
    levels = np.count_nonzero(np.bincount((q.ravel().astype(np.int32) + 2 ** (bits - 1))))
    lo = float(min(x.min(), d.min()))
    hi = float(max(x.max(), d.max()))
    hd, _ = np.histogram(d, bins=bins, range=(lo, hi))
    he, _ = np.histogram(e, bins=ebins, range=(-maxerr, maxerr))
    row_mse = (e64 ** 2).mean(axis=1)
    rows, cols = x.shape
    rc, cc = rows // min(rows, cells), cols // min(cols, cells)
    heat = np.abs(e).reshape(rows // rc, rc, cols // cc, cc).mean(axis=(1, 3))
    return mse, maxerr, bias, sqnr, clipped, levels, hd, he, row_mse, heat


def main():
    path, rows, cols, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    x = np.fromfile(path, dtype=F32).reshape(rows, cols)
    out = {}
    for method in ["absmax", "zeroPoint"]:
        for gran, bits in [("tensor", 8), ("row", 8), ("group128", 4)]:
            full_recompute(x, method, bits, gran)  # warm-up
            times = []
            for _ in range(repeats):
                t = time.perf_counter()
                full_recompute(x, method, bits, gran)
                times.append((time.perf_counter() - t) * 1000)
            out[f"{method} int{bits} {gran}"] = float(np.median(times))
    print(json.dumps({"numpy": np.__version__, "medians": out}))


if __name__ == "__main__":
    main()
