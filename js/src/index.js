// Entry of view.js: the anywidget module (default export) and, the same bytes inlined in an
// exported page, globalThis.AutodiffViz = {mount, mountPage, localModel}.

import { localModel } from "./model.js";
import { mountPage } from "./page.js";
import { mount } from "./view.js";

export { localModel, mount, mountPage };

if (!globalThis.AutodiffViz) globalThis.AutodiffViz = { mount, mountPage, localModel };

/** The widget's `graphviz` trait names the GraphvizWasm model ("IPY_MODEL_<id>") whose
 *  `source` trait is graphviz.js's text. */
async function graphvizSource(model) {
  const ref = model.get("graphviz");
  if (!ref) return null;
  const other = await model.widget_manager.get_model(String(ref).replace(/^IPY_MODEL_/, ""));
  return other.get("source") || null;
}

export default {
  render({ model, el }) {
    const view = mount(el, model, { graphvizSource: () => graphvizSource(model) });
    return () => view.destroy();
  },
};
