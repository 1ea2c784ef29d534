"""The model lab's work in NumPy, the baseline of bench/lab.ts, which drives it one call at a time.

Reads the split written by bench/lab.ts (float32 train/test inputs, uint8 labels), then serves: each line on stdin
names one piece of work, which is run once and answered on stdout with its wall and CPU milliseconds as one JSON
object. bench/lab.ts alternates these calls with the engine's own (never both at once: this process is blocked on
stdin while the engine runs), so both sides are measured in the same minutes of a shared machine.

The work, as the TypeScript does it (src/core/nn/lab.ts):
- train: a 64-H-10 MLP (ReLU, softmax cross-entropy, Adam in torch's form, batches of 64, a shuffle per epoch)
  for the default epochs, with the test accuracy and loss after each epoch (trainEpochs reports them);
- ptq: comparePtq: the float model, then int8 absmax and zero-point per tensor (round half to even) of both weight
  matrices with each matrix's SQNR and MSE, each of the three evaluated on the test set with what `evaluate` returns
  (softmax probabilities, mean cross-entropy, predictions, accuracy, confusion matrix);
- qat: runQat with one epoch: the start model's PTQ accuracy, one epoch with fake-quantized weights per batch
  (2-bit zero-point, straight-through gradient) and its test figures, the final PTQ with SQNR and evaluation, and
  fc1's 80-bin histograms before and after with their quantization grids;
- qatEpoch: that epoch alone (trainEpochs with the fake quantizer, from a copy of the trained model);
- sweep: sweepBits: accuracies of 2..8-bit absmax and zero-point per tensor and of the float model (15).
Usage: python3 bench/lab_numpy_same_work.py <data.npz> <hidden> <epochs>
"""

import json
import sys
import time

import numpy as np

f32 = np.float32
data = np.load(sys.argv[1])
H, EPOCHS = int(sys.argv[2]), int(sys.argv[3])
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


def softmax(logits):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def grads(p, x, y):
    z1, h, logits = forward(p, x)
    probs = softmax(logits)
    probs[np.arange(len(y)), y] -= 1
    d2 = probs / len(y)
    d1 = (d2 @ p[2]) * (z1 > 0)
    return [d1.T @ x, d1.sum(0), d2.T @ h, d2.sum(0)]


def test_figures(p):
    """Test accuracy and loss (what each epoch reports)."""
    probs = softmax(forward(p, xte)[2])
    loss = float(-np.log(probs[np.arange(len(yte)), yte]).mean())
    return float((probs.argmax(1) == yte).mean()), loss


def evaluate(p):
    """What `evaluate` returns: probabilities, loss, predictions, accuracy, confusion matrix."""
    probs = softmax(forward(p, xte)[2])
    loss = float(-np.log(probs[np.arange(len(yte)), yte]).mean())
    predictions = probs.argmax(1)
    confusion = np.bincount(yte * 10 + predictions, minlength=100).reshape(10, 10)
    return probs, loss, predictions, float((predictions == yte).mean()), confusion


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
        test_figures(fq(p) if fq else p)
    return p


def params(w, bits, method):
    if method == "absmax":
        qmax = 2 ** (bits - 1) - 1
        s = np.abs(w).max() / qmax
        return (s if s > 0 else 1), 0, -qmax, qmax
    lo, hi = w.min(), w.max()
    s = (hi - lo) / (2**bits - 1)
    s = s if s > 0 else 1 / (2**bits - 1)
    return s, np.round(-lo / s) - 2 ** (bits - 1), -(2 ** (bits - 1)), 2 ** (bits - 1) - 1


def quant(w, bits, method):
    s, z, qmin, qmax = params(w, bits, method)
    return ((np.clip(np.round(w / s + z), qmin, qmax) - z) * s).astype(f32)


def grid(w, bits, method):
    s, z, qmin, qmax = params(w, bits, method)
    return ((np.arange(qmin, qmax + 1) - z) * s).astype(f32)


def quant_model(p, bits, method):
    return [quant(p[0], bits, method), p[1], quant(p[2], bits, method), p[3]]


def measured_model(p, bits, method):
    """quantizeMlp: the quantized model and each matrix's SQNR (dB) and MSE."""
    q = quant_model(p, bits, method)
    layers = []
    for k in (0, 2):
        e = (p[k] - q[k]).astype(np.float64)
        err = float((e * e).sum())
        layers.append((10 * np.log10(float((p[k].astype(np.float64) ** 2).sum()) / err), err / e.size))
    return q, layers


def accuracy(p):
    return float((forward(p, xte)[2].argmax(1) == yte).mean())


def ptq():
    evaluate(trained)
    for method in ("absmax", "zeroPoint"):
        q, _ = measured_model(trained, 8, method)
        evaluate(q)


def qat():
    start = [q.copy() for q in trained]
    before = [q.copy() for q in start]
    evaluate(quant_model(start, 2, "zeroPoint"))
    train(start, 1, 3e-3, np.random.default_rng(2), lambda p: quant_model(p, 2, "zeroPoint"))
    q, _ = measured_model(start, 2, "zeroPoint")
    evaluate(q)
    lo = min(before[0].min(), start[0].min())
    hi = max(before[0].max(), start[0].max())
    for w in (before[0], start[0]):
        np.histogram(w, bins=80, range=(lo, hi))
        grid(w, 2, "zeroPoint")


def sweep():
    [accuracy(quant_model(trained, b, m)) for m in ("absmax", "zeroPoint") for b in range(2, 9)]
    accuracy(trained)


trained = train(init(1), EPOCHS, 1e-2, np.random.default_rng(1))
work = {
    "train": lambda: train(init(1), EPOCHS, 1e-2, np.random.default_rng(1)),
    "ptq": ptq,
    "qat": qat,
    "qatEpoch": lambda: train(
        [q.copy() for q in trained], 1, 3e-3, np.random.default_rng(2), lambda p: quant_model(p, 2, "zeroPoint")
    ),
    "sweep": sweep,
}
print(json.dumps({"ready": True, "floatAccuracy": accuracy(trained)}), flush=True)
for line in sys.stdin:
    name = line.strip()
    if not name:
        continue
    w0, c0 = time.perf_counter(), time.process_time()
    work[name]()
    wall, cpu = (time.perf_counter() - w0) * 1000, (time.process_time() - c0) * 1000
    print(json.dumps({"wall": wall, "cpu": cpu}), flush=True)
