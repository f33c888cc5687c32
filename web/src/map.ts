// The map: a graphology graph drawn by sigma.js (WebGL), laid out by ForceAtlas2 — at once for quarter
// networks, in a web worker for large ones (the page stays responsive). Positions are kept by actor id,
// so moving through the years or refreshing does not shuffle the picture.
import Graph from "graphology";
import forceAtlas2 from "graphology-layout-forceatlas2";
import FA2Layout from "graphology-layout-forceatlas2/worker";
import Sigma from "sigma";
import type { EdgeDisplayData, NodeDisplayData } from "sigma/types";
import { BACKGROUND, COMMUNITY_COLOURS, EDGE, EDGE_ENDED, EDGE_STRONG, FADED, MISSING, TYPE_COLOURS, mix } from "./colours";
import type { ActorMetric, NetEdge, NetNode, NetworkJson } from "./types";

export interface MapStyle {
  visibleNodes: ReadonlySet<string>;
  visibleEdges: ReadonlySet<string>;
  ended: (edge: NetEdge) => boolean;
  sizeBy: "degree" | "betweenness";
  metrics: ReadonlyMap<string, ActorMetric> | null;
  communities: boolean;
  brokers: boolean;
  selected: string | null;
  missing: [string, string][];
}

type NodeAttrs = { x: number; y: number; size: number; label: string; color: string; node: NetNode };
type EdgeAttrs = { size: number; color: string; edge: NetEdge };

/** Up to this many actors the layout runs at once on the page; beyond, in a worker while drawing. */
const SYNC_LAYOUT_LIMIT = 1500;
const SETTLE_CHECK_MS = 400;
const MAX_LAYOUT_MS = 30_000;

export type LayoutEvent = "running" | "settled";

export class NetworkMap {
  readonly graph = new Graph<NodeAttrs, EdgeAttrs>({ multi: true, type: "undirected", allowSelfLoops: false });
  readonly sigma: Sigma<NodeAttrs, EdgeAttrs>;
  private readonly positions = new Map<string, { x: number; y: number }>();
  private readonly overlay: HTMLCanvasElement;
  private worker: FA2Layout | null = null;
  private settleTimer = 0;
  private hovered: string | null = null;
  private style: MapStyle | null = null;
  private maxMeasure = 1;

  constructor(
    container: HTMLElement,
    private readonly onSelect: (id: string | null) => void,
    private readonly onLayout: (event: LayoutEvent) => void = () => undefined,
  ) {
    this.sigma = new Sigma(this.graph, container, {
      allowInvalidContainer: true,
      renderEdgeLabels: false,
      labelFont: "Inter Variable, Inter, system-ui, sans-serif",
      labelSize: 13,
      labelWeight: "500",
      labelColor: { color: "#1f2933" },
      labelDensity: 0.9,
      labelGridCellSize: 90,
      labelRenderedSizeThreshold: 6,
      zIndex: true,
      minCameraRatio: 0.05,
      maxCameraRatio: 4,
      stagePadding: 40,
      nodeReducer: (node, data) => this.nodeLook(node, data),
      edgeReducer: (edge, data) => this.edgeLook(edge, data),
    });
    this.overlay = document.createElement("canvas");
    this.overlay.className = "map-overlay";
    this.overlay.setAttribute("aria-hidden", "true");
    container.appendChild(this.overlay);
    this.sigma.on("afterRender", () => this.drawOverlay());
    this.sigma.on("clickNode", ({ node }) => this.onSelect(node));
    this.sigma.on("clickStage", () => this.onSelect(null));
    this.sigma.on("enterNode", ({ node }) => {
      this.hovered = node;
      container.style.cursor = "pointer";
      this.sigma.refresh({ skipIndexation: true });
    });
    this.sigma.on("leaveNode", () => {
      this.hovered = null;
      container.style.cursor = "";
      this.sigma.refresh({ skipIndexation: true });
    });
  }

