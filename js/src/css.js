// Style sheets: the fixed look of the controls, and the graph's palette made from
// data.styles (the same colours, pen widths and dashes as the Python drawings).

import { FONT_FAMILY } from "./measure.js";

const DASH = { dashed: "5,2", dotted: "1,5" };
const CURRENT = "#000000";

function dash(style) {
  return DASH[style] || "none";
}

/** Arrowheads of heavy edges grow with the pen, about their tip (see scene.js). */
function arrowScale(pen) {
  return Math.max(1, 1 + (pen - 1.2) * 0.25).toFixed(3);
}

/** CSS for the graph, every rule under `.${scope}`. */
export function paletteCss(styles, scope) {
  const S = `.${scope}`;
  const out = [];
  // graph nodes/edges and the legend's swatches (which must not match g.node / g.edge)
  const N = `${S} :is(g.node,g.adv-knode)`;
  const E = `${S} :is(g.edge,g.adv-kedge)`;
  for (const [state, [stroke, fill, pen, style, text]] of Object.entries(styles.node || {})) {
    out.push(`${N}.${state} > .adv-box{stroke:${stroke};fill:${fill};stroke-width:${pen};` +
              `stroke-dasharray:${dash(style)}}`);
    // fill-in answer boxes take their blank's state colours
    out.push(`${S} foreignObject.adv-blank.${state} input.adv-answer{border-color:${stroke};` +
              `background:${fill}}`);
    out.push(`${N}.${state} > .adv-box2{stroke:${stroke};stroke-width:${Math.min(+pen, 2)};` +
              `stroke-dasharray:${dash(style)}}`);
    // Node text colour: an optional 5th field; Python's drawings grey out unknown nodes.
    const ink = text || (state === "unknown" ? "#555555" : "");
    if (ink) out.push(`${N}.${state} > text{fill:${ink}}`);
  }
  if (styles.const) {
    const [stroke, fill, pen, style] = styles.const;
    out.push(`${N}.const > .adv-box{stroke:${stroke};fill:${fill};` +
              `stroke-width:${pen};stroke-dasharray:${dash(style)}}`);
  }
  out.push(`${N}.current > .adv-box{stroke:${CURRENT};stroke-width:${styles.current || 5};` +
            "stroke-dasharray:none}");
  for (const [state, [stroke, pen, style, label]] of Object.entries(styles.edge || {})) {
    out.push(`${E}.${state} > .adv-line{stroke:${stroke};stroke-width:${pen};` +
              `stroke-dasharray:${dash(style)}}`);
    out.push(`${E}.${state} > .adv-arrow{fill:${stroke};stroke:${stroke};` +
              `transform:scale(${arrowScale(+pen)})}`);
    out.push(`${E}.${state} > text{fill:${label}}`);
  }
  return out.join("\n");
}

