/**
 * The model lab's dense layers in WebAssembly SIMD (AssemblyScript; compiled by `npm run build:wasm` into
 * src/core/wasm/dense.wasm.ts, loaded by src/core/wasm/denseKernel.ts): the forward product x·Wᵀ + b, and the
 * backward products ∂L/∂W = δᵀ·x, ∂L/∂b = Σ δ and ∂L/∂x = (δ·W) masked by the previous ReLU.
 *
 * Every sum is float32 in a fixed order, which src/core/nn/denseJs.ts repeats with `Math.fround` at each step, so
 * the two paths give the same bits (a float32 add or multiply of float32 operands is the float64 result rounded
 * once, so `fround` of each JS step is what WebAssembly computes):
 * - forward: each output sums x[k]·w[k] over k in order, skipping the k where x[k] = 0 (no term of a finite
 *   product is lost), then + bias; the outputs are vector lanes, so 16 of them share each x[k].
 * - ∂L/∂W[o, k] and ∂L/∂b[o]: Σ over the batch rows i in order; four vectors of k are kept in registers while
 *   the rows stream past, two outputs at a time sharing each load of x. An output whose δ column is all zero
 *   (a dead ReLU unit) gets +0 without the sums, which is what the sums give.
 * - ∂L/∂x[i, k]: Σ over the outputs o in order, then +0 where the pre-activation z[i, k] is not > 0.
 * No fused multiply-add (WebAssembly SIMD has none outside relaxed-simd), so results are the same on every machine.
 *
 * Memory is the caller's (imported); every pointer is a byte offset into it, 16-byte aligned. Matrices are
 * row-major float32: x n × inputs, W outputs × inputs (nn.Linear), δ n × outputs.
 */

/**
 * out (n × outputs) = x (n × inputs) · Wᵀ + b. `scratch` holds Wᵀ and b with the outputs padded with zeros to a
 * multiple of 16, and 16 floats more: 4 · ((inputs + 1) · ceil(outputs / 16) · 16 + 16) bytes. Each row's outputs are made 16 at a time in
 * four vectors, which stream over the row's inputs; an input of 0 is skipped (half the pixels of a digit, and
 * every unit a ReLU turned off), which adds nothing to a sum of finite products.
 */
export function denseForward(
  x: usize,
  w: usize,
  b: usize,
  out: usize,
  n: i32,
  inputs: i32,
  outputs: i32,
  scratch: usize,
): void {
  const padded = (outputs + 15) & ~15;
  const wt = scratch;
  const bt = scratch + ((<usize>inputs * <usize>padded) << 2);
  transposeInto(w, b, wt, bt, inputs, outputs, padded);
  denseForwardT(x, wt, bt, out, n, inputs, outputs);
}

/**
 * Wᵀ (inputs × padded) and b (padded) from W (outputs × inputs, nn.Linear) and b, the outputs padded with zeros to
 * `padded` (a multiple of 16): wt[k · padded + o] = w[o · inputs + k]. Followed by 16 floats of room (the forward's
 * spill for a partial block of outputs), which it does not write.
 */
export function transposeInto(w: usize, b: usize, wt: usize, bt: usize, inputs: i32, outputs: i32, padded: i32): void {
  const tRow = <usize>padded << 2;
  memory.fill(wt, 0, <usize>inputs * tRow);
  memory.fill(bt, 0, tRow);
  for (let o = 0; o < outputs; o++) {
    const wr = w + ((<usize>o * <usize>inputs) << 2);
    for (let k = 0; k < inputs; k++) store<f32>(wt + <usize>k * tRow + (<usize>o << 2), load<f32>(wr + (<usize>k << 2)));
    store<f32>(bt + (<usize>o << 2), load<f32>(b + (<usize>o << 2)));
  }
}

/**
 * denseForward on Wᵀ and b as transposeInto lays them out (bt followed by 16 floats of room): each row's outputs 16
 * at a time in four vectors streaming over the row's inputs, an input of 0 skipped.
 */
