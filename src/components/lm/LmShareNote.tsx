/**
 * What the Share dialog says about the Language model tab: what its link and its embed carry (the model, the
 * text, the prompt, the scope and the schemes, never the access token or files from the user's computer) and
 * what a reader of the embed sees (the model and its size first; nothing downloaded until they press the button).
 */
import type { LmChoices } from '../../state/lmChoices';
import type { EmbedChart } from '../../state/shareableState';
import type { WorkspaceTab } from '../../state/workspaceSlice';
import { LM_EMBED_CHARTS } from './lmEmbedCharts';

/** The charts an embed made from the Language model tab starts with: what that tab shows first. */
export const LM_DEFAULT_EMBED_CHARTS: readonly EmbedChart[] = ['lmppl', 'lmloss'];

export function LmShareNote({
  tab,
  lm,
  charts,
}: {
  tab: WorkspaceTab;
  lm: LmChoices;
  charts: readonly EmbedChart[];
}) {
  const embedsLm = charts.some((c) => (LM_EMBED_CHARTS as readonly EmbedChart[]).includes(c));
  if (tab !== 'lm' && !embedsLm) return null;
  return (
    <p className="text-xs text-slate-600 dark:text-slate-300" data-testid="share-lm-note">
      {embedsLm
        ? `The Language model parts show ${lm.model} and its download size first, and download it and run float32, A and B on the text only when the reader presses the button. `
        : 'The link holds the Language model tab’s model, text, prompt and scope. '}
      The access token never travels in a link, and a model opened from files on your computer cannot: the
      link names the model id or URL of the tab’s Model field instead.
    </p>
  );
}
