// The legend: the states a view uses, each with a swatch drawn like the graph.

import { setBarred } from "./bars.js";
import { h, s } from "./dom.js";

function nodeSwatch(cls, x = 2) {
  return s("g", { class: `adv-knode op ${cls}` },
    s("rect", { class: "adv-box", x, y: 3, width: 26, height: 13, rx: 4 }));
}

function edgeSwatch(cls, x0 = 2, x1 = 30) {
  const tip = x1;
  const base = x1 - 7;
  return s("g", { class: `adv-kedge ${cls}` },
    s("path", { class: "adv-line", d: `M${x0},9.5L${base},9.5` }),
    s("polygon", { class: "adv-arrow", points: `${tip},9.5 ${base},7 ${base},12`,
                   style: "transform-origin:100% 50%" }));
}

function swatch(state, styles) {
  const node = styles.node || {};
  const edge = styles.edge || {};
  let width = 32;
  let parts;
  if (state === "current") {
    parts = [nodeSwatch("value current")];
  } else if (state in node && state in edge && state === "path") {
    width = 52;
    parts = [edgeSwatch(state, 1, 22), nodeSwatch(state, 24)];
  } else if (state in node) {
    parts = [nodeSwatch(state)];
  } else {
    parts = [edgeSwatch(state)];
  }
  return { width, parts };
}

/** A <ul> listing `states` with `words[state]`; `scale` is CSS px per point. */
export function legend(states, words, styles, scale) {
  const items = (states || []).map((state) => {
    const { width, parts } = swatch(state, styles || {});
    const pic = s("svg", { class: "adv-swatch", viewBox: `0 0 ${width} 19`,
                           width: (width * scale).toFixed(1), height: (19 * scale).toFixed(1),
                           "aria-hidden": "true" }, parts);
    const label = h("span");
    setBarred(label, words[state] || state);
    return h("li", { "data-state": state }, pic, label);
  });
  return h("ul", { class: "adv-legend", "aria-label": "legend" }, items);
}