export function denseForwardT(x: usize, wt: usize, bt: usize, out: usize, n: i32, inputs: i32, outputs: i32): void {
  const padded = (outputs + 15) & ~15;
  const tRow = <usize>padded << 2; // bytes of one row of Wᵀ
  const rowBytes = <usize>inputs << 2;
  const outBytes = <usize>outputs << 2;
  for (let i = 0; i < n; i++) {
    const xr = x + <usize>i * rowBytes;
    const orow = out + <usize>i * outBytes;
    let o = 0;
    for (; o < outputs; o += 16) {
      if (outputs - o <= 12) break; // a last block of 12 or fewer: three vectors (the lab's 10 classes)
      const ob = <usize>o << 2;
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      let a2 = f32x4.splat(0);
      let a3 = f32x4.splat(0);
      let xp = xr;
      let wr = wt + ob;
      const xEnd = xr + rowBytes;
      for (; xp < xEnd; xp += 4, wr += tRow) {
        const xk = load<f32>(xp);
        if (xk == 0) continue;
        const xv = f32x4.splat(xk);
        a0 = f32x4.add(a0, f32x4.mul(xv, v128.load(wr)));
        a1 = f32x4.add(a1, f32x4.mul(xv, v128.load(wr, 16)));
        a2 = f32x4.add(a2, f32x4.mul(xv, v128.load(wr, 32)));
        a3 = f32x4.add(a3, f32x4.mul(xv, v128.load(wr, 48)));
      }
      const br = bt + ob;
      a0 = f32x4.add(a0, v128.load(br));
      a1 = f32x4.add(a1, v128.load(br, 16));
      a2 = f32x4.add(a2, v128.load(br, 32));
      a3 = f32x4.add(a3, v128.load(br, 48));
      storeBlock(orow + ob, a0, a1, a2, a3, outputs - o, bt + tRow);
    }
    if (o < outputs) {
      const ob = <usize>o << 2;
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      let a2 = f32x4.splat(0);
      let xp = xr;
      let wr = wt + ob;
      const xEnd = xr + rowBytes;
      for (; xp < xEnd; xp += 4, wr += tRow) {
        const xk = load<f32>(xp);
        if (xk == 0) continue;
        const xv = f32x4.splat(xk);
        a0 = f32x4.add(a0, f32x4.mul(xv, v128.load(wr)));
        a1 = f32x4.add(a1, f32x4.mul(xv, v128.load(wr, 16)));
        a2 = f32x4.add(a2, f32x4.mul(xv, v128.load(wr, 32)));
      }
      const br = bt + ob;
      const spill = bt + tRow;
      v128.store(spill, f32x4.add(a0, v128.load(br)));
      v128.store(spill, f32x4.add(a1, v128.load(br, 16)), 16);
      v128.store(spill, f32x4.add(a2, v128.load(br, 32)), 32);
      memory.copy(orow + ob, spill, <usize>(outputs - o) << 2);
    }
  }
}

/**
 * Sixteen outputs at `at`, or the first `count` of them when fewer remain (through `spill`, 16 floats of room).
 */
// @ts-ignore: decorator
@inline function storeBlock(at: usize, a0: v128, a1: v128, a2: v128, a3: v128, count: i32, spill: usize): void {
  if (count >= 16) {
    v128.store(at, a0);
    v128.store(at, a1, 16);
    v128.store(at, a2, 32);
    v128.store(at, a3, 48);
  } else {
    v128.store(spill, a0);
    v128.store(spill, a1, 16);
    v128.store(spill, a2, 32);
    v128.store(spill, a3, 48);
    memory.copy(at, spill, <usize>count << 2);
  }
}

/** Whether δ[i, o] = 0 for every row i (δ is n × outputs). */
// @ts-ignore: decorator
@inline function deadColumn(delta: usize, o: i32, n: i32, outputs: i32): bool {
  for (let i = 0; i < n; i++) if (load<f32>(delta + ((<usize>i * <usize>outputs + <usize>o) << 2)) != 0) return false;
  return true;
}

/**
 * gw (outputs × inputs) = δᵀ · x and gb (outputs) = Σ_i δ[i, :], each entry summed over the rows i in order.
 * δ is n × outputs, x is n × inputs.
 */
