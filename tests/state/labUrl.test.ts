import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LAB_SETTINGS } from '../../src/core/nn/settings';
import { DEFAULT_SHAREABLE_STATE } from '../../src/state/shareableState';
import { decodeUrlState, encodeUrlState } from '../../src/state/urlCodec';
import { labSettingsArb } from '../helpers/labArb';

describe('the model lab in a link', () => {
  it('writes no lab key for the default settings', () => {
    expect(encodeUrlState(DEFAULT_SHAREABLE_STATE)).not.toContain('lab.');
  });

  it('round-trips any valid settings, writing only what differs from the defaults', () => {
    fc.assert(
      fc.property(labSettingsArb, (lab) => {
        const query = encodeUrlState({ ...DEFAULT_SHAREABLE_STATE, lab });
        const back = decodeUrlState(query);
        expect(back.notices).toEqual([]);
        expect(back.state.lab).toEqual(lab);
      }),
      { numRuns: 300, seed: 13 },
    );
  });

  it('reads a hand-written link', () => {
    const r = decodeUrlState(
      '?tab=lab&lab.h=64&lab.h2=16&lab.swg=group&lab.swgs=16&lab.qs=a&lab.ste=clipped&lab.cal=ema',
    );
    expect(r.notices).toEqual([]);
    expect(r.state.view.tab).toBe('lab');
    expect(r.state.lab.model).toMatchObject({ hidden: 64, hidden2: 16 });
    expect(r.state.lab.sweep.granularity).toEqual({ kind: 'group', size: 16 });
    expect(r.state.lab.qat).toMatchObject({ scheme: 'a', ste: 'clipped' });
    expect(r.state.lab.activations.calibration).toBe('ema');
  });

  it('falls back field by field, with a notice naming each bad field', () => {
    const r = decodeUrlState('?lab.h=4&lab.ep=12&lab.lr=abc&lab.cal=median&lab.bias=yes&lab.h2=0');
    expect(r.state.lab.model.hidden).toBe(DEFAULT_LAB_SETTINGS.model.hidden);
    expect(r.state.lab.model.epochs).toBe(12);
    expect(r.state.lab.model.hidden2).toBe(0);
    expect(r.state.lab.model.learningRate).toBe(DEFAULT_LAB_SETTINGS.model.learningRate);
    expect(r.state.lab.activations.calibration).toBe('minmax');
    expect(r.state.lab.biases).toBe(false);
    expect(r.notices).toHaveLength(4);
    expect(r.notices[0]).toBe('Link field lab.h=4 ignored: expected a whole number in 16..128; using 32.');
    expect(r.notices.join(' ')).toMatch(/lab\.lr=abc.*lab\.bias=yes.*lab\.cal=median/);
  });
});
