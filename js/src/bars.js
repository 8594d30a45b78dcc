// Adjoints' bars (b̄, v̄2, bar(loss)) drawn as a line over the letter or name instead of a
// combining macron, which most fonts place off-centre over tall letters (b, d, h, k, l).
// The same rule as autodiff_viz.core.notation.bars in Python (docs/notation.md).

import { SVG_NS } from "./dom.js";
import { textWidth } from "./measure.js";

/** The bar's length, as a share of the name's width. */
const COVER = 0.9;
/** Letters reaching above the macron's usual height get it lifted this much. */
const TALL = /[bdfhklt\p{Lu}\p{N}]/u;
const LIFT = 0.025;

const BAR = /(\p{L})\u0304|\bbar\((\p{L}[\p{L}\p{N}_]*)\)/gu;

/** The pieces of `text`: [[piece, overlined], ...]. */
export function bars(text) {
  const t = text.normalize("NFD");
  const out = [];
  let k = 0;
  for (const m of t.matchAll(BAR)) {
    if (m.index > k) out.push([t.slice(k, m.index).normalize("NFC"), false]);
    out.push([m[1] || m[2], true]);
    k = m.index + m[0].length;
  }
  if (k < t.length || !out.length) out.push([t.slice(k).normalize("NFC"), false]);
  return out;
}

/** Sets the text of an HTML or SVG element, drawing each adjoint's bar as an overline.
 *  In SVG graph text (`size` given) the bar is a spacing macron (¯) moved back over the name
 *  and stretched to cover it: an SVG overline sits at the font's ascent, where tight node
 *  lines make it look like an underline of the line above; the macron glyph sits just above
 *  the letters. */
export function setBarred(el, text, size) {
  const pieces = bars(text || "");
  if (pieces.length === 1 && !pieces[0][1]) {
    el.textContent = pieces[0][0];
    if (el.namespaceURI !== SVG_NS) el.removeAttribute("aria-label");
    return;
  }
  const svg = el.namespaceURI === SVG_NS;
  el.textContent = "";
  if (!svg) el.setAttribute("aria-label", text); // read as written: "b̄ = ..."
  for (const [piece, over] of pieces) {
    if (!over) {
      el.append(document.createTextNode(piece));
      continue;
    }
    if (svg && size) {
      el.append(document.createTextNode(piece));
      el.append(macron(piece, size));
      continue;
    }
    const span = svg ? document.createElementNS(SVG_NS, "tspan") : document.createElement("span");
    if (svg) span.setAttribute("text-decoration", "overline");
    else span.style.textDecoration = "overline";
    span.setAttribute("class", "adv-overline");
    span.textContent = piece;
    el.append(span);
  }
}

/** A macron over the `piece` just written: moved back over it and stretched to COVER of its
 *  width; the text after it starts where it would have without the bar. */
function macron(piece, size) {
  const w = textWidth(piece, size);
  const bar = document.createElementNS(SVG_NS, "tspan");
  bar.setAttribute("class", "adv-overline");
  bar.setAttribute("dx", (-(1 + COVER) / 2 * w).toFixed(2));
  bar.setAttribute("textLength", (COVER * w).toFixed(2));
  bar.setAttribute("lengthAdjust", "spacingAndGlyphs");
  bar.textContent = "\u00af";
  const lift = TALL.test(piece) ? LIFT : 0;
  if (lift) bar.setAttribute("dy", `-${lift}em`);
  const back = document.createElementNS(SVG_NS, "tspan");
  back.setAttribute("dx", ((1 - COVER) / 2 * w).toFixed(2));
  back.textContent = "\u200b";
  if (lift) back.setAttribute("dy", `${lift}em`);
  const frag = document.createDocumentFragment();
  frag.append(bar, back);
  return frag;
}
