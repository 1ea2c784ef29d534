/**
 * The model lab tab (issue #13): does the quantization error matter to a model? A digits MLP trained in the
 * worker, PTQ with the explorer's schemes A and B, accuracy against bits, QAT with the STE, and static against
 * dynamic activation quantization. Training starts when the tab opens and again when a model setting changes
 * (a newer run supersedes the running one); the other results are queries keyed by the settings they use.
 */
import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect } from 'react';
import type { QatResult } from '../../core/nn/lab';
import { modelKey } from '../../core/nn/settings';
import { useAppStore } from '../../state/appStore';
import { useEngine } from '../../state/engineContext';
import { isAbortError } from '../../worker/engineClient';
import type { LabTrainResult } from '../../worker/labProtocol';
import { ActivationsSection } from './ActivationsSection';
import { PtqSection } from './PtqSection';
import { QatSection } from './QatSection';
import { SweepSection } from './SweepSection';
import { TrainingSection } from './TrainingSection';
import { useLabRun } from './useLabRun';

function messageOf(error: unknown): string | null {
  if (!error || isAbortError(error)) return null;
  return `The engine could not compute this: ${error instanceof Error ? error.message : String(error)}. Change the setting it names.`;
}

export function ModelLabView() {
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
  const ptqData = ptq.data;
  const qatScheme = lab.qat.scheme;

  return (
    <div className="flex min-w-0 flex-col gap-4" data-testid="model-lab">
      <p className="max-w-4xl text-sm text-slate-600 dark:text-slate-300">
        <strong>Does the error matter?</strong> The explorer shows what a scheme does to a weight matrix; here
        the same schemes quantize a real network and you see what it does to its accuracy, how much
        quantization-aware training wins back, and what quantizing the activations adds. Data: UCI “Optical
        Recognition of Handwritten Digits” (Alpaydin &amp; Kaynak, 1998; CC BY 4.0), as scikit-learn ships it.
      </p>
      <TrainingSection run={training.state} onTrain={train} onCancel={training.cancel} />
      <PtqSection
        ptq={ready ? ptqData : undefined}
        trained={trained}
        error={messageOf(ptq.error)}
        pending={ptq.isFetching || training.state.status === 'running'}
      />
      <SweepSection
        sweep={ready ? sweep.data : undefined}
        pending={sweep.isFetching || !ready}
        error={messageOf(sweep.error)}
      />
      <QatSection
        run={qat.state}
        onRun={runQat}
        onCancel={qat.cancel}
        ready={ready}
        ptqAccuracy={ready ? ptqData?.[qatScheme].accuracy : undefined}
        floatAccuracy={trained?.float.accuracy}
      />
      <ActivationsSection
        result={ready ? activations.data : undefined}
        pending={activations.isFetching || !ready}
        error={messageOf(activations.error)}
      />
    </div>
  );
}
