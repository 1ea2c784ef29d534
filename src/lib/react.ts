/**
 * Library entry for React pages: `import { QuantizationExplorer } from './quant-explorer-react.js'`. React and
 * ReactDOM come from the host page (peers); styles and the engine worker are inside.
 */
export { type ExplorerOptions, type ExplorerStateInput, resolveExplorerOptions } from './explorerOptions';
export { QuantizationExplorer, type QuantizationExplorerProps } from './QuantizationExplorer';
