// Pointer strokes on a canvas, shared by the draw pad and the mask pad: one
// pointer at a time (mouse, finger or pen; the left button only for a mouse),
// captured so a stroke that leaves the canvas still ends, with the coalesced
// events of a fast stroke kept so it stays smooth. Positions arrive in the
// units the pad asks for (its backing pixels, or the 28 pixels of a digit).

/**
 * Follows strokes on `canvas` until `destroy()`.
 * @param {HTMLCanvasElement} canvas
 * @param {{ units: () => { width: number, height: number }, onStart?: () => void,
 *   onSegment: (a: { x, y }, b: { x, y }) => boolean, onChange: () => void }} pad
 *   units: the canvas's size in the pad's units; onStart: a stroke begins, before its first segment;
 *   onSegment: a piece of the stroke (a === b for the first touch), true if it changed the picture;
 *   onChange: at most once an animation frame while segments change the picture, and when a stroke ends
 * @returns {{ destroy(): void }}
 */
export function pointerStrokes(canvas, { units, onStart = () => {}, onSegment, onChange }) {
  let pointerId = null;
  let last = null;
  let frame = 0;

  const point = (e) => {
    const r = canvas.getBoundingClientRect();
    const { width, height } = units();
    return { x: ((e.clientX - r.left) * width) / r.width, y: ((e.clientY - r.top) * height) / r.height };
  };

  const segment = (a, b) => {
    if (!onSegment(a, b) || frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      onChange();
    });
  };

  const down = (e) => {
    if (pointerId !== null || (e.pointerType === 'mouse' && e.button !== 0)) return;
    e.preventDefault();
    pointerId = e.pointerId;
    canvas.setPointerCapture(e.pointerId);
    onStart();
    last = point(e);
    segment(last, last);
  };

  const move = (e) => {
    if (e.pointerId !== pointerId) return;
    e.preventDefault();
    const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    for (const ev of events.length ? events : [e]) {
      const p = point(ev);
      segment(last, p);
      last = p;
    }
  };

  const up = (e) => {
    if (e.pointerId !== pointerId) return;
    pointerId = null;
    last = null;
    cancelAnimationFrame(frame);
    frame = 0;
    onChange();
  };

  const abort = new AbortController();
  const opts = { signal: abort.signal };
  canvas.addEventListener('pointerdown', down, opts);
  canvas.addEventListener('pointermove', move, opts);
  for (const type of ['pointerup', 'pointercancel', 'lostpointercapture']) canvas.addEventListener(type, up, opts);
  return {
    destroy() {
      abort.abort();
      cancelAnimationFrame(frame);
    },
  };
}
