import { describe, expect, it } from 'vitest';
import { wholeModelEmbedDefault } from '../../../src/components/wholeModel/embedCharts';
import { EMBED_CHARTS } from '../../../src/state/shareableState';
import { DEFAULT_WHOLE_MODEL_LINK } from '../../../src/state/wholeModelUrl';

describe('what the Share dialog proposes to embed from the Whole model tab', () => {
  it('proposes nothing of the tab when no Hub model is named (a local file cannot travel in a link)', () => {
    expect(wholeModelEmbedDefault(DEFAULT_WHOLE_MODEL_LINK)).toBeNull();
    expect(wholeModelEmbedDefault({ ...DEFAULT_WHOLE_MODEL_LINK, model: '   ' })).toBeNull();
  });

  it('proposes the depth chart, the table and the strip; the strip only when there are candidates', () => {
    const named = { ...DEFAULT_WHOLE_MODEL_LINK, model: 'org/m' };
    expect(wholeModelEmbedDefault(named)).toEqual(['wmdepth', 'wmtable', 'wmbudget']);
    expect(wholeModelEmbedDefault({ ...named, candidates: [] })).toEqual(['wmdepth', 'wmtable']);
    for (const c of wholeModelEmbedDefault(named) ?? []) expect(EMBED_CHARTS).toContain(c);
  });
});
