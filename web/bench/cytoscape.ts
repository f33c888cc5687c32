// The same map drawn by Cytoscape.js, for bench/map_page.py only (not part of the page): it fetches the
// network with the page's own GraphQL document, draws it from the same seed positions (first frame),
// then runs Cytoscape's built-in force layout (cose) until it stops (settled), and marks both as the
// page does; `?layout=none` stops after the first frame (for panning on a free main thread). `?renderer=webgl` uses Cytoscape's WebGL renderer (3.31+) instead of its 2D canvas.
import cytoscape from "cytoscape";
import QuarterNetworkDoc from "../src/graphql/QuarterNetwork.graphql";
import NetworkDoc from "../src/graphql/Network.graphql";
import type { NetworkJson } from "../src/types";

const COLOURS: Record<string, string> = {
  INSTITUTION: "#0b6fb0", INITIATIVE: "#e08a00", COMPANY: "#00936b", HOUSING_ASSOCIATION: "#b8568f",
};

function seed(id: string): { x: number; y: number } {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  h >>>= 0;
  return { x: (h % 1000) - 500, y: ((h >>> 10) % 1000) - 500 };
}

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const quarter = params.get("quarter");
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(quarter === "berlin"
      ? { query: NetworkDoc, variables: { filter: null, asOf: null } }
      : { query: QuarterNetworkDoc, variables: { slug: quarter, asOf: null } }),
  });
  const body = await response.json();
  const net: NetworkJson = (body.data.quarterNetwork ?? body.data.network).json;
  const container = document.getElementById("map")!;
  const big = net.nodes.length > 1500;
  const cy = cytoscape({
    container,
    elements: [
      ...net.nodes.map((n) => ({ data: { id: n.id, label: n.name, colour: COLOURS[n.type], size: 6 + Math.sqrt(n.degree) * 3 }, position: seed(n.id) })),
      ...net.edges.map((e) => ({ data: { id: e.id, source: e.source, target: e.target } })),
    ],
    layout: { name: "preset" },
    style: [
      { selector: "node", style: { "background-color": "data(colour)", width: "data(size)", height: "data(size)", label: big ? "" : "data(label)", "font-size": 10 } },
      { selector: "edge", style: { width: 1, "line-color": "#8fa0b3", "curve-style": "haystack" } },
    ],
    // The settings Cytoscape's docs recommend for large graphs.
    textureOnViewport: big,
    hideEdgesOnViewport: big,
    pixelRatio: 1,
    ...(params.get("renderer") === "webgl" ? { renderer: { name: "canvas", webgl: true } } : {}),
  } as cytoscape.CytoscapeOptions);
  cy.one("render", () => performance.mark("kiezgraph:first-frame"));
  (window as unknown as { cy: cytoscape.Core }).cy = cy;
  if (params.get("layout") === "none") {
    container.setAttribute("data-layout", "settled");
    return;
  }
  const maxMs = Number(params.get("maxLayoutMs") ?? "60000");
  const layout = cy.layout({ name: "cose", animate: false, randomize: false, numIter: big ? 100 : 1000 } as cytoscape.LayoutOptions);
  // cose runs on the page's thread; give the first frame a chance to be drawn before it starts.
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const timer = setTimeout(() => {
    performance.mark("kiezgraph:gave-up");
    layout.stop();
  }, maxMs);
  layout.one("layoutstop", () => {
    clearTimeout(timer);
    performance.mark("kiezgraph:settled");
    document.getElementById("map")!.setAttribute("data-layout", "settled");
  });
  layout.run();
}

void main();
