// Text widths in SVG user units (points), measured with a canvas in the page's own font.

export const FONT_FAMILY = 'Helvetica, Arial, "Liberation Sans", sans-serif';

let ctx = null;
const widths = new Map();

/** Width of `text` at `size` (points = SVG user units); cached by size and text. */
export function textWidth(text, size) {
  const key = size + "\u0000" + text;
  let w = widths.get(key);
  if (w === undefined) {
    if (!ctx) ctx = document.createElement("canvas").getContext("2d");
    ctx.font = `${size}px ${FONT_FAMILY}`;
    w = ctx.measureText(text).width;
    if (widths.size > 50000) widths.clear();
    widths.set(key, w);
  }
  return w;
}

/** Squeezes a text element to `limit` when the browser's font draws `text` wider than the
 *  room Graphviz measured; otherwise leaves the glyphs at their natural width. */
export function fitText(el, text, size, limit) {
  const w = textWidth(text, size);
  if (w > limit && limit > 0) {
    el.setAttribute("textLength", limit.toFixed(2));
    el.setAttribute("lengthAdjust", "spacingAndGlyphs");
  } else if (el.hasAttribute("textLength")) {
    el.removeAttribute("textLength");
    el.removeAttribute("lengthAdjust");
  }
}
