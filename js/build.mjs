// Builds the committed bundles: node build.mjs [OUT_DIR] (default ../autodiff_viz/render/static).
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync, mkdirSync, statSync } from "node:fs";
import { join, dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2] || join(here, "..", "autodiff_viz", "render", "static");

function files(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

/** sha256 over js/src/**, build.mjs and package-lock.json (sorted paths and contents);
 * tests/render/test_bundle.py computes the same without Node. */
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

const hash = sourceHash();
mkdirSync(out, { recursive: true });
const targets = [["view", "index.js", "esm"], ["graphviz", "graphviz.js", "iife"]];
for (const [name, entry, format] of targets) {
  const result = await build({
    entryPoints: [join(here, "src", entry)], bundle: true, minify: true, format,
    target: "es2020", write: false, legalComments: "none", charset: "utf8",
  });
  const code = result.outputFiles[0].text.replace(/<\/script/gi, "<\\/script");
  const header = `/* autodiff_viz ${name} bundle; sources sha256=${hash} */\n`;
  writeFileSync(join(out, `${name}.js`), header + code);
  console.log(`${name}.js: ${(header + code).length} bytes`);
}
