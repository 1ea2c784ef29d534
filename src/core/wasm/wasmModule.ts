/**
 * What both WebAssembly kernels need to load: the slice of the WebAssembly API they use (the core compiles
 * without DOM types), base64 decoding (no `atob` type, no Buffer) and compiling a committed base64 module, with
 * null wherever WebAssembly or its SIMD instructions are missing so the caller keeps its TypeScript path.
 */

export interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** The subset of the WebAssembly API used here. */
export interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  validate(bytes: Uint8Array): boolean;
}

/** The runtime's WebAssembly, or null. */
export function wasmApi(): WasmApi | null {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly ?? null;
}

/** Whether memory can be shared with other threads here (SharedArrayBuffer and Atomics: a browser gives them only
 * to a cross-origin isolated page). */
export function sharedMemoryAvailable(): boolean {
  return typeof SharedArrayBuffer === 'function' && typeof Atomics === 'object';
}

/** Whether `memory` is a shared one (its buffer a SharedArrayBuffer). */
export function isSharedMemory(memory: WasmMemory): boolean {
  return sharedMemoryAvailable() && (memory.buffer as unknown) instanceof SharedArrayBuffer;
}

/** The module in `base64`, compiled; null where it does not validate here (no WebAssembly, or no SIMD). */
export function compileBase64Module(base64: string): object | null {
  const wasm = wasmApi();
  if (!wasm) return null;
  try {
    const bytes = decodeBase64(base64);
    return wasm.validate(bytes) ? new wasm.Module(bytes) : null;
  } catch {
    return null;
  }
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 to bytes. */
export function decodeBase64(text: string): Uint8Array {
  const value = new Int16Array(128).fill(-1);
  for (let i = 0; i < BASE64.length; i++) value[BASE64.charCodeAt(i)] = i;
  const clean = text.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let held = 0;
  let o = 0;
  for (let i = 0; i < clean.length; i++) {
    const v = value[clean.charCodeAt(i)];
    if (v < 0) throw new Error(`invalid base64 character at ${i}`);
    bits = (bits << 6) | v;
    held += 6;
    if (held >= 8) {
      held -= 8;
      out[o++] = (bits >> held) & 0xff;
    }
  }
  return out;
}

/** `module` instantiated on `memory` (its imported memory), or null where that fails. */
export function instantiateOn<T>(module: object | null, memory: WasmMemory): T | null {
  const wasm = wasmApi();
  if (!module || !wasm) return null;
  try {
    return new wasm.Instance(module, { env: { memory } }).exports as T;
  } catch {
    return null;
  }
}

/**
 * A thread's instances on shared memories it was posted, by memory id (every message brings a new Memory object for
 * the same memory, so a cache by object would instantiate again each time): the two latest are kept.
 */
export function sharedInstances<T>(
  make: (memory: WasmMemory) => T | null,
): (id: number, memory: WasmMemory) => T | null {
  const kept = new Map<number, T | null>();
  return (id, memory) => {
    const known = kept.get(id);
    if (known !== undefined) return known;
    const made = make(memory);
    kept.set(id, made);
    if (kept.size > 2) kept.delete(kept.keys().next().value as number);
    return made;
  };
}
