// Bundles GraphiQL and its stylesheet into kiezgraph/static/graphiql/ (run by `make graphiql`).
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
await build({
  entryPoints: { graphiql: `${here}main.js` },
  outdir: `${here}../../kiezgraph/static/graphiql`,
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  define: { "process.env.NODE_ENV": '"production"' },
  loader: { ".woff": "file", ".woff2": "file", ".ttf": "file", ".svg": "file" },
  logLevel: "warning",
  legalComments: "linked",
});
