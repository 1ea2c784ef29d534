/**
 * Library entry for plain HTML: `<script type="module" src="quant-explorer.js"></script>` registers
 * `<quant-explorer>` (React, the engine worker and the styles are inside this one file).
 */
import { defineQuantExplorer } from './quantExplorerElement';

defineQuantExplorer();

export { defineQuantExplorer, QuantExplorerElement } from './quantExplorerElement';