export function denseWeightGrad(
  delta: usize,
  x: usize,
  gw: usize,
  gb: usize,
  n: i32,
  inputs: i32,
  outputs: i32,
): void {
  const rowBytes = <usize>inputs << 2;
  const deltaStride = <usize>outputs << 2;
  const whole = inputs & ~3;
  const blocks = inputs & ~15;
  for (let o = 0; o < outputs; o++) {
    let sb: f32 = 0;
    for (let i = 0; i < n; i++) sb += load<f32>(delta + <usize>i * deltaStride + (<usize>o << 2));
    store<f32>(gb + (<usize>o << 2), sb);
  }
  let o = 0;
  // Two outputs at a time (both live): eight accumulators, each load of x used twice.
  for (; o + 1 < outputs; o += 2) {
    if (deadColumn(delta, o, n, outputs) || deadColumn(delta, o + 1, n, outputs)) break;
    const g0 = gw + <usize>o * rowBytes;
    const g1 = g0 + rowBytes;
    const d0 = delta + (<usize>o << 2);
    for (let k = 0; k < blocks; k += 16) {
      const kb = <usize>k << 2;
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      let a2 = f32x4.splat(0);
      let a3 = f32x4.splat(0);
      let b0 = f32x4.splat(0);
      let b1 = f32x4.splat(0);
      let b2 = f32x4.splat(0);
      let b3 = f32x4.splat(0);
      for (let i = 0; i < n; i++) {
        const xr = x + <usize>i * rowBytes + kb;
        const dr = d0 + <usize>i * deltaStride;
        const da = f32x4.splat(load<f32>(dr));
        const db = f32x4.splat(load<f32>(dr, 4));
        const x0 = v128.load(xr);
        const x1 = v128.load(xr, 16);
        const x2 = v128.load(xr, 32);
        const x3 = v128.load(xr, 48);
        a0 = f32x4.add(a0, f32x4.mul(da, x0));
        a1 = f32x4.add(a1, f32x4.mul(da, x1));
        a2 = f32x4.add(a2, f32x4.mul(da, x2));
        a3 = f32x4.add(a3, f32x4.mul(da, x3));
        b0 = f32x4.add(b0, f32x4.mul(db, x0));
        b1 = f32x4.add(b1, f32x4.mul(db, x1));
        b2 = f32x4.add(b2, f32x4.mul(db, x2));
        b3 = f32x4.add(b3, f32x4.mul(db, x3));
      }
      v128.store(g0 + kb, a0);
      v128.store(g0 + kb, a1, 16);
      v128.store(g0 + kb, a2, 32);
      v128.store(g0 + kb, a3, 48);
      v128.store(g1 + kb, b0);
      v128.store(g1 + kb, b1, 16);
      v128.store(g1 + kb, b2, 32);
      v128.store(g1 + kb, b3, 48);
    }
    weightGradTail(delta, x, gw, n, inputs, outputs, o, blocks, whole);
    weightGradTail(delta, x, gw, n, inputs, outputs, o + 1, blocks, whole);
  }
  // The rest one output at a time (an odd last one, or from the first pair with a dead unit on).
  for (; o < outputs; o++) {
    const g0 = gw + <usize>o * rowBytes;
    if (deadColumn(delta, o, n, outputs)) {
      memory.fill(g0, 0, rowBytes);
      continue;
    }
    for (let k = 0; k < blocks; k += 16) {
      const kb = <usize>k << 2;
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      let a2 = f32x4.splat(0);
      let a3 = f32x4.splat(0);
      for (let i = 0; i < n; i++) {
        const xr = x + <usize>i * rowBytes + kb;
        const da = f32x4.splat(load<f32>(delta + <usize>i * deltaStride + (<usize>o << 2)));
        a0 = f32x4.add(a0, f32x4.mul(da, v128.load(xr)));
        a1 = f32x4.add(a1, f32x4.mul(da, v128.load(xr, 16)));
        a2 = f32x4.add(a2, f32x4.mul(da, v128.load(xr, 32)));
        a3 = f32x4.add(a3, f32x4.mul(da, v128.load(xr, 48)));
      }
      v128.store(g0 + kb, a0);
      v128.store(g0 + kb, a1, 16);
      v128.store(g0 + kb, a2, 32);
      v128.store(g0 + kb, a3, 48);
    }
    weightGradTail(delta, x, gw, n, inputs, outputs, o, blocks, whole);
  }
}

/** Row o of ∂L/∂W past the blocks of 16: whole vectors of 4, then single k. */
function weightGradTail(
  delta: usize,
  x: usize,
  gw: usize,
  n: i32,
  inputs: i32,
  outputs: i32,
  o: i32,
  blocks: i32,
  whole: i32,
): void {
  const rowBytes = <usize>inputs << 2;
  const deltaStride = <usize>outputs << 2;
  const g0 = gw + <usize>o * rowBytes;
  const d0 = delta + (<usize>o << 2);
  for (let k = blocks; k < whole; k += 4) {
    const kb = <usize>k << 2;
    let a = f32x4.splat(0);
    for (let i = 0; i < n; i++) {
      const da = f32x4.splat(load<f32>(d0 + <usize>i * deltaStride));
      a = f32x4.add(a, f32x4.mul(da, v128.load(x + <usize>i * rowBytes + kb)));
    }
    v128.store(g0 + kb, a);
  }
  for (let k = whole; k < inputs; k++) {
    const kb = <usize>k << 2;
    let s: f32 = 0;
    for (let i = 0; i < n; i++) s += load<f32>(d0 + <usize>i * deltaStride) * load<f32>(x + <usize>i * rowBytes + kb);
    store<f32>(g0 + kb, s);
  }
}

