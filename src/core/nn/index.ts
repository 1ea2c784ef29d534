/** The model lab's network and experiments (pure TypeScript, on the engine's own quantize). */
export * from './activations';
export * from './adam';
export * from './data';
export * from './evaluate';
export * from './lab';
export * from './mlp';
export * from './quantizeModel';
export * from './settings';
export * from './train';