  /** Replace the network drawn; actors seen before keep their place, new ones start near their partners. */
  setNetwork(net: NetworkJson): void {
    this.stopLayout();
    this.rememberPositions();
    const graph = this.graph;
    graph.clear();
    const byId = new Map(net.nodes.map((n) => [n.id, n]));
    const neighbours = new Map<string, string[]>();
    for (const e of net.edges) {
      if (!byId.has(e.source) || !byId.has(e.target) || e.source === e.target) continue;
      (neighbours.get(e.source) ?? neighbours.set(e.source, []).get(e.source)!).push(e.target);
      (neighbours.get(e.target) ?? neighbours.set(e.target, []).get(e.target)!).push(e.source);
    }
    let known = 0;
    for (const n of net.nodes) {
      const place = this.positions.get(n.id);
      if (place) known++;
      graph.addNode(n.id, { ...(place ?? seedPosition(n.id, n.quarters[0] ?? "")), size: 5, label: n.name, color: TYPE_COLOURS[n.type], node: n });
    }
    for (const n of net.nodes) {
      if (this.positions.has(n.id)) continue;
      // A newcomer starts beside the partners already placed, so the layout only settles it in.
      const placed = (neighbours.get(n.id) ?? []).map((m) => this.positions.get(m)).filter((p) => p !== undefined);
      if (placed.length) {
        const jitter = seedPosition(n.id, "");
        graph.mergeNodeAttributes(n.id, {
          x: placed.reduce((s, p) => s + p.x, 0) / placed.length + jitter.x * 0.05,
          y: placed.reduce((s, p) => s + p.y, 0) / placed.length + jitter.y * 0.05,
        });
      }
    }
    for (const e of net.edges) {
      if (!graph.hasNode(e.source) || !graph.hasNode(e.target) || e.source === e.target) continue;
      graph.addEdgeWithKey(e.id, e.source, e.target, { size: 1, color: EDGE, edge: e });
    }
    this.sigma.setSetting("labelRenderedSizeThreshold", graph.order <= 120 ? 0 : graph.order <= 1000 ? 7 : 11);
    this.sigma.setSetting("hideEdgesOnMove", graph.size > 20_000);
    this.layout(known / Math.max(1, graph.order));
  }

  setStyle(style: MapStyle): void {
    this.style = style;
    let max = 1e-9;
    this.graph.forEachNode((_, a) => {
      max = Math.max(max, this.measure(a.node));
    });
    this.maxMeasure = max;
    this.sigma.refresh({ skipIndexation: false });
  }

  /** Centre the camera on an actor (without changing what is shown). */
  focus(id: string): void {
    const data = this.sigma.getNodeDisplayData(id);
    if (!data) return;
    void this.sigma.getCamera().animate({ x: data.x, y: data.y, ratio: 0.6 }, { duration: 400 });
  }

  zoomIn(): void {
    void this.sigma.getCamera().animatedZoom({ duration: 250 });
  }

  zoomOut(): void {
    void this.sigma.getCamera().animatedUnzoom({ duration: 250 });
  }

  reset(): void {
    void this.sigma.getCamera().animatedReset({ duration: 300 });
  }

  /** Move the view by a share of its size (the keyboard's arrows). */
  pan(dx: number, dy: number): void {
    const camera = this.sigma.getCamera();
    const state = camera.getState();
    void camera.animate({ x: state.x + dx * state.ratio, y: state.y + dy * state.ratio }, { duration: 150 });
  }

  isSettled(): boolean {
    return this.worker === null;
  }

  kill(): void {
    this.stopLayout();
    this.sigma.kill();
  }

  // ---- looks --------------------------------------------------------------------------------------------

  private measure(n: NetNode): number {
    const style = this.style;
    if (style?.sizeBy === "betweenness" && style.metrics) return style.metrics.get(n.id)?.betweenness ?? 0;
    return n.degree;
  }

  private nodeLook(id: string, data: NodeAttrs): Partial<NodeDisplayData> {
    const style = this.style;
    const n = data.node;
    if (!style) return data;
    if (!style.visibleNodes.has(id)) return { ...data, hidden: true };
    const m = style.metrics?.get(id);
    let color = TYPE_COLOURS[n.type];
    if (style.communities && m) color = COMMUNITY_COLOURS[m.community % COMMUNITY_COLOURS.length];
    const big = this.graph.order > 1000;
    let size = (big ? 2 : 5) + (big ? 9 : 14) * Math.sqrt(this.measure(n) / this.maxMeasure);
    let forceLabel = false;
    let zIndex = 1;
    const isBroker = style.brokers && m !== undefined && m.brokerRoles.length > 0;
    if (style.brokers && style.metrics && !isBroker) color = mix(color, BACKGROUND, 0.7);
    if (isBroker) {
      size *= 1.25;
      forceLabel = true;
      zIndex = 2;
    }
    const focus = this.hovered ?? style.selected;
    if (focus && this.graph.hasNode(focus)) {
      const close = id === focus || this.graph.areNeighbors(id, focus);
      if (!close) color = FADED;
      else {
        forceLabel = true;
        zIndex = 3;
      }
    }
    if (id === style.selected) {
      size *= 1.3;
      zIndex = 4;
    }
    return { ...data, color, size, forceLabel, zIndex, highlighted: id === style.selected };
  }

  private edgeLook(id: string, data: EdgeAttrs): Partial<EdgeDisplayData> {
    const style = this.style;
    if (!style) return data;
    if (!style.visibleEdges.has(id)) return { ...data, hidden: true };
    const e = data.edge;
    const ended = style.ended(e);
    let color = ended ? EDGE_ENDED : EDGE;
    let size = ended ? 0.6 : 0.8 + 0.5 * (e.intensity ?? 1);
    const focus = this.hovered ?? style.selected;
    if (focus) {
      if (e.source === focus || e.target === focus) {
        color = ended ? mix(EDGE_STRONG, BACKGROUND, 0.55) : EDGE_STRONG;
        size += 0.8;
      } else color = mix(color, BACKGROUND, 0.7);
    }
    return { ...data, color, size, zIndex: ended ? 0 : 1 };
  }

