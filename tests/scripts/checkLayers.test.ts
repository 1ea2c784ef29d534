/**
 * The layering check (scripts/checkLayers.ts) on small made-up source trees: it reports an import from a lower layer
 * into a higher one and a cycle of run-time imports, and nothing on a tree that follows the rule.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkLayers, findCycles, importsOf, type ModuleImport } from '../../scripts/checkLayers';

const LAYERS = [['core'], ['state'], ['components']];
const roots: string[] = [];

/** A source tree in a fresh temporary folder: path -> text. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'layers-'));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('checkLayers', () => {
  it('reports a back edge and a cycle, naming the files', () => {
    const root = tree({
      'core/a.ts': "import { b } from './b';\nexport const a = () => b;\n",
      'core/b.ts': "import { a } from './a';\nexport const b = () => a;\n",
      'core/c.ts': 'export const c = 1;\n',
      'state/store.ts': "import { Panel } from '../components/Panel';\nexport const s = Panel;\n",
      'components/Panel.tsx': "import { c } from '../core/c';\nexport const Panel = c;\n",
    });
    const problems = checkLayers(root, LAYERS);
    expect(problems.map((p) => p.kind).sort()).toEqual(['back-edge', 'cycle']);
    const backEdge = problems.find((p) => p.kind === 'back-edge')!;
    expect(backEdge.files).toEqual(['state/store.ts', 'components/Panel.tsx']);
    expect(backEdge.message).toContain('state/ sits below components/');
    const cycle = problems.find((p) => p.kind === 'cycle')!;
    expect(cycle.files).toEqual(['core/a.ts', 'core/b.ts', 'core/a.ts']);
  });

  it('finds nothing in a tree whose imports go one way (down, within a layer, type-only loops)', () => {
    const root = tree({
      'core/math.ts': "import type { View } from './view';\nexport const twice = (v: View) => v.n * 2;\n",
      'core/view.ts':
        "import { twice } from './math';\nexport interface View { n: number }\nexport const f = twice;\n",
      'core/index.ts': "export { twice } from './math';\n",
      'state/store.ts': "import { twice } from '../core';\nexport const s = twice;\n",
      'components/Panel.tsx':
        "import { s } from '../state/store';\nimport css from './panel.css?inline';\nexport const P = [s, css];\n",
      'components/panel.css': '.p {}\n',
    });
    expect(checkLayers(root, LAYERS)).toEqual([]);
  });

  it('reports a type-only import against the layers, a dynamic import, and a folder with no layer', () => {
    const root = tree({
      'core/a.ts': "import type { S } from '../state/s';\nexport type A = S;\n",
      'state/s.ts': "export type S = number;\nexport const load = () => import('../components/late');\n",
      'components/late.ts': 'export const late = 1;\n',
      'misc/x.ts': 'export const x = 1;\n',
    });
    const problems = checkLayers(root, LAYERS);
    expect(problems.filter((p) => p.kind === 'back-edge').map((p) => p.files)).toEqual(
      expect.arrayContaining([
        ['core/a.ts', 'state/s.ts'],
        ['state/s.ts', 'components/late.ts'],
      ]),
    );
    expect(problems.find((p) => p.kind === 'unplaced')?.files).toEqual(['misc']);
  });

  it('passes on the repository as it is', () => {
    expect(checkLayers(join(__dirname, '../../src')).map((p) => p.message)).toEqual([]);
  });
});

describe('importsOf', () => {
  it('reads imports, re-exports and import() calls, and which are erased', () => {
    const text = [
      "import { a } from './a';",
      "import type { B } from './b';",
      "import { type C, type D } from './c';",
      "import { type E, e } from './e';",
      "export { f } from './f';",
      "export type { G } from './g';",
      "import 'react';",
      "const h = () => import('./h');",
      "// import { x } from './commented';",
    ].join('\n');
    expect(importsOf('m.ts', text)).toEqual([
      { specifier: './a', typeOnly: false },
      { specifier: './b', typeOnly: true },
      { specifier: './c', typeOnly: true },
      { specifier: './e', typeOnly: false },
      { specifier: './f', typeOnly: false },
      { specifier: './g', typeOnly: true },
      { specifier: './h', typeOnly: false },
    ]);
  });
});

describe('findCycles', () => {
  const graph = (edges: Record<string, string[]>) =>
    new Map<string, ModuleImport[]>(
      Object.entries(edges).map(([k, v]) => [k, v.map((target) => ({ target, typeOnly: false }))]),
    );

  it('finds a three-module loop and a self-import, and no loop in a diamond', () => {
    const cycles = findCycles(
      graph({
        a: ['b'],
        b: ['c'],
        c: ['a', 'd'],
        d: [],
        self: ['self'],
        top: ['l', 'r'],
        l: ['z'],
        r: ['z'],
        z: [],
      }),
    );
    expect(cycles).toEqual(
      expect.arrayContaining([
        ['a', 'b', 'c', 'a'],
        ['self', 'self'],
      ]),
    );
    expect(cycles).toHaveLength(2);
  });
});