/** The fixed CSS of every view (scoped under .adv-view). */
export const BASE_CSS = `
.adv-view [hidden]{display:none !important}
.adv-view foreignObject.adv-blank{overflow:visible}
.adv-view foreignObject.adv-blank input.adv-answer{box-sizing:border-box;width:100%;height:100%;
  font:11px Helvetica,Arial,"Liberation Sans",sans-serif;padding:0 3px;margin:0;
  border:1.5px dashed #999;border-radius:3px;background:#fff;color:#111}
.adv-view{font-family:${FONT_FAMILY};font-size:15px;line-height:1.4;color:#222;background:#fff;
  max-width:100%;box-sizing:border-box;padding:6px 8px;outline:none;position:relative;
  text-align:left}
.adv-view *{box-sizing:border-box}
.adv-view:focus-visible{outline:2px solid #0072B2;outline-offset:1px}
.adv-view .adv-gtitle{font-size:17px;font-weight:600;margin:2px 0 4px}
.adv-view .adv-bar{display:flex;flex-wrap:wrap;gap:6px 8px;align-items:center;margin:4px 0}
.adv-view .adv-group{display:inline-flex;gap:0;align-items:center}
.adv-view .adv-group > button{border-radius:0;margin-left:-1px}
.adv-view .adv-group > button:first-child{border-radius:4px 0 0 4px;margin-left:0}
.adv-view .adv-group > button:last-child{border-radius:0 4px 4px 0}
.adv-view button{font:inherit;font-size:14px;line-height:1.3;padding:3px 10px;color:#222;
  background:#f6f6f6;border:1px solid #b8b8b8;border-radius:4px;cursor:pointer;margin:0}
.adv-view button:hover{background:#eaeaea}
.adv-view button:focus-visible{outline:2px solid #0072B2;outline-offset:1px;position:relative}
.adv-view button[aria-pressed=true]{background:#2b2b2b;border-color:#2b2b2b;color:#fff}
.adv-view button:disabled{opacity:.45;cursor:default}
.adv-view .adv-play{min-width:6.2em}
.adv-view .adv-slider{flex:1 1 10em;min-width:8em;margin:0}
.adv-view .adv-counter{font-variant-numeric:tabular-nums;min-width:4.5em;text-align:right;
  font-size:14px}
.adv-view .adv-spacer{flex:1 1 auto}
.adv-view select,.adv-view input[type=text]{font:inherit;font-size:14px;padding:2px 4px;
  border:1px solid #b8b8b8;border-radius:4px;background:#fff;color:#222}
.adv-view .adv-inputs{display:inline-flex;gap:10px;align-items:center;flex-wrap:wrap}
.adv-view .adv-inputs label{display:inline-flex;gap:4px;align-items:center;font-size:14px}
.adv-view .adv-inputs input{width:5.5em}
.adv-view .adv-caption{font-size:14px;color:#555}
.adv-view .adv-title{font-size:16px;font-weight:600;margin:8px 0 4px}
.adv-view .adv-message{border-left:4px solid #E69F00;background:#FFF6E0;padding:5px 10px;
  margin:6px 0;font-size:14px;white-space:pre-wrap}
.adv-view .adv-message[hidden]{display:none}
.adv-view .adv-viewport{max-width:100%;overflow:auto;max-height:75vh;border:1px solid #e3e3e3;
  border-radius:4px;background:#fff;cursor:grab;position:relative}
.adv-view .adv-viewport.adv-dragging{cursor:grabbing;user-select:none}
.adv-view .adv-viewport > svg{display:block;margin:0 auto;max-width:none!important;
  max-height:none!important}
.adv-view .adv-wait{padding:24px;color:#555;font-size:15px}
.adv-view .adv-text{white-space:pre-wrap;font-size:15px;margin:6px 0 4px;min-height:2.8em}
.adv-view .adv-legend{display:flex;flex-wrap:wrap;gap:4px 18px;list-style:none;padding:0;
  margin:6px 0 2px;font-size:14px;color:#333}
.adv-view .adv-legend li{display:inline-flex;align-items:center;gap:6px;margin:0}
.adv-view .adv-legend svg{display:block;overflow:visible}
.adv-graph text,.adv-swatch text{font-family:${FONT_FAMILY};text-anchor:middle;fill:#1a1a1a}
.adv-graph g.node text{font-size:12px}
.adv-graph g.node.const text{font-size:11px}
.adv-graph g.edge text{font-size:11px;paint-order:stroke;stroke:#fff;stroke-width:3px;
  stroke-linejoin:round}
.adv-box,.adv-box2{fill:#fff;stroke:#999}
.adv-box2{fill:none}
.adv-line{fill:none}
.adv-arrow{stroke-width:.6;stroke-linejoin:round;transform-box:fill-box}
.adv-box,.adv-box2,.adv-line,.adv-arrow,.adv-graph text{transition:stroke .2s,fill .2s,
  stroke-width .2s,transform .2s}
@media (prefers-reduced-motion:reduce){.adv-box,.adv-box2,.adv-line,.adv-arrow,
  .adv-graph text{transition:none}}
`;
