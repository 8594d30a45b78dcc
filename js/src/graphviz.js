// Entry of graphviz.js: WASM Graphviz (for kernels and pages without `dot`), loaded once per
// page as a classic script that sets globalThis.AdvGraphviz = {layout(dot) -> Promise<json0>}.
import { Graphviz } from "@hpcc-js/wasm-graphviz";

if (!globalThis.AdvGraphviz) {
  let loaded = null;
  globalThis.AdvGraphviz = {
    /** Lay out DOT text with `dot`; resolves to Graphviz's -Tjson0 text. */
    async layout(dot) {
      loaded = loaded || Graphviz.load();
      return (await loaded).layout(dot, "json0", "dot");
    },
  };
}
