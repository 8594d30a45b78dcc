// Self-contained pages: <script type="application/json" id="ROOT-data"> holds the view data
// and <script type="application/json" id="adv-graphviz-source"> (once per page, shared)
// the text of graphviz.js as a JSON string.

import { localModel } from "./model.js";
import { mount } from "./view.js";

let source = null;

function pageGraphvizSource() {
  if (source === null) {
    const el = document.getElementById("adv-graphviz-source");
    source = el ? JSON.parse(el.textContent) : "";
  }
  return Promise.resolve(source || null);
}

/** Mounts the view into document.getElementById(rootId), with no kernel. */
export function mountPage(rootId) {
  const root = document.getElementById(rootId);
  if (!root) throw new Error(`autodiff_viz: no element with id ${rootId}`);
  const script = document.getElementById(`${rootId}-data`);
  let data = null;
  try {
    data = JSON.parse(script ? script.textContent : "null");
  } catch (err) {
    root.textContent = `autodiff_viz: the view data of ${rootId} is not valid JSON (${err})`;
    throw err;
  }
  const initial = (data && data.initial) || {};
  const model = localModel({
    data, step: 0, mode: initial.mode, wrt: initial.wrt, labels: initial.labels,
    message: "", graphviz: null,
  });
  return mount(root, model, { graphvizSource: pageGraphvizSource });
}
