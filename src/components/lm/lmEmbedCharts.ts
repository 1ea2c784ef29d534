/** The embed charts that belong to the Language model tab (LmEmbed.tsx), apart so the embed can load it lazily. */
import type { EmbedChart } from '../../state/shareableState';

export const LM_EMBED_CHARTS = [
  'lmppl',
  'lmloss',
  'lmcont',
  'lmsqnr',
] as const satisfies readonly EmbedChart[];
