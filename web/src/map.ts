// The map: a graphology graph drawn by sigma.js (WebGL), laid out by ForceAtlas2 — at once for quarter
// networks, in a web worker for large ones (the page stays responsive). Positions are kept by actor id,
// so moving through the years or refreshing does not shuffle the picture.
import Graph from "graphology";
import forceAtlas2 from "graphology-layout-forceatlas2";
import FA2Layout from "graphology-layout-forceatlas2/worker";
import Sigma from "sigma";
import { EdgeLineProgram, EdgeRectangleProgram } from "sigma/rendering";
import type { Settings } from "sigma/settings";
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
const SETTLE_CHECK_MS = 1000;
/** A quarter's layout runs in slices of about this long, one per frame. */
const LAYOUT_SLICE_MS = 40;
/** The worker runs at least this long (large networks move slowly at first), at most MAX_LAYOUT_MS. */
const MIN_LAYOUT_MS = 2_500;
const MAX_LAYOUT_MS = 25_000;
const SETTLED_MOVEMENT = 0.003; // of the network's extent, per iteration

export type LayoutEvent = "running" | "settled";

export class NetworkMap {
  /** The graph drawn; each network read builds a new one (sigma indexes it once, not per actor and tie). */
  graph = newGraph();
  readonly sigma: Sigma<NodeAttrs, EdgeAttrs>;
  private readonly positions = new Map<string, { x: number; y: number }>();
  private readonly overlay: HTMLCanvasElement;
  private worker: FA2Layout | null = null;
  private layoutFrame = 0;
  private settleTimer = 0;
  private hovered: string | null = null;
  private style: MapStyle | null = null;
  private maxMeasure = 1;
  private readonly resizer: ResizeObserver;
  private awaitingFrame = false;
  /** Frames drawn so far (bench/map_page.py counts them while panning). */
  frames = 0;
  /** Log the layout's progress to the console (?debug). */
  debug = false;

