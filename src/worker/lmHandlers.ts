/**
 * Handler group of the language-model tab: `lmInspect`, `lmLoad`, `lmEvaluate`. The model is held here (one at
 * a time: the float32 weights once), quantized one block at a time per scheme (core/gpt2/quantizedModel.ts).
 * Served by a worker of its own (lm.worker.ts), so a multi-second forward pass never delays the explorer's
 * quantize calls. Between blocks each pass yields to the event loop, reports progress and checks for cancel.
 */

import { compareModels, KEEP_SHARE } from '../core/gpt2/comparison';
import { ModelError } from '../core/gpt2/modelError';
import { poolByLayer } from '../core/gpt2/quantizedModel';
import type { Gpt2Weights } from '../core/gpt2/weights';
import { validateScheme } from '../core/validate';
import { type ByteSource, fromBlob, listTensors, openHubModel, parseHubInput } from '../io';
import { fromHttp, resolveUrl } from '../io/hub';
import { type Gpt2Checkpoint, inspectGpt2, loadGpt2Weights, parseConfigBytes } from '../lm/gpt2Checkpoint';
import { loadGpt2Tokenizer } from '../lm/tokenizer';
import {
  type LmEvalProgress,
  type LmEvaluation,
  type LmModelId,
  type LmModelInfo,
  type LmModelResult,
  type LmSource,
  lmSourceKey,
  MAX_CONTINUE_TOKENS,
} from './lmProtocol';
import { createProgressReporter, withReadProgress } from './loadProgress';
import type { CallContext, Handlers } from './protocol';

const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

async function readAll(source: ByteSource, signal?: AbortSignal): Promise<Uint8Array> {
  return source.read(0, source.size, signal);
}

/** config.json + the weight file(s), headers only. */
async function openCheckpoint(
  source: LmSource,
  signal?: AbortSignal,
): Promise<{ checkpoint: Gpt2Checkpoint; label: string }> {
  if (source.kind === 'files') {
    const config = source.files.find((f) => f.name === 'config.json');
    const weights = source.files.filter((f) => /\.safetensors(\.index\.json)?$/.test(f.name));
    if (!config || weights.length === 0) {
      throw new ModelError(
        'not-gpt2',
        `a GPT-2 model needs config.json and model.safetensors (got ${source.files.map((f) => f.name).join(', ') || 'no files'})`,
        'Select both files together.',
      );
    }
    const sources = weights.map((f) => fromBlob(f, f.name));
    const listing = await listTensors(sources, signal);
    const parsed = parseConfigBytes(new Uint8Array(await config.arrayBuffer()));
    return { checkpoint: inspectGpt2(parsed, sources, listing), label: weights[0].name };
  }
  const endpoint = source.endpoint.trim() || undefined;
  const token = source.token || undefined;
  const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  const input = parseHubInput(source.input, endpoint);
  let configUrl: string;
  let opened: Awaited<ReturnType<typeof openHubModel>>;
  if (input.kind === 'url') {
    const base = input.url.split('?')[0];
    configUrl = `${base.slice(0, base.lastIndexOf('/') + 1)}config.json`;
    opened = await openHubModel(input, { endpoint, token, signal });
  } else {
    const folder = input.file?.includes('/') ? input.file.slice(0, input.file.lastIndexOf('/') + 1) : '';
    configUrl = resolveUrl(
      endpoint ?? 'https://huggingface.co',
      input.modelId,
      input.revision,
      `${folder}config.json`,
    );
    opened = await openHubModel(input, { endpoint, token, signal });
    if (opened.kind === 'choose') {
      const safetensors = opened.files.find((f) => f.endsWith('.safetensors'));
      if (!safetensors) {
        throw new ModelError(
          'not-gpt2',
          `${input.modelId} has no .safetensors weights`,
          'Pick a model with safetensors weights.',
        );
      }
      opened = await openHubModel({ ...input, file: safetensors }, { endpoint, token, signal });
    }
  }
  if (opened.kind !== 'opened')
    throw new ModelError('not-gpt2', 'no weight file was found', 'Check the model id.');
  if (opened.listing.format !== 'safetensors') {
    throw new ModelError(
      'not-gpt2',
      `the weights are ${opened.listing.format}, not safetensors`,
      'Pick a model with model.safetensors.',
    );
  }
  const configSource = await fromHttp(configUrl, { headers, signal, name: 'config.json' });
  const config = parseConfigBytes(await readAll(configSource, signal));
  const label = opened.modelId ?? opened.file;
  return { checkpoint: inspectGpt2(config, opened.sources, opened.listing), label };
}

function infoOf(key: string, label: string, c: Gpt2Checkpoint, loaded: boolean): LmModelInfo {
  return {
    key,
    label,
    layers: c.config.nLayer,
    width: c.config.nEmbd,
    heads: c.config.nHead,
    vocabSize: c.config.vocabSize,
    contextLength: c.config.nPositions,
    parameters: c.parameters,
    downloadBytes: c.downloadBytes,
    float32Bytes: c.float32Bytes,
    loaded,
  };
}

