/**
 * Handler group `analyseModel` (issue #15): the whole-model table, streamed. Opens the source, announces the plan,
 * then loads and analyses one tensor at a time (wholeModelAnalysis.ts), posting each finished row as a progress
 * message and byte progress while a tensor is read (throttled). Nothing is kept in the worker afterwards: a tensor
 * the user wants to look at is loaded again by the explorer's own `load`.
 */
import { validateScheme } from '../core';
import { EngineError } from '../core/engineError';
import type { FetchLike } from '../io';
import { createProgressReporter, withReadProgress } from './loadProgress';
import type { CallContext, Handlers } from './protocol';
import { planAnalysis, runAnalysis } from './wholeModelAnalysis';
import { MAX_WHOLE_MODEL_SCHEMES, type WholeModelProgress } from './wholeModelProtocol';
import { openModelSource } from './wholeModelSource';

export interface WholeModelHandlerOptions {
  /** fetch for Hub requests (tests); default globalThis.fetch. */
  fetch?: FetchLike;
  /** The loader's value limit above which rows are sampled (default io's MAX_VALUES). */
  maxValues?: number;
  /** Minimum time between byte-progress messages (default 100 ms; rows are always sent). */
  progressIntervalMs?: number;
}

export function createWholeModelHandlers(
  options: WholeModelHandlerOptions = {},
): Pick<Handlers, 'analyseModel'> {
  return {
    async analyseModel(source, request, context?: CallContext) {
      const started = Date.now();
      // untrusted: the page's schemes are checked as every engine call checks them
      if (!Array.isArray(request?.schemes) || request.schemes.length === 0) {
        throw new EngineError('schemes', 'at least one scheme is needed');
      }
      if (request.schemes.length > MAX_WHOLE_MODEL_SCHEMES) {
        throw new EngineError(
          'schemes',
          `at most ${MAX_WHOLE_MODEL_SCHEMES} schemes (got ${request.schemes.length})`,
        );
      }
      const schemes = request.schemes.map((s) => validateScheme(s));
      const only = Array.isArray(request.only)
        ? request.only.filter((n) => typeof n === 'string')
        : undefined;
      const signal = context?.signal;
      const post = (progress: WholeModelProgress) => context?.progress(progress);
      const opened = await openModelSource(source, { signal, fetch: options.fetch });
      const plan = planAnalysis(opened.listing, opened.label, only);
      post({ kind: 'plan', plan });
      if (request.planOnly === true) return { plan, rows: [], elapsedMs: Date.now() - started };
      let current = { tensor: '', index: 0 };
      const reporter = createProgressReporter(
        (loaded, total) => post({ kind: 'reading', ...current, loaded, total }),
        options.progressIntervalMs ?? 100,
      );
      // Network reads are cut into pieces so the bar moves within a tensor (as the Load panel does).
      const sources =
        source.kind === 'hub'
          ? opened.sources.map((s) => withReadProgress(s, reporter.onBytes))
          : opened.sources;
      const rows = await runAnalysis(
        sources,
        opened.listing,
        plan,
        { schemes, only },
        {
          signal,
          maxValues: options.maxValues,
          onReading(tensor, index, loaded, total) {
            current = { tensor, index };
            reporter.onLoad(loaded, total);
          },
          onRow(row, done, bytesDone, elapsedMs) {
            post({ kind: 'row', row, done, bytesDone, elapsedMs });
          },
        },
      );
      return { plan, rows, elapsedMs: Date.now() - started };
    },
  };
}
