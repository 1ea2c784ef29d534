/** A comparison run's progress: which model, which pass, which block, with Cancel. */
import type { LmEvalProgress, LmModelId } from '../../worker/lmProtocol';

const STAGE_NAMES: Record<LmModelId, string> = { float: 'float32', a: 'scheme A', b: 'scheme B' };

export function LmRunProgress({ progress, onCancel }: { progress: LmEvalProgress; onCancel(): void }) {
  return (
    <>
      <progress
        className="h-2 w-40"
        aria-label="Comparison progress"
        data-testid="lm-run-progress"
        max={3 * progress.steps}
        value={['float', 'a', 'b'].indexOf(progress.model) * progress.steps + progress.step}
      />
      <span className="text-xs text-slate-600 dark:text-slate-300" aria-live="polite">
        {STAGE_NAMES[progress.model]}, {progress.stage === 'text' ? 'the text' : 'the continuation'}: block{' '}
        {Math.min(progress.step + 1, progress.steps - 1)} of {progress.steps - 1}
      </span>
      <button type="button" className="text-xs underline" data-testid="lm-run-cancel" onClick={onCancel}>
        Cancel
      </button>
    </>
  );
}