export function createLmHandlers(): Pick<Handlers, 'lmInspect' | 'lmLoad' | 'lmEvaluate'> {
  let resident: { key: string; info: LmModelInfo; weights: Gpt2Weights } | null = null;
  const inspected = new Map<string, { checkpoint: Gpt2Checkpoint; label: string }>();

  async function inspect(source: LmSource, signal?: AbortSignal) {
    const key = lmSourceKey(source);
    const hit = inspected.get(key);
    if (hit) return { key, ...hit };
    const opened = await openCheckpoint(source, signal);
    inspected.clear(); // one at a time: its sources hold File handles or closures only
    inspected.set(key, opened);
    return { key, ...opened };
  }

  return {
    async lmInspect(source, context?: CallContext) {
      const { key, checkpoint, label } = await inspect(source, context?.signal);
      return infoOf(key, label, checkpoint, resident?.key === key);
    },

    async lmLoad(source, context?: CallContext) {
      const signal = context?.signal;
      const { key, checkpoint, label } = await inspect(source, signal);
      if (resident?.key === key) return resident.info;
      resident = null; // free the previous model before reading the next
      const reporter = context
        ? createProgressReporter((loaded, total) => context.progress({ loaded, total }))
        : null;
      const sources = checkpoint.sources.map((s) =>
        source.kind === 'hub' && reporter ? withReadProgress(s, (n) => reporter.onBytes(n)) : s,
      );
      const weights = await loadGpt2Weights(
        { ...checkpoint, sources },
        {
          signal,
          onProgress: (loaded, total) => reporter?.onLoad(loaded, total),
        },
      );
      const info = infoOf(key, label, checkpoint, true);
      resident = { key, info, weights };
      return info;
    },

    async lmEvaluate(request, context?: CallContext) {
      const started = Date.now();
      if (!resident || resident.key !== request.modelKey) {
        throw new ModelError(
          'bad-request',
          'the model is not loaded (the worker restarted or loaded another)',
          'Load the model again.',
        );
      }
      const { weights } = resident;
      const config = weights.config;
      const schemes = { a: validateScheme(request.schemes.a), b: validateScheme(request.schemes.b) };
      const scope = request.scope === 'linear' ? 'linear' : 'all';
      const count = Math.max(0, Math.min(MAX_CONTINUE_TOKENS, Math.floor(request.continueTokens)));
      const tokenizer = await loadGpt2Tokenizer();
      const ids = tokenizer.encode(request.text);
      const promptIds = tokenizer.encode(request.prompt);
      if (ids.length < 2)
        throw new ModelError('bad-text', 'the text has fewer than 2 tokens', 'Type a longer text.');
      if (promptIds.length < 1) throw new ModelError('bad-text', 'the prompt is empty', 'Type a prompt.');
      if (ids.length > config.nPositions) {
        throw new ModelError(
          'bad-text',
          `the text has ${ids.length} tokens; this model reads at most ${config.nPositions}`,
          'Shorten the text.',
        );
      }
      const signal = context?.signal;
      const runs = await compareModels(weights, {
        ids,
        promptIds,
        continueTokens: count,
        schemes,
        scope,
        keepBytes: KEEP_SHARE * sumBytes(weights),
        async between(model, stage, layer) {
          context?.progress({ model, stage, step: layer, steps: config.nLayer + 1 } satisfies LmEvalProgress);
          await yieldToEvents();
          signal?.throwIfAborted();
        },
      });
      const results = {} as Record<LmModelId, LmModelResult>;
      for (const model of ['float', 'a', 'b'] as const) {
        const run = runs[model];
        results[model] = {
          perplexity: run.score.perplexity,
          meanLoss: run.score.meanLoss,
          tokenLosses: run.score.tokenLosses,
          meanKl: run.agreement?.meanKl ?? null,
          top1Agreement: run.agreement?.top1Agreement ?? null,
          klPerToken: run.agreement?.klPerToken ?? null,
          continuationIds: run.continuationIds,
          continuation: tokenizer.pieces(run.continuationIds),
          ownTextPerplexity: run.ownScore.perplexity,
          tensors: run.tensors,
          layers: poolByLayer(run.tensors),
          peakQuantizedBytes: run.peakHeldBytes,
        };
      }
      const evaluation: LmEvaluation = {
        tokens: tokenizer.pieces(ids),
        tokenIds: ids,
        promptTokens: tokenizer.pieces(promptIds),
        models: results,
        float32Bytes: sumBytes(weights),
        elapsedMs: Date.now() - started,
      };
      return evaluation;
    },
  };
}

function sumBytes(weights: Gpt2Weights): number {
  let n = 0;
  for (const t of weights.tensors.values()) n += t.byteLength;
  return n;
}