/**
 * dx (n × inputs) = δ (n × outputs) · W (outputs × inputs), each entry summed over o in order, then +0 where
 * z[i, k] > 0 does not hold (z: the pre-activation of the layer that produced this layer's input, n × inputs).
 */
export function denseInputGrad(
  delta: usize,
  w: usize,
  z: usize,
  dx: usize,
  n: i32,
  inputs: i32,
  outputs: i32,
): void {
  const rowBytes = <usize>inputs << 2;
  const deltaStride = <usize>outputs << 2;
  const whole = inputs & ~3;
  const blocks = inputs & ~15;
  const zero = f32x4.splat(0);
  for (let i = 0; i < n; i++) {
    const dr = delta + <usize>i * deltaStride;
    const zr = z + <usize>i * rowBytes;
    const out = dx + <usize>i * rowBytes;
    for (let k = 0; k < blocks; k += 16) {
      const kb = <usize>k << 2;
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      let a2 = f32x4.splat(0);
      let a3 = f32x4.splat(0);
      for (let o = 0; o < outputs; o++) {
        const d = f32x4.splat(load<f32>(dr + (<usize>o << 2)));
        const wr = w + <usize>o * rowBytes + kb;
        a0 = f32x4.add(a0, f32x4.mul(d, v128.load(wr)));
        a1 = f32x4.add(a1, f32x4.mul(d, v128.load(wr, 16)));
        a2 = f32x4.add(a2, f32x4.mul(d, v128.load(wr, 32)));
        a3 = f32x4.add(a3, f32x4.mul(d, v128.load(wr, 48)));
      }
      const zb = zr + kb;
      v128.store(out + kb, v128.and(a0, f32x4.gt(v128.load(zb), zero)));
      v128.store(out + kb, v128.and(a1, f32x4.gt(v128.load(zb, 16), zero)), 16);
      v128.store(out + kb, v128.and(a2, f32x4.gt(v128.load(zb, 32), zero)), 32);
      v128.store(out + kb, v128.and(a3, f32x4.gt(v128.load(zb, 48), zero)), 48);
    }
    for (let k = blocks; k < whole; k += 4) {
      const kb = <usize>k << 2;
      let a = f32x4.splat(0);
      for (let o = 0; o < outputs; o++) {
        const d = f32x4.splat(load<f32>(dr + (<usize>o << 2)));
        a = f32x4.add(a, f32x4.mul(d, v128.load(w + <usize>o * rowBytes + kb)));
      }
      v128.store(out + kb, v128.and(a, f32x4.gt(v128.load(zr + kb), zero)));
    }
    for (let k = whole; k < inputs; k++) {
      const kb = <usize>k << 2;
      let s: f32 = 0;
      for (let o = 0; o < outputs; o++) s += load<f32>(dr + (<usize>o << 2)) * load<f32>(w + <usize>o * rowBytes + kb);
      store<f32>(out + kb, load<f32>(zr + kb) > 0 ? s : 0);
    }
  }
}

/**
 * How many of the n rows of x an MLP classifies as their label: the forward pass of `count` dense layers, each
 * through denseForward (the same sums in the same order, so the same logits as the layer-by-layer forward), a ReLU
 * (z > 0 ? z : +0, as the TypeScript forward) after every layer but the last, then per row the first largest logit
 * (argmax, the first on ties) against labels[i] (u8). `table` holds per layer five i32: the weight, bias and output
 * pointers, inputs and outputs; each output region has room for n × outputs floats. `scratch` is denseForward's, for
 * the widest layer. With `starts` (non-zero), the first layer reads its inputs as their nonzero entries
 * (denseForwardNonzero: the same sums). The model lab's accuracy-against-bits sweep evaluates its 14 models here,
 * with the test inputs left in memory between calls.
 */
