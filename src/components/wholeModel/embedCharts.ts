/** The embed chart ids that belong to the Whole model tab (its embed loads only in a figure that shows one). */
export const WHOLE_MODEL_EMBED_CHARTS = ['wmdepth', 'wmtable', 'wmbudget'] as const;
