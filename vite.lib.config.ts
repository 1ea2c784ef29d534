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
 * The library build (`npm run build:lib` → dist-lib/), for pages that embed the explorer without an iframe
 * (README "Embedding without an iframe"). Two passes, chosen by `--mode`:
 * - `element`: dist-lib/quant-explorer.js, one self-contained ES module (React, the engine worker, the styles
 *   inlined) that registers <quant-explorer>;
 * - `react`: dist-lib/quant-explorer-react.js, the <QuantizationExplorer> component, with React and ReactDOM left
 *   to the host page.
 * The engine worker is inlined (Blob URL, `?worker&inline`), so no worker file has to be hosted next to it.
 */
export default defineConfig(({ mode }) => {
  const element = mode !== 'react';
  return {
    plugins: [katexWoff2Only(), react(), tailwindcss(), dropExtractedCss()],
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
        // One file: KaTeX, loaded lazily by the app (a separate chunk there), is inlined here.
        output: { inlineDynamicImports: true },
        ...(element ? {} : { external: ['react', 'react-dom', 'react-dom/client', 'react/jsx-runtime'] }),
      },
    },
  };
});
