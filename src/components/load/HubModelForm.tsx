/**
 * "From a model": a Hugging Face model id (openai-community/gpt2, org/name@revision), a Hub URL or a direct
 * file URL, with the endpoint (default https://huggingface.co) and an optional access token. The token lives in
 * this component's state only: never in the URL, the store, storage or a log; the worker sends it only as an
 * Authorization header. When the server refuses access (401/403) the token field opens and takes the focus.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { DEFAULT_HUB_ENDPOINT } from '../../worker/loadProtocol';
import { Field, INPUT_CLASS } from '../controls/Field';
import { BUTTON_CLASS } from './loadStyles';

export interface HubRequest {
  input: string;
  endpoint: string;
  token: string | undefined;
}

export function HubModelForm({
  onOpen,
  needsToken,
  disabled = false,
}: {
  onOpen(request: HubRequest): void;
  /** The last attempt was refused (401/403): ask for a token. */
  needsToken: boolean;
  disabled?: boolean;
}) {
  const modelId = useId();
  const endpointId = useId();
  const tokenId = useId();
  const [input, setInput] = useState('');
  const [endpoint, setEndpoint] = useState(DEFAULT_HUB_ENDPOINT);
  // The token is read from the field on submit, never held as a controlled value: React mirrors a controlled
  // input's value into its `value` attribute, which puts the secret in the DOM (serialised pages, extensions).
  const [hasToken, setHasToken] = useState(false);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const tokenInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!needsToken) return;
    setSettingsOpen(true);
    // After the <details> has opened, so the field can take the focus.
    requestAnimationFrame(() => tokenInput.current?.focus());
  }, [needsToken]);

  return (
    <form
      className="flex flex-col gap-2"
      data-testid="hub-form"
      onSubmit={(event) => {
        event.preventDefault();
        const text = input.trim();
        if (text === '') {
          setError('Type a model id like openai-community/gpt2, or paste a file URL.');
          return;
        }
        if (!/^https?:\/\/\S+$/i.test(endpoint.trim())) {
          setSettingsOpen(true);
          setError('The endpoint must be an http(s) address, e.g. https://huggingface.co.');
          return;
        }
        setError(null);
        const token = tokenInput.current?.value.trim() ?? '';
        onOpen({ input: text, endpoint: endpoint.trim(), token: token || undefined });
      }}
    >
      <Field
        label="From a model (Hugging Face)"
        htmlFor={modelId}
        hint="A model id like openai-community/gpt2 (optionally @revision), or a file URL. Only the headers and the chosen tensor are downloaded."
        error={error}
      >
        <div className="flex gap-1.5">
          <input
            id={modelId}
            type="text"
            value={input}
            onChange={(event) => setInput(event.currentTarget.value)}
            placeholder="org/model"
            spellCheck={false}
            autoCapitalize="off"
            autoComplete="off"
            className={INPUT_CLASS}
            data-testid="hub-model"
          />
          <button type="submit" className={BUTTON_CLASS} disabled={disabled} data-testid="hub-open">
            Open
          </button>
        </div>
      </Field>
      <details
        open={settingsOpen}
        onToggle={(event) => setSettingsOpen(event.currentTarget.open)}
        className="rounded-md text-xs"
      >
        <summary className="cursor-pointer select-none text-slate-600 dark:text-slate-300">
          Endpoint and access token
        </summary>
        <div className="mt-2 flex flex-col gap-2">
          <Field label="Endpoint" htmlFor={endpointId}>
            <input
              id={endpointId}
              type="url"
              value={endpoint}
              onChange={(event) => setEndpoint(event.currentTarget.value)}
              spellCheck={false}
              className={INPUT_CLASS}
              data-testid="hub-endpoint"
            />
          </Field>
          <Field
            label="Access token (for gated or private models)"
            htmlFor={tokenId}
            hint="Kept in this tab’s memory only and sent only as an Authorization header; never saved or put in a link."
          >
            <input
              id={tokenId}
              ref={tokenInput}
              type="password"
              defaultValue=""
              onChange={(event) => setHasToken(event.currentTarget.value !== '')}
              placeholder="hf_…"
              autoComplete="off"
              spellCheck={false}
              className={INPUT_CLASS}
              aria-invalid={needsToken && !hasToken ? true : undefined}
              data-testid="hub-token"
            />
          </Field>
          {needsToken ? (
            <p
              className="text-[11px] font-medium leading-snug text-[var(--color-error-text)]"
              data-testid="hub-token-needed"
            >
              This model needs an access token: paste one with read access, then press Open again.
            </p>
          ) : null}
        </div>
      </details>
    </form>
  );
}
