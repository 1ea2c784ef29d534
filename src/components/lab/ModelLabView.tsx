/**
 * The model lab tab (issue #13): does the quantization error matter to a model? A digits MLP trained in the
 * worker, PTQ with the explorer's schemes A and B, accuracy against bits, QAT with the STE, and static against
 * dynamic activation quantization (state and calls: useModelLab.ts).
 */
import { ActivationsSection } from './ActivationsSection';
import { PtqSection } from './PtqSection';
import { QatSection } from './QatSection';
import { SweepSection } from './SweepSection';
import { TrainingSection } from './TrainingSection';
import { messageOf, useModelLab } from './useModelLab';

export function ModelLabView() {
  const { lab, training, qat, trained, ready, ptq, sweep, activations, train, runQat } = useModelLab();
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
