/** The Share dialog's link and iframe snippet: the state and chosen charts in the link, HTML-escaped in the snippet. */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_EMBED_CHOICE,
  embedLink,
  iframeSnippet,
  shareLink,
} from '../../../src/components/share/embedSnippet';
import { DEFAULT_SHAREABLE_STATE } from '../../../src/state/shareableState';
import { decodeUrlState } from '../../../src/state/urlCodec';

const base = 'https://example.org/course/explorer/';

describe('share links', () => {
  it('the link decodes back to the state, and the embed link adds the charts and theme', () => {
    const link = shareLink(base, DEFAULT_SHAREABLE_STATE);
    expect(link.startsWith(`${base}?v=1&`)).toBe(true);
    expect(decodeUrlState(new URL(link).search).state).toEqual(DEFAULT_SHAREABLE_STATE);
    const embed = embedLink(base, DEFAULT_SHAREABLE_STATE, {
      ...DEFAULT_EMBED_CHOICE,
      charts: ['heatmap', 'worked'],
      theme: 'dark',
    });
    const decoded = decodeUrlState(new URL(embed).search);
    expect(decoded.embed).toEqual({ charts: ['heatmap', 'worked'] });
    expect(decoded.theme).toBe('dark');
  });

  it('an empty chart choice falls back to the default charts', () => {
    const embed = embedLink(base, DEFAULT_SHAREABLE_STATE, { ...DEFAULT_EMBED_CHOICE, charts: [] });
    expect(decodeUrlState(new URL(embed).search).embed).toEqual({ charts: ['hist', 'metrics'] });
  });

  it('the snippet escapes the link for an HTML attribute and carries size and title', () => {
    const html = iframeSnippet(
      'https://x.org/?a=1&b="2"',
      { ...DEFAULT_EMBED_CHOICE, width: 640, height: 480 },
      'A < B',
    );
    expect(html).toBe(
      '<iframe src="https://x.org/?a=1&amp;b=&quot;2&quot;" width="640" height="480" style="border:0;max-width:100%" title="A &lt; B" loading="lazy"></iframe>',
    );
  });
});