export function mlpCorrect(
  x: usize,
  n: i32,
  labels: usize,
  table: usize,
  count: i32,
  scratch: usize,
  starts: usize,
  nonzero: usize,
): i32 {
  let current = x;
  let classes = 0;
  const zero = f32x4.splat(0);
  for (let l = 0; l < count; l++) {
    const entry = table + (<usize>l * 20);
    const w = <usize>load<i32>(entry);
    const b = <usize>load<i32>(entry, 4);
    const out = <usize>load<i32>(entry, 8);
    const inputs = load<i32>(entry, 12);
    const outputs = load<i32>(entry, 16);
    if (l == 0 && starts != 0) denseForwardNonzero(starts, nonzero, w, b, out, n, inputs, outputs, scratch);
    else denseForward(current, w, b, out, n, inputs, outputs, scratch);
    if (l + 1 < count) {
      const length = n * outputs;
      const whole = length & ~3;
      for (let i = 0; i < whole; i += 4) {
        const at = out + (<usize>i << 2);
        const z = v128.load(at);
        v128.store(at, v128.and(z, f32x4.gt(z, zero)));
      }
      for (let i = whole; i < length; i++) {
        const at = out + (<usize>i << 2);
        const z = load<f32>(at);
        store<f32>(at, z > 0 ? z : 0);
      }
    }
    current = out;
    classes = outputs;
  }
  let correct = 0;
  const rowBytes = <usize>classes << 2;
  for (let i = 0; i < n; i++) {
    const row = current + <usize>i * rowBytes;
    let arg = 0;
    let best = load<f32>(row);
    for (let c = 1; c < classes; c++) {
      const v = load<f32>(row + (<usize>c << 2));
      if (v > best) {
        best = v;
        arg = c;
      }
    }
    if (arg == <i32>load<u8>(labels + <usize>i)) correct++;
  }
  return correct;
}

/**
 * denseForward on inputs given as each row's nonzero entries, in column order: row i's are entries starts[i] to
 * starts[i + 1] − 1 (i32) of `nonzero`, pairs of (k: i32, x[i, k]: f32). denseForward skips x[i, k] = 0, so each
 * output sums the same products in the same order and gets the same bits; without the test and the zero entries'
 * loads, a row's inputs are read once for all its blocks of outputs. The lab's test digits are half zeros, and stay
 * the same for the sweep's 15 networks, so the list is made once.
 */
export function denseForwardNonzero(
  starts: usize,
  nonzero: usize,
  w: usize,
  b: usize,
  out: usize,
  n: i32,
  inputs: i32,
  outputs: i32,
  scratch: usize,
): void {
  const padded = (outputs + 15) & ~15;
  const wt = scratch;
  const bt = scratch + ((<usize>inputs * <usize>padded) << 2);
  transposeInto(w, b, wt, bt, inputs, outputs, padded);
  denseForwardNonzeroT(starts, nonzero, wt, bt, out, n, outputs);
}

/** denseForwardNonzero on Wᵀ and b as transposeInto lays them out (bt followed by 16 floats of room). */
export function denseForwardNonzeroT(
  starts: usize,
  nonzero: usize,
  wt: usize,
  bt: usize,
  out: usize,
  n: i32,
  outputs: i32,
): void {
  const padded = (outputs + 15) & ~15;
  const tRow = <usize>padded << 2;
  const outBytes = <usize>outputs << 2;
  for (let i = 0; i < n; i++) {
    const first = nonzero + (<usize>load<i32>(starts + (<usize>i << 2)) << 3);
    const end = nonzero + (<usize>load<i32>(starts + (<usize>(i + 1) << 2)) << 3);
    const orow = out + <usize>i * outBytes;
    for (let o = 0; o < outputs; o += 16) {
      const ob = <usize>o << 2;
      const base = wt + ob;
      let a0 = f32x4.splat(0);
      let a1 = f32x4.splat(0);
      let a2 = f32x4.splat(0);
      let a3 = f32x4.splat(0);
      for (let e = first; e < end; e += 8) {
        const xv = f32x4.splat(load<f32>(e, 4));
        const wr = base + <usize>load<i32>(e) * tRow;
        a0 = f32x4.add(a0, f32x4.mul(xv, v128.load(wr)));
        a1 = f32x4.add(a1, f32x4.mul(xv, v128.load(wr, 16)));
        a2 = f32x4.add(a2, f32x4.mul(xv, v128.load(wr, 32)));
        a3 = f32x4.add(a3, f32x4.mul(xv, v128.load(wr, 48)));
      }
      const br = bt + ob;
      a0 = f32x4.add(a0, v128.load(br));
      a1 = f32x4.add(a1, v128.load(br, 16));
      a2 = f32x4.add(a2, v128.load(br, 32));
      a3 = f32x4.add(a3, v128.load(br, 48));
      storeBlock(orow + ob, a0, a1, a2, a3, outputs - o, bt + tRow);
    }
  }
}

/**
 * The nonzero entries of x (n × inputs) per row, in column order, for denseForwardNonzero: row i's are entries
 * starts[i] to starts[i + 1] − 1 of `nonzero`, pairs of (k: i32, x[i, k]: f32). An entry is left out where
 * x[i, k] == 0 (either sign), as denseForward skips it; NaN is kept. `nonzero` has room for n × inputs pairs and one
 * more (each value's pair is written, then kept or overwritten).
 */
