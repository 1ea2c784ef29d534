"""GPT-2's forward pass in NumPy, the language-model bench's baseline (bench/gpt2.ts runs it in the same run).

The same work as src/core/gpt2/forward.ts: token + position embeddings, LAYERS pre-LayerNorm blocks (causal
multi-head attention, GELU tanh), ln_f and the tied head's logits for every token; float32 arrays, matmuls
through NumPy's BLAS. Random weights of GPT-2 124M's shapes (std 0.02). Timing only.
Usage: python3 bench/numpy_gpt2.py TOKENS REPEATS  -> prints JSON {"forward_ms": [...]}
"""
import json
import sys
import time

import numpy as np

V, P, D, H, L, F = 50257, 1024, 768, 12, 12, 3072
F32 = np.float32


def layer_norm(x, g, b, eps=1e-5):
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + F32(eps)) * g + b


def gelu(u):
    return F32(0.5) * u * (F32(1) + np.tanh(F32(np.sqrt(2 / np.pi)) * (u + F32(0.044715) * u ** 3)))


def forward(w, ids):
    t = len(ids)
    x = w["wte"][ids] + w["wpe"][:t]
    mask = np.triu(np.ones((t, t), dtype=bool), 1)
    hd = D // H
    for blk in w["h"]:
        h = layer_norm(x, blk["ln1_g"], blk["ln1_b"])
        qkv = h @ blk["attn_w"] + blk["attn_b"]  # Conv1D layout [in, out], as the checkpoint
        q, k, v = (qkv[:, i * D:(i + 1) * D].reshape(t, H, hd).transpose(1, 0, 2) for i in range(3))
        s = (q @ k.transpose(0, 2, 1)) / F32(np.sqrt(hd))
        s[:, mask] = -np.inf
        s = np.exp(s - s.max(-1, keepdims=True))
        s /= s.sum(-1, keepdims=True)
        y = (s @ v).transpose(1, 0, 2).reshape(t, D)
        x = x + y @ blk["proj_w"] + blk["proj_b"]
        h = layer_norm(x, blk["ln2_g"], blk["ln2_b"])
        x = x + gelu(h @ blk["fc_w"] + blk["fc_b"]) @ blk["fc2_w"] + blk["fc2_b"]
    x = layer_norm(x, w["lnf_g"], w["lnf_b"])
    return x @ w["wte"].T


def main():
    tokens, repeats = int(sys.argv[1]), int(sys.argv[2])
    rng = np.random.default_rng(0)
    r = lambda *shape: (rng.standard_normal(shape, dtype=F32) * F32(0.02))
    w = {
        "wte": r(V, D), "wpe": r(P, D), "lnf_g": np.ones(D, F32), "lnf_b": np.zeros(D, F32),
        "h": [
            {"ln1_g": np.ones(D, F32), "ln1_b": np.zeros(D, F32), "attn_w": r(D, 3 * D), "attn_b": r(3 * D),
             "proj_w": r(D, D), "proj_b": r(D), "ln2_g": np.ones(D, F32), "ln2_b": np.zeros(D, F32),
             "fc_w": r(D, F), "fc_b": r(F), "fc2_w": r(F, D), "fc2_b": r(D)}
            for _ in range(L)
        ],
    }
    ids = rng.integers(0, V, tokens)
    forward(w, ids)  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        logits = forward(w, ids)
        times.append((time.perf_counter() - start) * 1000)
        assert logits.dtype == F32 and logits.shape == (tokens, V)
    print(json.dumps({"forward_ms": times}))


if __name__ == "__main__":
    main()
