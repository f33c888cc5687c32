// Builds the map into dist/: index.html, assets/app.js (one bundle, with the layout worker inlined by
// graphology), assets/app.css and the font files. No CDN at run time: everything the page loads is here.
// `node build.mjs --watch` rebuilds on change (for working on the page while `make run` serves it).
import * as esbuild from "esbuild";
import { copyFile, mkdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
const watch = process.argv.includes("--watch");

const options = {
  // app.js is the small entry (main.ts): it sends the first request, then imports the rest of the page,
  // which esbuild splits into chunks of their own (splitting needs the esm format).
  entryPoints: { app: join(here, "src/main.ts"), style: join(here, "src/styles.css") },
  splitting: true,
  chunkNames: "[name]-[hash]",
  outdir: join(dist, "assets"),
  bundle: true,
  format: "esm",
  target: ["chrome109", "firefox115", "safari16"],
  minify: !watch,
  sourcemap: "linked",
  legalComments: "linked",
  jsx: "automatic",
  jsxImportSource: "preact",
  // GraphQL documents are plain text in the bundle, exactly as checked against schema.graphql.
  loader: { ".graphql": "text", ".woff2": "file", ".woff": "file" },
  assetNames: "[name]-[hash]",
  logLevel: "warning",
};

await rm(dist, { recursive: true, force: true });
await mkdir(join(dist, "assets"), { recursive: true });
await copyFile(join(here, "static/index.html"), join(dist, "index.html"));
await copyFile(join(here, "static/favicon.svg"), join(dist, "assets/favicon.svg"));
if (watch) {
  const context = await esbuild.context(options);
  await context.watch();
  console.log("watching web/src for changes");
} else {
  await esbuild.build(options);
}
