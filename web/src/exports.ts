// Downloads: what is on screen as a picture (PNG, SVG, drawn here from the map), and the selection as
// a file from the service's export endpoints. One table lists the formats; the menu shows its rows.
// XLSX comes with the API's XLSX export: one row here (`endpoint: "/export/xlsx"`).
import { ApiError, authHeaders } from "./api";
import type { NetworkMap } from "./map";
import type { Scope } from "./state";

export type FormatKey = "png" | "svg" | "xlsx" | "gexf" | "graphml" | "csv";

export interface Format {
  key: FormatKey;
  /** A picture drawn in the browser, or a file the API builds from the selection. */
  source: "picture" | "api";
  endpoint?: string;
  extension: string;
}

export const FORMATS: Format[] = [
  { key: "png", source: "picture", extension: "png" },
  { key: "svg", source: "picture", extension: "svg" },
  { key: "xlsx", source: "api", endpoint: "/export/xlsx", extension: "xlsx" },
  { key: "gexf", source: "api", endpoint: "/export/gexf", extension: "gexf" },
  { key: "graphml", source: "api", endpoint: "/export/graphml", extension: "graphml" },
  { key: "csv", source: "api", endpoint: "/export/csv", extension: "zip" },
];

/** The export endpoints' query for what the page shows (same selection as the GraphQL network). */
export function selectionParams(scope: Scope, asOf: string | null): URLSearchParams {
  const params = new URLSearchParams();
  if (scope.kind === "quarter") params.set("quarters", scope.slug);
  if (scope.kind === "ego") {
    params.set("actor", scope.actorId);
    params.set("depth", String(scope.depth));
  }
  if (asOf) params.set("asOf", asOf);
  return params;
}

export function fileName(scope: Scope, asOf: string | null, extension: string): string {
  const what = scope.kind === "quarter" ? scope.slug : scope.kind === "berlin" ? "berlin" : "umfeld";
  return `kiezgraph-${what}${asOf ? `-${asOf}` : ""}.${extension}`;
}

export async function download(format: Format, map: NetworkMap | null, scope: Scope, asOf: string | null, title: string): Promise<void> {
  const name = fileName(scope, asOf, format.extension);
  if (format.source === "api") {
    const response = await fetch(`${format.endpoint}?${selectionParams(scope, asOf)}`, { headers: authHeaders() });
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      throw new ApiError(body?.error?.code ?? "INTERNAL_SERVER_ERROR", body?.error?.message ?? `HTTP ${response.status}`, response.status);
    }
    save(await response.blob(), name);
    return;
  }
  if (!map) return;
  const svg = toSvg(map, title);
  if (format.key === "svg") {
    save(new Blob([svg], { type: "image/svg+xml" }), name);
    return;
  }
  save(await rasterise(svg, 2), name);
}

function save(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const escape = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The map as it is on screen (same view, colours, sizes and labels) as an SVG document. */
export function toSvg(map: NetworkMap, title: string): string {
  const sigma = map.sigma;
  const { width, height } = sigma.getDimensions();
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Inter, Arial, sans-serif">`,
    `<title>${escape(title)}</title>`,
    `<rect width="100%" height="100%" fill="#f6f7f9"/>`,
    `<g id="edges" stroke-linecap="round">`,
  ];
  const graph = map.graph;
  graph.forEachEdge((edge, _attrs, source, target) => {
    const look = sigma.getEdgeDisplayData(edge);
    const a = map.viewportOf(source);
    const b = map.viewportOf(target);
    if (!look || look.hidden || !a || !b) return;
    out.push(`<line x1="${a.x.toFixed(1)}" y1="${a.y.toFixed(1)}" x2="${b.x.toFixed(1)}" y2="${b.y.toFixed(1)}" stroke="${look.color}" stroke-width="${Math.max(0.5, look.size).toFixed(2)}"/>`);
  });
  out.push(`</g><g id="missing-links" stroke="#c2410c" stroke-width="2" stroke-dasharray="7 5">`);
  for (const [a, b] of map.missingPairs()) {
    const pa = map.viewportOf(a);
    const pb = map.viewportOf(b);
    if (pa && pb) out.push(`<line x1="${pa.x.toFixed(1)}" y1="${pa.y.toFixed(1)}" x2="${pb.x.toFixed(1)}" y2="${pb.y.toFixed(1)}"/>`);
  }
  out.push(`</g><g id="nodes">`);
  const labels: string[] = [];
  const shown = sigma.getNodeDisplayedLabels();
  graph.forEachNode((node) => {
    const look = sigma.getNodeDisplayData(node);
    const p = map.viewportOf(node);
    if (!look || !p) return;
    out.push(`<circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="${Math.max(1, p.size).toFixed(1)}" fill="${look.color}"><title>${escape(look.label ?? "")}</title></circle>`);
    if (look.label && (shown.has(node) || look.forceLabel)) {
      labels.push(`<text x="${(p.x + p.size + 3).toFixed(1)}" y="${(p.y + 4).toFixed(1)}" font-size="13" font-weight="500" fill="#1f2933" stroke="#f6f7f9" stroke-width="3" paint-order="stroke">${escape(look.label)}</text>`);
    }
  });
  out.push(`</g><g id="labels">`, ...labels, `</g>`);
  out.push(`<text x="12" y="${height - 12}" font-size="12" fill="#52606d">${escape(title)}</text>`);
  out.push(`</svg>`);
  return out.join("\n");
}

async function rasterise(svg: string, scale: number): Promise<Blob> {
  const image = new Image();
  const url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
  try {
    image.src = url;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = image.width * scale;
    canvas.height = image.height * scale;
    const context = canvas.getContext("2d")!;
    context.scale(scale, scale);
    context.drawImage(image, 0, 0);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("no PNG"))), "image/png"));
  } finally {
    URL.revokeObjectURL(url);
  }
}
