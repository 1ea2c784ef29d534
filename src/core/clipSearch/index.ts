/** Clipping-threshold searches that need more than a formula: KL / entropy calibration and OCTAV. Pure ES2022. */
export { absHistogram, KL_BINS, type KlSearch, klSearchHistogram, klThreshold } from './kl';
export { type OctavSearch, octavSearch, octavThreshold } from './octav';
