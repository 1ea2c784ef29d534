/**
 * Drag-and-drop of weight files anywhere on the page: while files are dragged over the window a full-page
 * overlay says where they will go; dropping hands them to `onFiles`. Other drags (text, links) are left alone.
 */
import { useEffect, useRef, useState } from 'react';

function carriesFiles(event: DragEvent): boolean {
  return Array.from(event.dataTransfer?.types ?? []).includes('Files');
}

export function PageDropOverlay({ onFiles }: { onFiles(files: File[]): void }) {
  const [active, setActive] = useState(false);
  // dragenter/dragleave fire for every child element crossed: count them to know when the drag left the page.
  const depth = useRef(0);
  const handler = useRef(onFiles);
  handler.current = onFiles;

  useEffect(() => {
    const onEnter = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      depth.current += 1;
      setActive(true);
    };
    const onOver = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault(); // allows the drop
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    };
    const onLeave = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setActive(false);
    };
    const onDrop = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault(); // or the browser navigates to the file
      depth.current = 0;
      setActive(false);
      const files = Array.from(event.dataTransfer?.files ?? []);
      if (files.length > 0) handler.current(files);
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragover', onOver);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('drop', onDrop);
    };
  }, []);

  if (!active) return null;
  return (
    <div
      className="pointer-events-none fixed inset-0 z-50 flex items-center justify-center bg-sky-100/80 p-6 dark:bg-slate-950/85"
      data-testid="drop-overlay"
    >
      <div className="rounded-xl border-4 border-dashed border-sky-600 bg-white px-8 py-6 text-center shadow-lg dark:border-sky-400 dark:bg-slate-900">
        <p className="text-lg font-semibold text-slate-900 dark:text-slate-100">Drop to open the weights</p>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
          .safetensors (with its index.json and shards), .npy, .npz, .gguf or .csv: read in this browser,
          nothing is uploaded.
        </p>
      </div>
    </div>
  );
}
