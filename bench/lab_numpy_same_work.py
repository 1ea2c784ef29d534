"""The model lab's work in NumPy, the baseline of bench/lab.ts (run by it, in the same process run).

Reads the split written by bench/lab.ts (float32 train/test inputs, uint8 labels) and times, as the TypeScript does:
training a 64-H-10 MLP (ReLU, softmax cross-entropy, Adam in torch's form, batches of 64, a shuffle per epoch),
PTQ of both weight matrices for two schemes (int8 absmax and zero-point per tensor, round half to even) with a
test evaluation each, one QAT epoch (fake-quantized weights per batch, straight-through gradient), and the
2..8-bit sweep for the two methods with the float model's accuracy (sweepBits returns it too: 15 evaluations on each
side). Prints one JSON object of median milliseconds: of <repeats> runs, of <short repeats> (default <repeats>) for
the sub-millisecond PTQ and sweep.
Usage: python3 bench/lab_numpy_same_work.py <data.npz> <hidden> <epochs> <repeats> [<short repeats>]
"""

import json
import sys
import time

import numpy as np

f32 = np.float32
data = np.load(sys.argv[1])
H, EPOCHS, REPEATS = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
SHORT_REPEATS = int(sys.argv[5]) if len(sys.argv) > 5 else REPEATS
xtr, ytr, xte, yte = data["xtr"], data["ytr"].astype(np.int64), data["xte"], data["yte"].astype(np.int64)


def init(seed):
    rng = np.random.default_rng(seed)
    p = []
    for i, o in ((64, H), (H, 10)):
        b = 1 / np.sqrt(i)
        p += [rng.uniform(-b, b, (o, i)).astype(f32), rng.uniform(-b, b, o).astype(f32)]
    return p


def forward(p, x):
    z1 = x @ p[0].T + p[1]
    h = np.maximum(z1, 0)
    return z1, h, h @ p[2].T + p[3]


def grads(p, x, y):
    z1, h, logits = forward(p, x)
    m = logits.max(axis=1, keepdims=True)
    e = np.exp(logits - m)
    probs = e / e.sum(axis=1, keepdims=True)
    probs[np.arange(len(y)), y] -= 1
    d2 = probs / len(y)
    d1 = (d2 @ p[2]) * (z1 > 0)
    return [d1.T @ x, d1.sum(0), d2.T @ h, d2.sum(0)]


def train(p, epochs, lr, rng, fq=None):
    m = [np.zeros_like(q) for q in p]
    v = [np.zeros_like(q) for q in p]
    t = 0
    for _ in range(epochs):
        order = rng.permutation(len(ytr))
        for s in range(0, len(order), 64):
            idx = order[s : s + 64]
            used = fq(p) if fq else p
            g = grads(used, xtr[idx], ytr[idx])
            t += 1
            for k in range(4):
                m[k] = 0.9 * m[k] + 0.1 * g[k]
                v[k] = 0.999 * v[k] + 0.001 * g[k] * g[k]
                p[k] -= (lr / (1 - 0.9**t)) * m[k] / (np.sqrt(v[k]) / np.sqrt(1 - 0.999**t) + 1e-8)
        accuracy(used if fq else p)
    return p


def quant(w, bits, method):
    if method == "absmax":
        qmax = 2 ** (bits - 1) - 1
        s = np.abs(w).max() / qmax
        s = s if s > 0 else 1
        return (np.clip(np.round(w / s), -qmax, qmax) * s).astype(f32)
    lo, hi = w.min(), w.max()
    s = (hi - lo) / (2**bits - 1)
    s = s if s > 0 else 1 / (2**bits - 1)
    z = np.round(-lo / s) - 2 ** (bits - 1)
    q = np.clip(np.round(w / s + z), -(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
    return ((q - z) * s).astype(f32)


def quant_model(p, bits, method):
    return [quant(p[0], bits, method), p[1], quant(p[2], bits, method), p[3]]


def accuracy(p):
    return float((forward(p, xte)[2].argmax(1) == yte).mean())


def median_ms(fn, repeats=REPEATS):
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return sorted(times)[len(times) // 2]


trained = train(init(1), EPOCHS, 1e-2, np.random.default_rng(1))
out = {
    "train": median_ms(lambda: train(init(1), EPOCHS, 1e-2, np.random.default_rng(1))),
    "ptq": median_ms(lambda: [accuracy(quant_model(trained, 8, m)) for m in ("absmax", "zeroPoint")], SHORT_REPEATS),
    "qatEpoch": median_ms(
        lambda: train([q.copy() for q in trained], 1, 3e-3, np.random.default_rng(2), lambda p: quant_model(p, 2, "zeroPoint"))
    ),
    "sweep": median_ms(
        lambda: [accuracy(quant_model(trained, b, m)) for m in ("absmax", "zeroPoint") for b in range(2, 9)]
        + [accuracy(trained)],
        SHORT_REPEATS,
    ),
    "floatAccuracy": accuracy(trained),
}
print(json.dumps(out))
