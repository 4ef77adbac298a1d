// Bundles the app: web/src/main.js (and the CSS its modules import) into web/dist, with
// index.html and the static files next to it. `npm run build`, or `make web` from the root.
import { copyFile, mkdir, readdir, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, "dist");
const staticDir = path.join(here, "static");

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });

await esbuild.build({
  entryPoints: { app: path.join(here, "src", "main.js") },
  outdir: dist,
  bundle: true,
  format: "esm",
  minify: true,
  target: "es2020",
  platform: "browser",
  // verify.js is loaded only on /v/… pages; splitting keeps it out of the portal's bundle.
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  sourcemap: false,
  legalComments: "none",
  // amazon-cognito-identity-js imports the npm `buffer` package, which reads Node's `global`.
  define: { global: "globalThis" },
  logLevel: "warning",
});

await copyFile(path.join(here, "index.html"), path.join(dist, "index.html"));
for (const name of await readdir(staticDir).catch(() => [])) {
  await copyFile(path.join(staticDir, name), path.join(dist, name));
}
