/**
 * The dataset the page shows: the loaded tensor when one is chosen (sourceSlice), else the generator's matrix.
 * The generator's query keeps running underneath, so switching back to it is instant.
 */
import { useMemo } from 'react';
import { useAppStore } from './appStore';
import { selectLoadedDataset } from './sourceSlice';
import { type DatasetResult, useDataset } from './useEngineResults';

export function useActiveDataset(): DatasetResult {
  const generated = useDataset();
  const loaded = useAppStore(selectLoadedDataset);
  return useMemo(
    () => (loaded ? { dataset: loaded, generating: false, error: null } : generated),
    [loaded, generated],
  );
}
