// Loading WASM Graphviz (autodiff_viz/render/static/graphviz.js) once per page.
//
// graphviz.js is a classic script that sets globalThis.AdvGraphviz. It reaches us as text (a
// widget trait, or a JSON script on a page), so it runs as an inline script's text; a Blob
// URL script is the fallback where a content security policy refuses inline scripts.

import { fromJson0 } from "./layout.js";

const GLOBAL = "AdvGraphviz";
const PROMISE = "__advGraphviz";
// Shared by every copy of the bundle on the page (each widget may import its own copy).
const cache = (globalThis.__advLayouts ||= new Map());

function runInline(src) {
  const el = document.createElement("script");
  el.textContent = src;
  document.head.appendChild(el);
  el.remove();
}

function runBlob(src) {
  return new Promise((resolve, reject) => {
    const url = URL.createObjectURL(new Blob([src], { type: "text/javascript" }));
    const el = document.createElement("script");
    const done = (err) => {
      URL.revokeObjectURL(url);
      el.remove();
      if (err) reject(err);
      else resolve();
    };
    el.onload = () => done();
    el.onerror = () => done(new Error("the browser refused to run graphviz.js"));
    el.src = url;
    document.head.appendChild(el);
  });
}

async function load(getSource) {
  const g = globalThis;
  if (!g[GLOBAL]) {
    const src = getSource ? await getSource() : null;
    if (!src) throw new Error("WASM Graphviz was not sent with this view");
    try {
      runInline(src);
    } catch (_) {
      // fall through to the Blob URL
    }
    if (!g[GLOBAL]) await runBlob(src);
    if (!g[GLOBAL]) throw new Error("graphviz.js ran but did not define AdvGraphviz");
  }
  return g[GLOBAL];
}

/** WASM Graphviz ({layout(dot) -> Promise<json0 text>}), one promise per page. A failure is
 *  not kept, so a later call (once the widget has the module, say) tries again. */
export function graphviz(getSource) {
  const g = globalThis;
  if (!g[PROMISE]) {
    g[PROMISE] = load(getSource);
    g[PROMISE].catch(() => { g[PROMISE] = null; });
  }
  return g[PROMISE];
}

/** Lays `dot` out with WASM Graphviz, in the data's layout form; cached by DOT text, so a
 *  view whose data changed but whose layout source did not is laid out once. */
export function wasmLayout(dot, nNodes, nEdges, getSource) {
  if (!cache.has(dot)) {
    const p = graphviz(getSource)
      .then((gv) => gv.layout(dot))
      .then((json) => fromJson0(json, nNodes, nEdges));
    p.catch(() => cache.delete(dot));
    if (cache.size >= 16) cache.delete(cache.keys().next().value);
    cache.set(dot, p);
  }
  return cache.get(dot);
}