export function nonzeroEntries(x: usize, n: i32, inputs: i32, starts: usize, nonzero: usize): void {
  let e: i32 = 0;
  for (let i = 0; i < n; i++) {
    store<i32>(starts + (<usize>i << 2), e);
    const xr = x + ((<usize>i * <usize>inputs) << 2);
    for (let k = 0; k < inputs; k++) {
      // written always, kept (the next entry written past it) where v != 0: no branch on the data
      const v = load<f32>(xr + (<usize>k << 2));
      const at = nonzero + (<usize>e << 3);
      store<i32>(at, k);
      store<f32>(at, v, 4);
      e += select<i32>(1, 0, v != 0);
    }
  }
  store<i32>(starts + (<usize>n << 2), e);
}

/**
 * The model lab's resident trainer (src/core/wasm/denseKernel.ts `trainer`): a network's parameters, Adam's moments,
 * the training and test inputs and every batch buffer stay in the kernel's memory for a whole run, so a training
 * step copies nothing but the batch's row numbers in and the last layer's δ (made by the softmax in TypeScript) in.
 * The step is the layer-by-layer one of src/core/nn/mlp.ts on denseForward, denseWeightGrad and denseInputGrad (the
 * same sums in the same order: the same bits), and Adam (adamStep below) is src/core/nn/adam.ts's float64 arithmetic.
 *
 * `table` holds per layer eight i32 (TRAIN_ENTRY bytes): the weights the forward pass uses (the float weights, or
 * in quantization-aware training the fake-quantized ones), the bias, the output region (n × outputs: the
 * pre-activation, turned into the ReLU's output in place for every layer but the last), δ (n × outputs), ∂L/∂W,
 * ∂L/∂b, inputs and outputs.
 */
// @ts-ignore: decorator
@inline const TRAIN_ENTRY: usize = 32;

/** out (n × inputs) = rows index[0..n) (i32) of x (rows of `inputs` floats). */
export function gatherRows(x: usize, index: usize, n: i32, inputs: i32, out: usize): void {
  const rowBytes = <usize>inputs << 2;
  for (let i = 0; i < n; i++) {
    const src = x + <usize>load<i32>(index + (<usize>i << 2)) * rowBytes;
    memory.copy(out + <usize>i * rowBytes, src, rowBytes);
  }
}

/**
 * The forward pass of n rows of x through the table's `count` layers (denseForward each), the ReLU (z > 0 ? z : +0)
 * in place after every layer but the last: the last layer's output region then holds the logits. The ReLU's output
 * is > 0 exactly where its input was, so the backward pass takes its mask from it.
 */
export function mlpForward(table: usize, count: i32, x: usize, n: i32, scratch: usize): void {
  let current = x;
  const zero = f32x4.splat(0);
  for (let l = 0; l < count; l++) {
    const entry = table + <usize>l * TRAIN_ENTRY;
    const out = <usize>load<i32>(entry, 8);
    const outputs = load<i32>(entry, 28);
    denseForward(current, <usize>load<i32>(entry), <usize>load<i32>(entry, 4), out, n, load<i32>(entry, 24), outputs, scratch);
    if (l + 1 < count) {
      const length = n * outputs;
      const whole = length & ~3;
      for (let i = 0; i < whole; i += 4) {
        const at = out + (<usize>i << 2);
        const z = v128.load(at);
        v128.store(at, v128.and(z, f32x4.gt(z, zero)));
      }
      for (let i = whole; i < length; i++) {
        const at = out + (<usize>i << 2);
        const z = load<f32>(at);
        store<f32>(at, z > 0 ? z : 0);
      }
    }
    current = out;
  }
}

/**
 * Backpropagation after mlpForward on the same x and n, from the last layer's δ (in its δ region): per layer from the
 * last, ∂L/∂W and ∂L/∂b (denseWeightGrad of δ and the layer's input), then δ of the layer below (denseInputGrad
 * through the forward weights, masked where that layer's ReLU output is not > 0).
 */
export function mlpBackward(table: usize, count: i32, x: usize, n: i32): void {
  for (let l = count - 1; l >= 0; l--) {
    const entry = table + <usize>l * TRAIN_ENTRY;
    const inputs = load<i32>(entry, 24);
    const outputs = load<i32>(entry, 28);
    const delta = <usize>load<i32>(entry, 12);
    const below = l > 0 ? entry - TRAIN_ENTRY : 0;
    const input = l > 0 ? <usize>load<i32>(below, 8) : x;
    denseWeightGrad(delta, input, <usize>load<i32>(entry, 16), <usize>load<i32>(entry, 20), n, inputs, outputs);
    if (l > 0)
      denseInputGrad(delta, <usize>load<i32>(entry), input, <usize>load<i32>(below, 12), n, inputs, outputs);
  }
}

