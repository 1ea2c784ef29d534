// @vitest-environment jsdom
/**
 * The Hugging Face access token never reaches the DOM: typing it leaves the password input without a `value`
 * attribute holding it (React mirrors a controlled input's value into the attribute, where any script or a saved
 * page reads it), while Open still sends it.
 */
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { HubModelForm, type HubRequest } from '../../../src/components/load/HubModelForm';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root | null = null;
afterEach(() => {
  act(() => root?.unmount());
  root = null;
  document.body.innerHTML = '';
});

/** Types into an input as the browser does (native value setter, then an input event React listens to). */
function type(input: HTMLInputElement, text: string): void {
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
  setter?.call(input, text);
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

describe('the access token field', () => {
  it('keeps the token out of the DOM and still sends it', () => {
    const container = document.createElement('div');
    document.body.append(container);
    const requests: HubRequest[] = [];
    act(() => {
      root = createRoot(container);
      root.render(<HubModelForm onOpen={(r) => requests.push(r)} needsToken={false} />);
    });
    const secret = 'hf_SECRETtoken123';
    const token = container.querySelector<HTMLInputElement>('[data-testid="hub-token"]');
    const model = container.querySelector<HTMLInputElement>('input[type="text"], input:not([type])');
    expect(token).not.toBeNull();
    act(() => type(token as HTMLInputElement, secret));
    act(() => type(model as HTMLInputElement, 'openai-community/gpt2'));
    expect(container.innerHTML).not.toContain(secret);
    expect(token?.getAttribute('value') ?? '').not.toContain(secret);
    act(() => {
      container
        .querySelector('form')
        ?.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    });
    expect(requests).toEqual([
      { input: 'openai-community/gpt2', endpoint: 'https://huggingface.co', token: secret },
    ]);
  });
});
