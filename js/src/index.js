// Entry of view.js: the anywidget module, and (same bytes) the exported pages' script.
import { localModel, mount, mountPage } from "./view.js";

if (!globalThis.AutodiffViz) globalThis.AutodiffViz = { mount, mountPage, localModel };

/** The graphviz bundle's text, from the one GraphvizWasm model the Stepper refers to. */
async function graphvizSource(model) {
  const ref = model.get("graphviz");
  if (!ref) return null;
  const other = await model.widget_manager.get_model(String(ref).replace(/^IPY_MODEL_/, ""));
  return other.get("source");
}

export default {
  render({ model, el }) {
    return mount(el, model, { graphvizSource: () => graphvizSource(model) });
  },
};
