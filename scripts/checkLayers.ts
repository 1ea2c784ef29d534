/**
 * The layering rule of src/, checked on every lint (`npm run lint`, `npm test`): each top-level folder of src/ is a
 * layer, and a module imports only from its own layer or from layers below it, never above, and no chain of imports
 * comes back to where it started. Type-only imports count for the layers (a type from a higher layer is a dependency
 * on it all the same) and not for the cycles (TypeScript erases them: they order nothing at run time).
 *
 *   node --import tsx scripts/checkLayers.ts        # prints every back edge and cycle; exit 1 if there is any
 *
 * Imports are read with TypeScript's parser: static imports and re-exports, and `import('…')` calls, with a
 * literal relative path. Package imports are Biome's business (biome.json keeps React and the DOM out of core/).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * src/'s layers, lowest first. A folder imports from its own layer and those before it. `.` is the files directly in
 * src/ (the app's entry, App.tsx, ExplorerRoot.tsx). A folder not listed is reported: a new one needs a place.
 */
export const SRC_LAYERS: readonly (readonly string[])[] = [
  // the AssemblyScript kernels: compiled by their own build, imported by nothing in TypeScript
  ['kernels'],
  // the pure numeric engine
  ['core'],
  // file parsers over bytes
  ['io'],
  // model checkpoints and tokenizers over io (the language model's GPT-2 reader)
  ['lm'],
  // the engine worker and its protocol; Node's helper threads (the bench and the tests)
  ['worker'],
  ['node'],
  // what the user chose and what the worker computed
  ['state'],
  // the theme (its preference type is part of the shareable state)
  ['theme'],
  // lessons are data over the shareable state
  ['lessons'],
  // charts: layout and d3 render over core's results
  ['charts'],
  // tables and images for download
  ['export'],
  ['components'],
  ['.'],
  // the library entries mount the whole app
  ['lib'],
];

/** One relative import of a module. */
export interface ModuleImport {
  /** The imported module, relative to the root (forward slashes). */
  target: string;
  /** Erased at run time (`import type`, or every name imported is a type). */
  typeOnly: boolean;
}

/** What the check found: an import against the layers, a cycle, or a folder with no layer. */
export interface LayerProblem {
  kind: 'back-edge' | 'cycle' | 'unplaced';
  /** The modules involved, relative to the root: importer then imported, or the cycle in import order. */
  files: string[];
  message: string;
}

const SOURCE = /\.(ts|tsx|mts|mjs|js)$/;
const RESOLVE_SUFFIXES = ['', '.ts', '.tsx', '.mts', '.mjs', '.js', '/index.ts', '/index.tsx'];

function listSources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) listSources(path, out);
    else if (SOURCE.test(name) && !name.endsWith('.d.ts') && !name.endsWith('.d.mts')) out.push(path);
  }
  return out;
}

const posix = (path: string) => path.split(sep).join('/');

/** The file a relative specifier names, or null (not a source file: CSS, `?inline` assets, a missing file). */
function resolveImport(from: string, specifier: string): string | null {
  const base = resolve(dirname(from), specifier.replace(/\?.*$/, ''));
  for (const suffix of RESOLVE_SUFFIXES) {
    const path = base + suffix;
    if (SOURCE.test(path) && existsSync(path) && statSync(path).isFile()) return path;
  }
  return null;
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false; // a side-effect import
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  return (
    bindings !== undefined &&
    ts.isNamedImports(bindings) &&
    bindings.elements.length > 0 &&
    bindings.elements.every((e) => e.isTypeOnly)
  );
}