  constructor(
    container: HTMLElement,
    private readonly onSelect: (id: string | null) => void,
    private readonly onLayout: (event: LayoutEvent) => void = () => undefined,
  ) {
    this.sigma = new Sigma<NodeAttrs, EdgeAttrs>(this.graph, container, {
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
      edgeProgramClasses: { rectangle: EdgeRectangleProgram, line: EdgeLineProgram },
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
    this.sigma.on("afterRender", () => {
      this.frames++;
      this.drawOverlay();
      if (this.awaitingFrame && this.graph.order > 0) {
        // For bench/map_page.py (time to the first drawn frame); harmless elsewhere.
        this.awaitingFrame = false;
        performance.mark("kiezgraph:first-frame");
      }
    });
    // The map's box changes when the actor panel opens or closes, not only with the window. sigma's
    // resize() alone sets the canvases' sizes, which clears them, and draws nothing: the map stayed blank
    // until the next redraw (a screenshot or a download at that moment showed an empty map). A scheduled
    // refresh resizes and draws in the same frame, as sigma's own window handler does.
    this.resizer = new ResizeObserver(() => this.sigma.scheduleRefresh());
    this.resizer.observe(container);
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
    performance.mark("kiezgraph:data");
    this.stopLayout();
    this.rememberPositions();
    // Built apart from sigma and handed over whole: adding 60,000 actors and ties to the graph sigma
    // draws would index and schedule each one by one (seconds for Berlin).
    const graph = newGraph();
    const byId = new Map(net.nodes.map((n) => [n.id, n]));
    const neighbours = new Map<string, string[]>();
    for (const e of net.edges) {
      if (!byId.has(e.source) || !byId.has(e.target) || e.source === e.target) continue;
      (neighbours.get(e.source) ?? neighbours.set(e.source, []).get(e.source)!).push(e.target);
      (neighbours.get(e.target) ?? neighbours.set(e.target, []).get(e.target)!).push(e.source);
    }
    let known = 0;
    const geo = geoPlaces(net.nodes);
    for (const n of net.nodes) {
      const place = this.positions.get(n.id);
      if (place) known++;
      // Without coordinates: beside the town map when there is one, else on its quarter's disc.
      const start = place ?? geo.get(n.id) ?? seedPosition(n.id, geo.size ? "" : n.quarters[0] ?? "");
      graph.addNode(n.id, { ...start, size: 5, label: n.name, color: TYPE_COLOURS[n.type], node: n });
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
    performance.mark("kiezgraph:graph-built");
    // Settings first: sigma indexes the graph it holds at once when one changes, and the looks
    // (nodeLook, edgeLook) must see the graph sigma draws, so this.graph changes only with setGraph.
    this.setting("labelRenderedSizeThreshold", graph.order <= 120 ? 0 : graph.order <= 1000 ? 7 : 11);
    this.setting("hideEdgesOnMove", graph.size > 20_000);
    if (this.hovered && !graph.hasNode(this.hovered)) this.hovered = null;
    this.awaitingFrame = true;
    this.graph = graph;
    this.sigma.setGraph(graph); // indexes and draws it: the first frame
    this.layout(known / Math.max(1, graph.order));
  }

  /**
   * Bring the graph in line with `net` in place (a live change): what changed is added, removed or
   * updated, everything else keeps its place, and no layout runs. A newcomer starts beside its partners.
   */
  updateNetwork(net: NetworkJson): void {
    const graph = this.graph;
    if (graph.order === 0) {
      this.setNetwork(net); // nothing drawn yet (the map was opened from the list): lay it out
      return;
    }
    const nodes = new Map(net.nodes.map((n) => [n.id, n]));
    const edges = new Map(net.edges.map((e) => [e.id, e]));
    for (const id of graph.nodes()) if (!nodes.has(id)) graph.dropNode(id);
    for (const id of graph.edges()) if (!edges.has(id)) graph.dropEdge(id);
    // Actors drawn alone so far: when a change gives them partners, they move beside them.
    const alone = new Set(graph.filterNodes((id) => graph.degree(id) === 0));
    const newcomers: string[] = [];
    for (const n of net.nodes) {
      if (graph.hasNode(n.id)) graph.mergeNodeAttributes(n.id, { label: n.name, color: TYPE_COLOURS[n.type], node: n });
      else {
        graph.addNode(n.id, { ...(this.positions.get(n.id) ?? seedPosition(n.id, n.quarters[0] ?? "")), size: 5, label: n.name, color: TYPE_COLOURS[n.type], node: n });
        newcomers.push(n.id);
      }
    }
    for (const e of net.edges) {
      if (!graph.hasNode(e.source) || !graph.hasNode(e.target) || e.source === e.target) continue;
      if (graph.hasEdge(e.id)) graph.mergeEdgeAttributes(e.id, { edge: e });
      else graph.addEdgeWithKey(e.id, e.source, e.target, { size: 1, color: EDGE, edge: e });
    }
    // A newcomer (or an actor that was alone) starts beside its partners; one without partners near the
    // middle of the picture, inside it: placed outside, it would make sigma zoom the whole map out.
    const moving = [...newcomers.filter((id) => !this.positions.has(id)), ...[...alone].filter((id) => graph.hasNode(id) && graph.degree(id) > 0)];
    const isMoving = new Set(moving);
    let cx = 0;
    let cy = 0;
    let staying = 0;
    graph.forEachNode((id, a) => {
      if (isMoving.has(id)) return;
      cx += a.x;
      cy += a.y;
      staying++;
    });
    cx /= Math.max(1, staying);
    cy /= Math.max(1, staying);
    for (const id of moving) {
      const placed = graph.neighbors(id).filter((m) => !isMoving.has(m)).map((m) => graph.getNodeAttributes(m));
      const jitter = seedPosition(id, "");
      const [x, y, spread] = placed.length
        ? [placed.reduce((s, p) => s + p.x, 0) / placed.length, placed.reduce((s, p) => s + p.y, 0) / placed.length, 0.05]
        : [cx, cy, 0.1];
      graph.mergeNodeAttributes(id, { x: x + jitter.x * spread, y: y + jitter.y * spread });
    }
    if (this.worker === null) this.rememberPositions();
  }

  private setting<K extends "labelRenderedSizeThreshold" | "hideEdgesOnMove">(key: K, value: Settings[K]): void {
    if (this.sigma.getSetting(key) !== value) this.sigma.setSetting(key, value);
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
    // A quarter stays in view (its partners are highlighted anyway); in a large network, zoom in.
    const camera = this.sigma.getCamera();
    const ratio = this.graph.order > 500 ? Math.min(camera.getState().ratio, 0.3) : camera.getState().ratio;
    void camera.animate({ x: data.x, y: data.y, ratio }, { duration: 400 });
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

  /** The missing links drawn as dashed lines (for the SVG export). */
  missingPairs(): [string, string][] {
    return this.style?.missing ?? [];
  }

  isSettled(): boolean {
    return this.worker === null && this.layoutFrame === 0;
  }

  kill(): void {
    this.resizer.disconnect();
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
    let size = (big ? 1.5 : 5) + (big ? 6 : 14) * Math.sqrt(this.measure(n) / this.maxMeasure);
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
    cancelAnimationFrame(this.layoutFrame);
    this.worker?.kill();
    this.worker = null;
  }

  private settled(): void {
    performance.mark("kiezgraph:settled");
    this.onLayout("settled");
  }

  private layout(knownShare: number): void {
    const graph = this.graph;
    if (graph.order === 0) {
      this.settled();
      return;
    }
    const settings = { ...forceAtlas2.inferSettings(graph), gravity: 1, scalingRatio: graph.order > 1000 ? 4 : 8, adjustSizes: false };
    if (graph.order <= SYNC_LAYOUT_LIMIT) {
      // Quarter networks: a few hundred iterations, fewer when most places are known. They run on the
      // page after the first frame, in slices of a frame's time: the network is drawn at its starting
      // places at once (geography where known) and moves into its layout while the page stays usable.
      let left = knownShare > 0.8 ? 40 : graph.order < 200 ? 400 : 120;
      // Barnes–Hut pays off only beyond about a thousand actors; below, the exact forces are quicker.
      const sliced = { ...settings, barnesHutOptimize: graph.order > 1000 };
      this.onLayout("running");
      const slice = (): void => {
        const until = performance.now() + LAYOUT_SLICE_MS;
        while (left > 0 && performance.now() < until) {
          const step = Math.min(left, 10);
          forceAtlas2.assign(graph, { iterations: step, settings: sliced });
          left -= step;
        }
        if (left > 0) {
          this.layoutFrame = requestAnimationFrame(slice);
          return;
        }
        this.layoutFrame = 0;
        performance.mark("kiezgraph:layout-done");
        this.rememberPositions();
        this.settled();
      };
      // Two frames on: sigma draws in the next one, the first slice runs in the one after.
      this.layoutFrame = requestAnimationFrame(() => (this.layoutFrame = requestAnimationFrame(slice)));
      return;
    }
    // Large networks: drawn at once from their seed positions, then a worker moves them into place.
    // The worker lays out a copy (positions only): redrawing the map after each of its iterations
    // would hold it back, so the map takes the copy's positions a few times a second.
    const shadow = new Graph({ multi: true, type: "undirected" });
    graph.forEachNode((id, a) => shadow.addNode(id, { x: a.x, y: a.y }));
    graph.forEachEdge((_, __, source, target) => shadow.addEdge(source, target));
    const worker = new FA2Layout(shadow, {
      settings: { ...settings, barnesHutOptimize: true, strongGravityMode: false, scalingRatio: 10, gravity: 1, slowDown: 2 },
    });
    this.worker = worker;
    worker.start();
    this.onLayout("running");
    const started = performance.now();
    let previous = snapshot(shadow);
    // The worker hands back positions once per iteration (graphology's "eachNodeAttributesUpdated"), so
    // movement is judged per iteration: on a busy machine an iteration may take longer than a check.
    let iterations = 0;
    let checked = 0;
    shadow.on("eachNodeAttributesUpdated", () => iterations++);
    const copy = () => graph.updateEachNodeAttributes((id, a) => {
      if (!shadow.hasNode(id)) return a; // added by a live change while the worker runs: stays put
      a.x = shadow.getNodeAttribute(id, "x");
      a.y = shadow.getNodeAttribute(id, "y");
      return a;
    }, { attributes: ["x", "y"] });
    this.settleTimer = window.setInterval(() => {
      const elapsed = performance.now() - started;
      const steps = iterations - checked;
      if (steps === 0 && elapsed < MAX_LAYOUT_MS) return;
      checked = iterations;
      copy();
      const now = snapshot(shadow);
      const moved = movement(previous, now) / Math.max(1, steps);
      previous = now;
      if (this.debug) console.debug(`layout: ${Math.round(elapsed)} ms, ${iterations} iterations, movement ${moved.toFixed(5)}`);
      if ((elapsed > MIN_LAYOUT_MS && moved < SETTLED_MOVEMENT) || elapsed > MAX_LAYOUT_MS) {
        this.stopLayout();
        copy();
        this.rememberPositions();
        this.settled();
      }
    }, SETTLE_CHECK_MS);
  }
}

function newGraph(): Graph<NodeAttrs, EdgeAttrs> {
  return new Graph<NodeAttrs, EdgeAttrs>({ multi: true, type: "undirected", allowSelfLoops: false });
}

/** Starting places from geography for the actors with coordinates (their kiez as on a town map, scaled
 * to the layout's size), each nudged a little by its id: actors at one address must not coincide, or
 * ForceAtlas2 could never push them apart. Empty when fewer than half the actors have coordinates. */
function geoPlaces(nodes: NetNode[]): Map<string, { x: number; y: number }> {
  const located = nodes.filter((n) => n.latitude !== null && n.longitude !== null);
  const places = new Map<string, { x: number; y: number }>();
  if (located.length < Math.max(2, nodes.length / 2)) return places;
  const lat0 = located.reduce((s, n) => s + n.latitude!, 0) / located.length;
  const lon0 = located.reduce((s, n) => s + n.longitude!, 0) / located.length;
  const shrink = Math.cos((lat0 * Math.PI) / 180);
  const raw = located.map((n) => ({ id: n.id, x: (n.longitude! - lon0) * shrink, y: n.latitude! - lat0 }));
  const spread = Math.sqrt(raw.reduce((s, p) => s + p.x * p.x + p.y * p.y, 0) / raw.length) || 1;
  const scale = (nodes.length > SYNC_LAYOUT_LIMIT ? 150 : 60) / spread;
  for (const p of raw) {
    const nudge = seedPosition(p.id, "");
    places.set(p.id, { x: p.x * scale + nudge.x * 0.02, y: p.y * scale + nudge.y * 0.02 });
  }
  return places;
}

/** A stable starting place for an actor: scattered over a disc around its quarter's centre (a place
 * on a wide ring, from the quarter's name), so each quarter starts as a cluster the layout refines. */
function seedPosition(id: string, quarter: string): { x: number; y: number } {
  const h = hash(id);
  const u = (h & 0xffff) / 0xffff;
  const v = (h >>> 16) / 0xffff;
  const spread = quarter ? 40 : 120;
  const r = spread * Math.sqrt(u);
  let cx = 0;
  let cy = 0;
  if (quarter) {
    const q = hash(quarter);
    const angle = ((q % 3600) / 3600) * 2 * Math.PI;
    const ring = 120 + ((q >>> 12) % 80);
    cx = ring * Math.cos(angle);
    cy = ring * Math.sin(angle);
  }
  return { x: cx + r * Math.cos(2 * Math.PI * v), y: cy + r * Math.sin(2 * Math.PI * v) };
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
function snapshot(graph: Graph): Float64Array {
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