/**
 * One Adam step on `length` parameters (a multiple of 4) in place, PyTorch's form in src/core/nn/adam.ts's float64
 * arithmetic, operation for operation (so the same bits): with g, m, v, p read as float64,
 *   m' = b1·m + (1 − b1)·g,  v' = b2·v + ((1 − b2)·g)·g,  p' = p − (stepSize·m') / (√v' / c2 + eps),
 * each stored rounded to float32 (m' and v' unrounded in p'). Two lanes of float64 at a time: every operation is
 * IEEE-754's correctly rounded one (no fused multiply-add), as in JavaScript.
 */
export function adamStep(
  p: usize,
  g: usize,
  m: usize,
  v: usize,
  length: i32,
  b1: f64,
  b2: f64,
  stepSize: f64,
  c2: f64,
  eps: f64,
): void {
  const vb1 = f64x2.splat(b1);
  const vb2 = f64x2.splat(b2);
  const vc1 = f64x2.splat(1 - b1);
  const vc2 = f64x2.splat(1 - b2);
  const vStep = f64x2.splat(stepSize);
  const vBias = f64x2.splat(c2);
  const vEps = f64x2.splat(eps);
  for (let i = 0; i < length; i += 4) {
    const at = <usize>i << 2;
    const g4 = v128.load(g + at);
    const m4 = v128.load(m + at);
    const v4 = v128.load(v + at);
    const p4 = v128.load(p + at);
    // lanes 0-1 and 2-3 of each, as float64
    const gl = f64x2.promote_low_f32x4(g4);
    const gh = f64x2.promote_low_f32x4(v128.shuffle<f32>(g4, g4, 2, 3, 0, 1));
    const ml = f64x2.add(f64x2.mul(vb1, f64x2.promote_low_f32x4(m4)), f64x2.mul(vc1, gl));
    const mh = f64x2.add(
      f64x2.mul(vb1, f64x2.promote_low_f32x4(v128.shuffle<f32>(m4, m4, 2, 3, 0, 1))),
      f64x2.mul(vc1, gh),
    );
    const vl = f64x2.add(f64x2.mul(vb2, f64x2.promote_low_f32x4(v4)), f64x2.mul(f64x2.mul(vc2, gl), gl));
    const vh = f64x2.add(
      f64x2.mul(vb2, f64x2.promote_low_f32x4(v128.shuffle<f32>(v4, v4, 2, 3, 0, 1))),
      f64x2.mul(f64x2.mul(vc2, gh), gh),
    );
    const pl = f64x2.sub(
      f64x2.promote_low_f32x4(p4),
      f64x2.div(f64x2.mul(vStep, ml), f64x2.add(f64x2.div(f64x2.sqrt(vl), vBias), vEps)),
    );
    const ph = f64x2.sub(
      f64x2.promote_low_f32x4(v128.shuffle<f32>(p4, p4, 2, 3, 0, 1)),
      f64x2.div(f64x2.mul(vStep, mh), f64x2.add(f64x2.div(f64x2.sqrt(vh), vBias), vEps)),
    );
    v128.store(m + at, v128.shuffle<f32>(f32x4.demote_f64x2_zero(ml), f32x4.demote_f64x2_zero(mh), 0, 1, 4, 5));
    v128.store(v + at, v128.shuffle<f32>(f32x4.demote_f64x2_zero(vl), f32x4.demote_f64x2_zero(vh), 0, 1, 4, 5));
    v128.store(p + at, v128.shuffle<f32>(f32x4.demote_f64x2_zero(pl), f32x4.demote_f64x2_zero(ph), 0, 1, 4, 5));
  }
}

/**
 * An integer scheme's x̂ of a weight matrix, on Wᵀ as transposeInto lays it out (src: inputs × padded floats), into
 * dst of the same layout: what src/core/quantView.ts `quantizeValues` computes for W, value for value. Per value, in
 * float32: s = x / Δ + z, q = round(s) (`rounding` 0: half to even, plus +0 so that −0 gives +0, as JavaScript's
 * s + 1.5·2^52 − 1.5·2^52; 2: floor), q = q < qmin ? qmin : q, q = qmax < q ? qmax : q (pmax/pmin: NaN stays),
 * x̂ = (q − z) · Δ, and NaN where x is not finite. The same bits as quantizeValues' float64
 * steps each rounded to float32 (a quotient, sum or product of two floats rounded to float64 and then to float32 is
 * the float32 result), given what the caller checks: z is an integer of magnitude under 2^23 (so z and q − z are
 * floats exactly). Δ and z come from tables of rows of `padded` floats, row j for the inputs k with k / groupSize = j
 * (lane o: output o's parameters), which express every granularity: per tensor one row of equal lanes, per row one
 * row of each output's, per group of g one row per group of g inputs, per column one row per input.
 */
