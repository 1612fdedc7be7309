// Files dragged over any area show a full-window drop target; dropping them opens Reproduce and inspects each one.
// Only drags that carry files react (text or links dragged inside the page are left alone). The overlay itself
// ignores the pointer, so the listeners on window see every drag event.
import { useEffect, useRef, useState } from 'react';
import { useApp } from '../store/app.js';
import { useReproduce } from '../store/reproduce.js';

function carriesFiles(e: DragEvent): boolean {
  const types = e.dataTransfer?.types;
  return types ? Array.from(types).includes('Files') : false;
}

export function DropOverlay() {
  const [visible, setVisible] = useState(false);
  const depth = useRef(0);

  useEffect(() => {
    const onEnter = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      depth.current += 1;
      setVisible(true);
    };
    const onOver = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault(); // allows the drop (and stops the browser from opening the file itself)
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
      setVisible(true);
    };
    const onLeave = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      depth.current = Math.max(0, depth.current - 1);
      // Leaving the window: relatedTarget is null; leaving one element for another keeps the depth above zero.
      if (depth.current === 0 || e.relatedTarget === null) {
        depth.current = 0;
        setVisible(false);
      }
    };
    const onDrop = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      depth.current = 0;
      setVisible(false);
      const files = Array.from(e.dataTransfer?.files ?? []);
      if (files.length === 0) return;
      useApp.getState().navigate('reproduce');
      void useReproduce.getState().addFiles(files);
    };
    const onEnd = () => {
      depth.current = 0;
      setVisible(false);
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragover', onOver);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('drop', onDrop);
    window.addEventListener('dragend', onEnd);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('drop', onDrop);
      window.removeEventListener('dragend', onEnd);
    };
  }, []);

  if (!visible) return null;
  return (
    <div className="drop-overlay" data-testid="drop-overlay" role="status" aria-live="polite">
      <div className="drop-overlay-box">
        <span className="drop-overlay-icon" aria-hidden="true">
          ↻
        </span>
        <strong>Drop PyRosettaCluster result files to inspect them</strong>
        <span className="muted">Decoys (.pdb, .pdb.bz2, .pkl_pose, .b64_pose), scorefiles and .init files. Nothing in them is run.</span>
      </div>
    </div>
  );
}
