/**
 * Remembers the last scheme of each family on one panel, so that switching family and back restores its
 * settings (schemeCatalog's SchemeMemory). Returns the scheme to show for a newly picked method option.
 */
import { useEffect, useRef } from 'react';
import type { Scheme } from '../../core/scheme';
import type { MethodOption } from '../schemeMethods';
import { rememberScheme, type SchemeMemory } from './schemeCatalog';

export function useSchemeMemory(scheme: Scheme): (option: MethodOption) => Scheme {
  const memory = useRef<SchemeMemory>({});
  useEffect(() => {
    memory.current = rememberScheme(memory.current, scheme);
  }, [scheme]);
  return (option) => recallScheme(memory.current, option, scheme);
}

/**
 * The scheme for a picked option: an integer method carries the integer settings over (from the current scheme,
 * or the integer scheme last used on this panel); another family comes back as last used, else its default.
 */
export function recallScheme(memory: SchemeMemory, option: MethodOption, current: Scheme): Scheme {
  const picked = option.create(current);
  if (picked.kind === 'integer') {
    const base = current.kind === 'integer' ? current : memory.integer;
    return base ? option.create(base) : picked;
  }
  return memory[picked.kind] ?? picked;
}
