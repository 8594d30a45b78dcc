// Builds the committed bundles with esbuild (minified, deterministic):
//
//   node build.mjs [OUT_DIR]      (default ../autodiff_viz/render/static)
//
// view.js: one ESM module (the anywidget module, also inlined in exported pages; no WASM).
// graphviz.js: WASM Graphviz (WASM inlined) as a classic script setting globalThis.AdvGraphviz.
// Each starts with "/* autodiff_viz NAME bundle; sources sha256=HEX */": the hash of
// js/src/**, build.mjs and package-lock.json (paths relative to js/, sorted; for each, the
// path and "\n", the bytes, "\n"), so tests/render/test_bundle.py spots a stale bundle
// without Node.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2] || join(here, "..", "autodiff_viz", "render", "static");
const VIEW_LIMIT = 300 * 1024;

function files(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

export function sourceHash() {
  const paths = [...files(join(here, "src")), join(here, "build.mjs"),
    join(here, "package-lock.json")].map((p) => relative(here, p).split("\\").join("/")).sort();
  const h = createHash("sha256");
  for (const p of paths) {
    h.update(p + "\n");
    h.update(readFileSync(join(here, p)));
    h.update("\n");
  }
  return h.digest("hex");
}

async function bundle(entry, format) {
  const result = await build({
    entryPoints: [join(here, "src", entry)], absWorkingDir: here, bundle: true, minify: true,
    format, target: "es2020", platform: "browser", write: false, legalComments: "none",
    charset: "utf8", logLevel: "warning",
  });
  // Both are pasted into HTML <script> elements: keep them from ending or commenting it.
  const code = result.outputFiles[0].text.replace(/<\/script/gi, "<\\/script");
  if (code.includes("<!--")) throw new Error(`${entry}: the bundle contains "<!--"`);
  return code;
}

const hash = sourceHash();
mkdirSync(out, { recursive: true });
for (const [name, entry, format] of [["view", "index.js", "esm"], ["graphviz", "graphviz.js", "iife"]]) {
  const text = `/* autodiff_viz ${name} bundle; sources sha256=${hash} */\n` + await bundle(entry, format);
  const bytes = Buffer.byteLength(text);
  if (name === "view" && bytes > VIEW_LIMIT) throw new Error(`view.js is ${bytes} bytes`);
  writeFileSync(join(out, `${name}.js`), text);
  console.log(`${name}.js: ${bytes} bytes`);
}