export function quantizeTransposed(
  src: usize,
  dst: usize,
  inputs: i32,
  padded: i32,
  step: usize,
  zero: usize,
  groupSize: i32,
  qmin: f32,
  qmax: f32,
  rounding: i32,
): void {
  const tRow = <usize>padded << 2;
  const lo = f32x4.splat(qmin);
  const hi = f32x4.splat(qmax);
  const zeroV = f32x4.splat(0);
  const nan = f32x4.splat(NaN);
  for (let k = 0; k < inputs; k++) {
    const row = <usize>k * tRow;
    const params = <usize>(k / groupSize) * tRow;
    for (let o: usize = 0; o < tRow; o += 16) {
      const x = v128.load(src + row + o);
      const d = v128.load(step + params + o);
      const z = v128.load(zero + params + o);
      const s = f32x4.add(f32x4.div(x, d), z);
      let q = rounding == 0 ? f32x4.add(f32x4.nearest(s), zeroV) : f32x4.floor(s);
      q = f32x4.pmin(f32x4.pmax(q, lo), hi);
      const v = f32x4.mul(f32x4.sub(q, z), d);
      const finite = f32x4.eq(f32x4.sub(x, x), zeroV);
      v128.store(dst + row + o, v128.bitselect(v, nan, finite));
    }
  }
}

/**
 * The entries (as nonzeroEntries makes them) of ReLU(z) for z (n × width): per row, (k, z[i, k]) where z[i, k] > 0,
 * in column order; the other columns are ReLU's +0, which denseForward skips (NaN too: ReLU turns it into +0). Every
 * value's pair is written and kept only where z > 0, so no branch on the data: `entries` has room for n × width + 1.
 */
export function reluEntries(z: usize, n: i32, width: i32, starts: usize, entries: usize): void {
  let e: i32 = 0;
  for (let i = 0; i < n; i++) {
    store<i32>(starts + (<usize>i << 2), e);
    const zr = z + ((<usize>i * <usize>width) << 2);
    for (let k = 0; k < width; k++) {
      const v = load<f32>(zr + (<usize>k << 2));
      const at = entries + (<usize>e << 3);
      store<i32>(at, k);
      store<f32>(at, v, 4);
      e += select<i32>(1, 0, v > 0);
    }
  }
  store<i32>(starts + (<usize>n << 2), e);
}

/**
 * mlpCorrect on layers already transposed (transposeInto's layout, or quantizeTransposed's): `table` holds per layer
 * five i32, Wᵀ, b (padded, followed by 16 floats of room), the output region, inputs and outputs. The first layer
 * reads x as its rows' nonzero entries (nonzeroEntries), every later one its input's (reluEntries, into
 * hiddenStarts: n + 1 i32, and hiddenEntries: room for n × the widest hidden layer + 1 pairs): the same sums as
 * denseForward on the ReLU's output, so the same logits and argmax as mlpCorrect.
 */
export function mlpCorrectT(
  starts: usize,
  nonzero: usize,
  n: i32,
  labels: usize,
  table: usize,
  count: i32,
  hiddenStarts: usize,
  hiddenEntries: usize,
): i32 {
  let current: usize = 0;
  let classes = 0;
  for (let l = 0; l < count; l++) {
    const entry = table + (<usize>l * 20);
    const wt = <usize>load<i32>(entry);
    const bt = <usize>load<i32>(entry, 4);
    const out = <usize>load<i32>(entry, 8);
    const outputs = load<i32>(entry, 16);
    if (l == 0) denseForwardNonzeroT(starts, nonzero, wt, bt, out, n, outputs);
    else denseForwardNonzeroT(hiddenStarts, hiddenEntries, wt, bt, out, n, outputs);
    // the ReLU's nonzero outputs (z > 0: z itself; else +0, which the next layer would skip) as the next
    // layer's entries
    if (l + 1 < count) reluEntries(out, n, outputs, hiddenStarts, hiddenEntries);
    current = out;
    classes = outputs;
  }
  let correct = 0;
  const rowBytes = <usize>classes << 2;
  for (let i = 0; i < n; i++) {
    const row = current + <usize>i * rowBytes;
    let arg = 0;
    let best = load<f32>(row);
    for (let c = 1; c < classes; c++) {
      const v = load<f32>(row + (<usize>c << 2));
      if (v > best) {
        best = v;
        arg = c;
      }
    }
    if (arg == <i32>load<u8>(labels + <usize>i)) correct++;
  }
  return correct;
}
