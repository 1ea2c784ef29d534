/**
 * The model lab's state on the page (issue #13): training starts when a view using it mounts and again when the
 * model's settings change (a newer run supersedes the running one); PTQ, the sweep and the activations are
 * queries keyed by the settings they use; QAT runs on demand.
 */
import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect } from 'react';
import type { QatResult } from '../../core/nn/lab';
import { modelKey } from '../../core/nn/settings';
import { useAppStore } from '../../state/appStore';
import { useEngine } from '../../state/engineContext';
import { isAbortError } from '../../worker/engineClient';
import type { LabTrainResult } from '../../worker/labProtocol';
import { useLabRun } from './useLabRun';

/** What a failed lab query tells the user (nothing for a superseded one). */
export function messageOf(error: unknown): string | null {
  if (!error || isAbortError(error)) return null;
  return `The engine could not compute this: ${error instanceof Error ? error.message : String(error)}. Change the setting it names.`;
}

export function useModelLab() {
  const client = useEngine();
  const lab = useAppStore((s) => s.lab);
  const schemes = useAppStore((s) => s.schemes);
  const training = useLabRun<LabTrainResult>();
  const qat = useLabRun<QatResult>();
  const key = modelKey(lab.model);

  const train = useCallback(() => {
    const settings = lab.model;
    training.start((c) => (options) => c.call('labTrain', [settings], options));
  }, [lab.model, training.start]);

  // train on first open and whenever the model's settings change (the key changes)
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed by the settings' key on purpose
  useEffect(() => {
    train();
  }, [key]);

  const trained = training.state.result?.key === key ? training.state.result : null;
  const ready = trained !== null;
  const ptq = useQuery({
    queryKey: ['lab', 'ptq', key, schemes, lab.biases],
    queryFn: ({ signal }) =>
      client.call('labPtq', [lab.model, schemes, lab.biases], { signal, channel: 'lab-ptq' }),
    enabled: ready,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
  const sweep = useQuery({
    queryKey: ['lab', 'sweep', key, lab.sweep, lab.sweep.mode === 'schemes' ? schemes : null, lab.biases],
    queryFn: ({ signal }) =>
      client.call('labSweep', [lab.model, lab.sweep, schemes, lab.biases], { signal, channel: 'lab-sweep' }),
    enabled: ready,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
  const activations = useQuery({
    queryKey: [
      'lab',
      'act',
      key,
      lab.activations,
      lab.activations.weights === 'a' ? schemes.a : null,
      lab.biases,
    ],
    queryFn: ({ signal }) =>
      client.call('labActivations', [lab.model, lab.activations, schemes, lab.biases], {
        signal,
        channel: 'lab-act',
      }),
    enabled: ready,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });

  const runQat = () => {
    const args = [lab.model, lab.qat, schemes, lab.biases] as const;
    qat.start((c) => (options) => c.call('labQat', [...args], options));
  };

  return { lab, training, qat, trained, ready, ptq, sweep, activations, train, runQat };
}
