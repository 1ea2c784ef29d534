import { gzipSync } from 'node:zlib';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * The library inlines its fonts (data URLs): keep only KaTeX's WOFF2 files (every browser that runs ES2022
 * reads WOFF2), not the WOFF and TTF copies, which would triple the size.
 */
function katexWoff2Only(): Plugin {
  return {
    name: 'katex-woff2-only',
    enforce: 'pre',
    transform(code, id) {
      if (!id.includes('katex') || !id.split('?')[0].endsWith('.css')) return null;
      return code.replace(/,url\([^)]*\.woff\) format\("woff"\),url\([^)]*\.ttf\) format\("truetype"\)/g, '');
    },
  };
}

/** The styles live inside the JS (injected into each explorer's shadow root): drop the extracted CSS file. */
function dropExtractedCss(): Plugin {
  return {
    name: 'drop-extracted-css',
    enforce: 'post',
    generateBundle(_options, bundle) {
      for (const name of Object.keys(bundle)) if (name.endsWith('.css')) delete bundle[name];
    },
  };
}

/**
 * Prints what a page loads: the entry with the chunks it imports statically (what every figure costs), then each
 * chunk loaded on first use (formulas and KaTeX, the worked example, the full explorer, lessons, the sweep).
 */
function reportSizes(): Plugin {
  return {
    name: 'report-sizes',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const chunks = new Map<string, { code: string; imports: string[]; dynamicImports: string[] }>();
      let entry = '';
      for (const [name, out] of Object.entries(bundle)) {
        if (out.type !== 'chunk') continue;
        chunks.set(name, { code: out.code, imports: out.imports, dynamicImports: out.dynamicImports });
        if (out.isEntry) entry = name;
      }
      /** A chunk and everything it imports statically. */
      const closure = (name: string, into = new Set<string>()) => {
        if (into.has(name)) return into;
        into.add(name);
        for (const i of chunks.get(name)?.imports ?? []) closure(i, into);
        return into;
      };
      const size = (names: Iterable<string>) => {
        const code = [...names].map((n) => chunks.get(n)?.code ?? '').join('');
        return `${(code.length / 1024).toFixed(0).padStart(5)} kB raw ${(gzipSync(code).length / 1024).toFixed(0).padStart(4)} kB gzip`;
      };
      const first = closure(entry);
      const lines = [`  every figure     ${entry.padEnd(40)} ${size(first)}`];
      // Each part loaded on first use, with what it adds to what is loaded already.
      const seen = new Set<string>();
      const parts = [...first].flatMap((n) => chunks.get(n)?.dynamicImports ?? []);
      while (parts.length > 0) {
        const part = parts.shift() as string;
        if (seen.has(part) || first.has(part)) continue;
        seen.add(part);
        const added = [...closure(part)].filter((n) => !first.has(n));
        lines.push(`  + on first use   ${part.padEnd(40)} ${size(added)}`);
        for (const n of added) parts.push(...(chunks.get(n)?.dynamicImports ?? []));
      }
      console.log(`\nLibrary sizes (the engine worker is inlined in the entry):\n${lines.join('\n')}\n`);
    },
  };
}

/**
 * The library build (`npm run build:lib` → dist-lib/), for pages that embed the explorer without an iframe
 * (README "Embedding without an iframe"). Two passes, chosen by `--mode`:
 * - `element`: dist-lib/quant-explorer.js, an ES module (React, the engine worker, the styles inlined) that
 *   registers <quant-explorer>, and the parts a figure loads only when it shows them (dist-lib/chunks/: formulas
 *   with KaTeX, the worked example, the full explorer with its lessons, sweep and LLM.int8() views);
 * - `react`: dist-lib/quant-explorer-react.js, the <QuantizationExplorer> component, with React and ReactDOM left
 *   to the host page.
 * The engine worker is inlined (Blob URL, `?worker&inline`), so no worker file has to be hosted next to it.
 */
export default defineConfig(({ mode }) => {
  const element = mode !== 'react';
  return {
    plugins: [katexWoff2Only(), react(), tailwindcss(), dropExtractedCss(), reportSizes()],
    worker: { format: 'es' },
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: {
      target: 'es2022',
      outDir: 'dist-lib',
      // The first pass (element) starts from an empty folder; the second adds to it.
      emptyOutDir: element,
      sourcemap: true,
      // Library mode leaves ES output unminified by default; this file is served to readers as is.
      minify: true,
      copyPublicDir: false,
      lib: element
        ? { entry: 'src/lib/element.ts', formats: ['es'], fileName: () => 'quant-explorer.js' }
        : { entry: 'src/lib/react.ts', formats: ['es'], fileName: () => 'quant-explorer-react.js' },
      rolldownOptions: {
        // What a figure does not show is a chunk of its own, loaded (beside the entry, by a relative URL) on first use.
        output: { chunkFileNames: 'chunks/[name]-[hash].js' },
        ...(element ? {} : { external: ['react', 'react-dom', 'react-dom/client', 'react/jsx-runtime'] }),
      },
    },
  };
});
