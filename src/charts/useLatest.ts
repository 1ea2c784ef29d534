/** React hook: a stable ref whose `.current` is always the latest value (d3 listeners bound once read it). */
import { useRef } from 'react';

export function useLatest<T>(value: T): { readonly current: T } {
  const ref = useRef(value);
  ref.current = value;
  return ref;
}
