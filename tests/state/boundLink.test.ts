/**
 * A page opening on a heavy link (issue #18): the link reads back exactly as written (the codec does not bound
 * it), and the state the page opens with is reduced with a notice per cut, which the boot notice shows.
 */
import { describe, expect, it } from 'vitest';
import { estimateWorkSeconds, LINK_WORK_BUDGET_S } from '../../src/core/linkWork';
import { resolveExplorerOptions } from '../../src/lib/explorerOptions';
import { boundOpeningWork } from '../../src/state/boundLink';
import { decodeUrlState } from '../../src/state/urlCodec';
import { readBootState } from '../../src/state/urlSync';

const noLessons = () => undefined;
const HEAVY =
  '?v=1&gen=normal&rows=8192&cols=8192&a.kind=integer&a.method=absmax&a.bits=4&a.gran=group&a.gs=1&a.clip=mseOptimal&b.kind=kmeans&b.bits=8&b.gran=row&b.iter=1000';

describe('a heavy link at boot', () => {
  it('is decoded as written, and opened within the work budget with a notice per reduction', () => {
    const decoded = decodeUrlState(HEAVY);
    expect(decoded.notices).toEqual([]);
    expect(decoded.state.data.kind === 'generate' && decoded.state.data.params.rows).toBe(8192);

    const boot = readBootState(HEAVY, noLessons);
    const data = boot.state.data;
    if (data.kind !== 'generate') throw new Error('expected a generated matrix');
    const shape = { rows: data.params.rows, cols: data.params.cols };
    const work =
      estimateWorkSeconds(boot.state.schemes.a, shape) + estimateWorkSeconds(boot.state.schemes.b, shape);
    expect(work).toBeLessThanOrEqual(LINK_WORK_BUDGET_S);
    // tiny groups raised first, then the matrix halved: two notices, each saying what the link asked for
    expect(boot.notices).toHaveLength(2);
    expect(boot.notices[0]).toMatch(/groups of 1 on 8,192 × 8,192/);
    expect(boot.notices[1]).toMatch(/8,192 × 8,192 matrix/);
    // the store starts from the bounded state
    expect(boot.init.generator).toEqual(data.params);
    expect(boot.init.schemes?.a).toEqual(boot.state.schemes.a);
  });

  it('leaves a light link and a Hub tensor untouched', () => {
    const light = readBootState('?v=1&gen=normal&rows=256&cols=256&a.bits=4', noLessons);
    expect(light.notices).toEqual([]);
    expect(light.state).toEqual(decodeUrlState('?v=1&gen=normal&rows=256&cols=256&a.bits=4').state);
    const hub = decodeUrlState('?src=hub&model=org/m&tensor=w&a.gran=group&a.gs=1').state;
    expect(boundOpeningWork(hub)).toEqual({ state: hub, notices: [] });
  });

  it('bounds the custom element the same way', () => {
    const resolved = resolveExplorerOptions({ state: HEAVY });
    expect(resolved.notices).toHaveLength(2);
    expect(resolved.state).toEqual(readBootState(HEAVY, noLessons).state);
  });
});
