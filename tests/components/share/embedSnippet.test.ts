/** The Share dialog's link and iframe snippet: the state and chosen charts in the link, HTML-escaped in the snippet. */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_EMBED_CHOICE,
  defaultEmbedHeight,
  EMBED_HOST_SCRIPT,
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

  it('the snippet escapes the link for an HTML attribute, fills the column up to the width, and carries the script', () => {
    const html = iframeSnippet('https://x.org/?a=1&b="2"', { ...DEFAULT_EMBED_CHOICE, width: 640 }, 'A < B');
    const [iframe, ...script] = html.split('\n');
    // Default charts (hist, metrics) at 640 px, A and B side by side: 60 + (30 + 440) + 70 + 360 = 960.
    expect(iframe).toBe(
      '<iframe src="https://x.org/?a=1&amp;b=&quot;2&quot;" data-quant-explorer width="640" height="960" style="border:0;width:100%;max-width:640px;height:960px" title="A &lt; B" loading="lazy"></iframe>',
    );
    expect(script.join('\n')).toBe(EMBED_HOST_SCRIPT);
  });

  it('theme=inherit and a transparent background travel as frame options, outside the state', () => {
    const embed = embedLink(base, DEFAULT_SHAREABLE_STATE, {
      ...DEFAULT_EMBED_CHOICE,
      theme: 'inherit',
      transparent: true,
    });
    expect(embed.endsWith('&embed=1&charts=hist,metrics&theme=inherit&bg=transparent')).toBe(true);
    const decoded = decodeUrlState(new URL(embed).search);
    expect(decoded.frame).toEqual({ inheritTheme: true, transparent: true });
    expect(decoded.notices).toEqual([]);
    expect(decoded.theme).toBeNull();
    expect(decoded.state).toEqual(DEFAULT_SHAREABLE_STATE);
  });
});

describe('defaultEmbedHeight', () => {
  it('adds the parts chosen, once per row of A and B side by side, twice when stacked below 640 px', () => {
    // hist + error + heatmap side by side: 60 + 30 + 440 + 260 + 380 + caption 70.
    expect(defaultEmbedHeight(['hist', 'error', 'heatmap'], true, 800)).toBe(1240);
    // The same at 390 px: A above B, and a taller caption: 60 + 2 × 1110 + 130.
    expect(defaultEmbedHeight(['hist', 'error', 'heatmap'], true, 390)).toBe(2410);
    // One scheme at 390 px: nothing stacks, but the caption and the table wrap: 60 + 470 + 130 + 360 × 1.8.
    expect(defaultEmbedHeight(['hist', 'metrics'], false, 390)).toBe(1308);
    // Only the table: no per-scheme part.
    expect(defaultEmbedHeight(['metrics'], true, 800)).toBe(420);
  });

  it('counts the Language model figure: its card once, then each part chosen (it was the bare minimum)', () => {
    // 60 + the card 200 + perplexity 220 + loss 340; no per-scheme part, no caption.
    expect(defaultEmbedHeight(['lmppl', 'lmloss'], true, 800)).toBe(820);
    // At 390 px the card wraps (× 1.5) and the parts too (× 1.8): 60 + 300 + 1.8 × 560.
    expect(defaultEmbedHeight(['lmppl', 'lmloss'], true, 390)).toBe(1368);
    // The card counts once however many parts: all four at 800 px, 60 + 200 + 220 + 340 + 360 + 340.
    expect(defaultEmbedHeight(['lmppl', 'lmloss', 'lmcont', 'lmsqnr'], true, 800)).toBe(1520);
  });
});