/** The relative imports of one module's text, as written (specifier and whether the import is type-only). */
export function importsOf(fileName: string, text: string): { specifier: string; typeOnly: boolean }[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false);
  const found: { specifier: string; typeOnly: boolean }[] = [];
  const add = (node: ts.Expression | undefined, typeOnly: boolean) => {
    if (node && ts.isStringLiteralLike(node) && node.text.startsWith('.'))
      found.push({ specifier: node.text, typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) add(node.moduleSpecifier, isTypeOnlyImport(node));
    else if (ts.isExportDeclaration(node)) add(node.moduleSpecifier, node.isTypeOnly);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword)
      add(node.arguments[0], false);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every module under `root` and its relative imports that resolve to a module under `root`. */
export function importGraph(root: string): Map<string, ModuleImport[]> {
  const graph = new Map<string, ModuleImport[]>();
  for (const file of listSources(root)) {
    const imports: ModuleImport[] = [];
    for (const { specifier, typeOnly } of importsOf(file, readFileSync(file, 'utf8'))) {
      const target = resolveImport(file, specifier);
      if (target && !relative(root, target).startsWith('..'))
        imports.push({ target: posix(relative(root, target)), typeOnly });
    }
    graph.set(posix(relative(root, file)), imports);
  }
  return graph;
}

/** The layer folder of a module path relative to the root: its first folder, or `.` for a file at the root. */
export function folderOf(path: string): string {
  const slash = path.indexOf('/');
  return slash < 0 ? '.' : path.slice(0, slash);
}

/**
 * The cycles of the graph's run-time imports: one per strongly connected component of more than one module (or a
 * module importing itself), reported as one closed path through it.
 */
export function findCycles(graph: ReadonlyMap<string, readonly ModuleImport[]>): string[][] {
  const edges = new Map<string, string[]>();
  for (const [file, imports] of graph)
    edges.set(
      file,
      imports.filter((i) => !i.typeOnly && graph.has(i.target)).map((i) => i.target),
    );
  // Tarjan's algorithm, iterative (a long import chain must not overflow the stack)
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let next = 0;
  for (const start of [...edges.keys()].sort()) {
    if (index.has(start)) continue;
    const work: { node: string; edge: number }[] = [{ node: start, edge: 0 }];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const top = work[work.length - 1];
      const out = edges.get(top.node) ?? [];
      if (top.edge < out.length) {
        const to = out[top.edge++];
        if (!index.has(to)) {
          index.set(to, next);
          low.set(to, next++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, edge: 0 });
        } else if (onStack.has(to)) low.set(top.node, Math.min(low.get(top.node)!, index.get(to)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.node)!));
      }
      if (low.get(top.node) === index.get(top.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== top.node);
        const selfLoop = component.length === 1 && out.includes(top.node);
        if (component.length > 1 || selfLoop) components.push(component);
      }
    }
  }
  return components.map((component) => closedPath(component, edges));
}

/** A path through a strongly connected component that starts at its first module (by name) and returns to it. */
function closedPath(component: readonly string[], edges: ReadonlyMap<string, readonly string[]>): string[] {
  const members = new Set(component);
  const start = [...component].sort()[0];
  // breadth-first from start's successors back to start, inside the component: the shortest cycle through it
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const to of edges.get(node) ?? []) {
      if (!members.has(to) || previous.has(to)) continue;
      previous.set(to, node);
      if (to === start) {
        const path = [start];
        for (let at = node; at !== start; at = previous.get(at)!) path.unshift(at);
        path.unshift(start);
        return path;
      }
      queue.push(to);
    }
  }
  return [start, start];
}

/** Every back edge, cycle and unplaced folder of the modules under `root`, for the layers given (lowest first). */
export function checkLayers(
  root: string,
  layers: readonly (readonly string[])[] = SRC_LAYERS,
): LayerProblem[] {
  const rank = new Map<string, number>();
  layers.forEach((folders, k) => {
    for (const folder of folders) rank.set(folder, k);
  });
  const graph = importGraph(root);
  const problems: LayerProblem[] = [];
  const unplaced = new Set<string>();
  for (const [file, imports] of graph) {
    const from = folderOf(file);
    if (!rank.has(from)) {
      unplaced.add(from);
      continue;
    }
    for (const { target } of imports) {
      const to = folderOf(target);
      if (!rank.has(to) || rank.get(to)! <= rank.get(from)!) continue;
      problems.push({
        kind: 'back-edge',
        files: [file, target],
        message: `${file} imports ${target}: ${from}/ sits below ${to}/ and may not import from it`,
      });
    }
  }
  for (const folder of [...unplaced].sort())
    problems.push({
      kind: 'unplaced',
      files: [folder],
      message: `${folder}/ is in no layer: give it a place in SRC_LAYERS (scripts/checkLayers.ts)`,
    });
  for (const cycle of findCycles(graph))
    problems.push({ kind: 'cycle', files: cycle, message: `import cycle: ${cycle.join(' -> ')}` });
  return problems;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../src');
  const problems = checkLayers(root);
  for (const p of problems) console.error(`layers: ${p.message}`);
  if (problems.length > 0) {
    console.error(
      `layers: ${problems.length} problem(s) in src/ (layers, lowest first: ${SRC_LAYERS.map((l) => l.join(' ')).join(' < ')})`,
    );
    process.exit(1);
  }
  console.log(
    `layers: src/ imports go one way (${SRC_LAYERS.map((l) => l.join(' ')).join(' < ')}), no cycles`,
  );
}