  /** Missing links are dashed, which sigma's WebGL edges cannot draw: a 2D canvas on top draws them. */
  private drawOverlay(): void {
    const canvas = this.overlay;
    const { width, height } = this.sigma.getDimensions();
    const ratio = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
      canvas.style.width = `${width}px`;
      canvas.style.height = `${height}px`;
    }
    const context = canvas.getContext("2d");
    if (!context) return;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, height);
    for (const [a, b] of this.style?.missing ?? []) {
      const pa = this.viewportOf(a);
      const pb = this.viewportOf(b);
      if (!pa || !pb) continue;
      context.strokeStyle = MISSING;
      context.lineWidth = 2;
      context.setLineDash([7, 5]);
      context.beginPath();
      context.moveTo(pa.x, pa.y);
      context.lineTo(pb.x, pb.y);
      context.stroke();
    }
  }

  /** Where an actor is drawn, in CSS pixels of the map (null if hidden or absent). */
  viewportOf(id: string): { x: number; y: number; size: number } | null {
    const data = this.sigma.getNodeDisplayData(id);
    if (!data || data.hidden) return null;
    const p = this.sigma.framedGraphToViewport(data);
    return { x: p.x, y: p.y, size: this.sigma.scaleSize(data.size) };
  }

  // ---- layout ------------------------------------------------------------------------------------------

  private rememberPositions(): void {
    this.graph.forEachNode((id, a) => this.positions.set(id, { x: a.x, y: a.y }));
  }

  private stopLayout(): void {
    window.clearInterval(this.settleTimer);
    this.worker?.kill();
    this.worker = null;
  }

  private layout(knownShare: number): void {
    const graph = this.graph;
    if (graph.order === 0) {
      this.onLayout("settled");
      return;
    }
    const settings = { ...forceAtlas2.inferSettings(graph), gravity: 1, scalingRatio: graph.order > 1000 ? 4 : 8, adjustSizes: false };
    if (graph.order <= SYNC_LAYOUT_LIMIT) {
      // Quarter networks: a few hundred iterations take milliseconds; fewer when most places are known.
      const iterations = knownShare > 0.8 ? 40 : graph.order < 200 ? 400 : 150;
      forceAtlas2.assign(graph, { iterations, settings: { ...settings, barnesHutOptimize: graph.order > 300 } });
      this.rememberPositions();
      this.onLayout("settled");
      return;
    }
    // Large networks: drawn at once from their seed positions, then the worker moves them into place
    // (sigma redraws as positions change) until they stop moving or the time is up.
    const worker = new FA2Layout(graph, { settings: { ...settings, barnesHutOptimize: true, slowDown: 2 } });
    this.worker = worker;
    worker.start();
    this.onLayout("running");
    const started = performance.now();
    let previous = snapshot(graph);
    this.settleTimer = window.setInterval(() => {
      const now = snapshot(graph);
      const moved = movement(previous, now);
      previous = now;
      if (moved < 0.004 || performance.now() - started > MAX_LAYOUT_MS) {
        this.stopLayout();
        this.rememberPositions();
        this.onLayout("settled");
      }
    }, SETTLE_CHECK_MS);
  }
}

/** A stable starting place for an actor: its quarter's sector of a circle, then a spot by its id. */
function seedPosition(id: string, quarter: string): { x: number; y: number } {
  const h = hash(id);
  const sector = quarter ? (hash(quarter) % 360) * (Math.PI / 180) : (h % 360) * (Math.PI / 180);
  const r = quarter ? 60 + ((h >>> 9) % 40) : (h >>> 9) % 100;
  const spread = (((h >>> 3) % 100) / 100 - 0.5) * 0.9;
  return { x: r * Math.cos(sector + spread), y: r * Math.sin(sector + spread) };
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}

/** Positions of up to 400 actors (the same ones each time), to tell whether the layout still moves. */
function snapshot(graph: Graph<NodeAttrs, EdgeAttrs>): Float64Array {
  const step = Math.max(1, Math.floor(graph.order / 400));
  const out: number[] = [];
  let i = 0;
  graph.forEachNode((_, a) => {
    if (i++ % step === 0) out.push(a.x, a.y);
  });
  return Float64Array.from(out);
}

/** Mean movement between two snapshots, relative to the network's extent. */
function movement(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length || a.length === 0) return 1;
  let moved = 0;
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let i = 0; i < b.length; i += 2) {
    moved += Math.hypot(b[i] - a[i], b[i + 1] - a[i + 1]);
    minX = Math.min(minX, b[i]); maxX = Math.max(maxX, b[i]);
    minY = Math.min(minY, b[i + 1]); maxY = Math.max(maxY, b[i + 1]);
  }
  const extent = Math.max(maxX - minX, maxY - minY, 1e-9);
  return moved / (b.length / 2) / extent;
}
