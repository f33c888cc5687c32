// The page's state as signals, and the actions that load data into it. Components read the signals
// (and re-render when they change); only the functions here call the API for networks and measures.
import { batch, computed, effect, signal } from "@preact/signals";
import { ApiError, setToken } from "./api";
import { networkKey, takeEarly, TOKEN_KEY } from "./early";
import { feed } from "./live";
import { applyChange, withTies, type LiveChange } from "./live-apply";
import { mayAnalyse, maySuggest } from "./permissions";
import * as api from "./queries";
import type { ActionField, ActorMetric, MissingLink, NetEdge, NetworkJson, Quarter, Viewer } from "./types";

export type Scope =
  | { kind: "quarter"; slug: string }
  | { kind: "berlin" }
  | { kind: "ego"; actorId: string; name: string; depth: number; back: Scope };

export type Load = "idle" | "loading" | "ready" | "error";

const PUBLIC: Viewer = { role: "public", quarters: [] };

export const embedded = location.pathname === "/embed";
export const quarters = signal<Quarter[]>([]);
export const actionFields = signal<ActionField[]>([]);
export const viewer = signal<Viewer>(PUBLIC);
export const startState = signal<Load>("idle");
export const startError = signal<string>("");

export const scope = signal<Scope | null>(null);
export const asOf = signal<string | null>(null);
export const endedMode = signal<"grey" | "hide">("grey");
export const network = signal<NetworkJson | null>(null);
export const networkState = signal<Load>("idle");
export const networkError = signal<string>("");

export const hiddenTypes = signal<ReadonlySet<string>>(new Set());
export const hiddenFields = signal<ReadonlySet<string>>(new Set());
export const hiddenQuarters = signal<ReadonlySet<string>>(new Set());

export const sizeBy = signal<"degree" | "betweenness">("degree");
export const showCommunities = signal(false);
export const showBrokers = signal(false);
export const showMissingLinks = signal(false);
export const metrics = signal<ReadonlyMap<string, ActorMetric> | null>(null);
export const communityCount = signal(0);
export const metricsState = signal<Load>("idle");
export const missingLinks = signal<MissingLink[] | null>(null);
export const missingState = signal<Load>("idle");

export const selected = signal<string | null>(null);
export const view = signal<"map" | "list">("map");
/** Read out by screen readers (an aria-live region) and shown briefly. */
export const announcement = signal<string>("");
/** Bumped after a write or a refresh: everything loaded for the old state is dropped. */
export const revision = signal(0);
/** The API's revision of the network last read: the live feed resumes after it (null: none read yet). */
export const shownRevision = signal<number | null>(null);
/** Bumped when a live change was applied to the network shown (measures and missing links are read again). */
export const liveApplied = signal(0);
/** Networks that came from applying live changes to the one shown: the map updates its graph in place. */
export const patchedNetworks = new WeakSet<NetworkJson>();

export const today = (): string => new Date().toISOString().slice(0, 10);

// ---- sign-in -------------------------------------------------------------------------------------

export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

/** Check a token with the API (`me`) and keep it for this browser window; throws ApiError if refused. */
export async function signIn(token: string): Promise<Viewer> {
  setToken(token);
  try {
    const who = await api.me();
    sessionStorage.setItem(TOKEN_KEY, token);
    batch(() => {
      viewer.value = who;
      revision.value++;
    });
    return who;
  } catch (error) {
    setToken(storedToken());
    throw error;
  }
}

export function signOut(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  setToken(null);
  batch(() => {
    viewer.value = PUBLIC;
    showCommunities.value = false;
    showBrokers.value = false;
    showMissingLinks.value = false;
    sizeBy.value = "degree";
    revision.value++;
  });
}

export async function boot(): Promise<void> {
  startState.value = "loading";
  const token = embedded ? null : storedToken();
  setToken(token);
  try {
    const answer = await api.start().catch(async (error: unknown) => {
      // A stored token that no longer works: carry on in public, as if signed out.
      if (token && error instanceof ApiError && error.code === "UNAUTHENTICATED") {
        sessionStorage.removeItem(TOKEN_KEY);
        setToken(null);
        return api.start();
      }
      throw error;
    });
    batch(() => {
      quarters.value = answer.quarters;
      actionFields.value = answer.actionFields;
      viewer.value = answer.me;
      startState.value = "ready";
    });
  } catch (error) {
    startError.value = error instanceof ApiError ? error.code : "NETWORK";
    startState.value = "error";
  }
}

// ---- the URL holds what is shown, so a link can be shared ------------------------------------------

export function readUrl(): void {
  const params = new URLSearchParams(location.search);
  const quarter = params.get("quarter");
  const day = params.get("asOf");
  batch(() => {
    scope.value = quarter === "berlin" ? { kind: "berlin" } : quarter ? { kind: "quarter", slug: quarter } : null;
    asOf.value = day && /^\d{4}-\d{2}-\d{2}$/.test(day) ? day : null;
    selected.value = params.get("actor");
    view.value = params.get("view") === "list" ? "list" : "map";
  });
}

readUrl();
setToken(embedded ? null : storedToken());

function baseScope(s: Scope | null): Scope | null {
  return s?.kind === "ego" ? baseScope(s.back) : s;
}

effect(() => {
  const s = baseScope(scope.value);
  const params = new URLSearchParams(location.search);
  const set = (key: string, value: string | null) => (value ? params.set(key, value) : params.delete(key));
  set("quarter", s?.kind === "quarter" ? s.slug : s?.kind === "berlin" ? "berlin" : null);
  set("asOf", asOf.value);
  set("actor", selected.value);
  set("view", view.value === "list" ? "list" : null);
  const query = params.toString();
  history.replaceState(null, "", `${location.pathname}${query ? `?${query}` : ""}`);
});

// ---- the network shown -------------------------------------------------------------------------------

export function quarterSlug(s: Scope | null = scope.value): string | null {
  return s?.kind === "quarter" ? s.slug : null;
}

/** The network filter that selects what `scope` shows (for metrics, timelines and exports). */
export function scopeFilter(s: Scope | null = scope.value): api.NetworkFilter | null {
  const base = baseScope(s);
  return base?.kind === "quarter" ? { quarters: [base.slug] } : null;
}

interface Shown {
  json: NetworkJson;
  revision: number;
}

const cache = new Map<string, Shown>();
const CACHE_SIZE = 40;
let inflight: AbortController | null = null;
/** The revision of the network shown as read (changes up to it are in it); live changes apply after it. */
let readRevision = 0;
/** The network being read; live changes wait for it. */
let loading: Promise<void> = Promise.resolve();

function scopeKey(s: Scope, day: string | null): string {
  if (s.kind === "ego") return `ego:${s.actorId}:${s.depth}@${day ?? "all"}`;
  return networkKey(s.kind === "quarter" ? s.slug : null, day);
}

async function fetchNetwork(s: Scope, day: string | null, signal: AbortSignal): Promise<Shown> {
  const key = scopeKey(s, day);
  const hit = cache.get(key);
  // A network read before a change the page has seen since would miss that change.
  if (hit && hit.revision >= (shownRevision.peek() ?? 0)) return hit;
  const sent = takeEarly(key); // the request main.ts sent before the page's code had loaded
  const answer =
    sent ? await sent
    : s.kind === "quarter" ? await api.quarterNetwork(s.slug, day, signal)
    : s.kind === "berlin" ? await api.network(null, day, signal)
    : await api.egoNetwork(s.actorId, s.depth, day, signal);
  const shown = { json: answer.json, revision: answer.revision };
  cache.set(key, shown);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return shown;
}

export async function loadNetwork(): Promise<void> {
  const s = scope.value;
  inflight?.abort();
  if (!s) {
    network.value = null;
    networkState.value = "idle";
    return;
  }
  const controller = new AbortController();
  inflight = controller;
  networkState.value = "loading";
  try {
    const shown = await fetchNetwork(s, asOf.value, controller.signal);
    if (controller.signal.aborted) return;
    readRevision = shown.revision;
    batch(() => {
      network.value = shown.json;
      shownRevision.value = Math.max(shownRevision.peek() ?? 0, shown.revision);
      networkState.value = "ready";
    });
  } catch (error) {
    if (controller.signal.aborted) return;
    if (!(error instanceof ApiError)) console.error("the network could not be shown:", error);
    batch(() => {
      networkError.value = error instanceof ApiError ? error.code : "NETWORK";
      networkState.value = "error";
    });
  }
}

/** Forget what was loaded and load what is shown again (after a write, or when others changed data). */
export function refresh(): void {
  cache.clear();
  revision.value++;
}

effect(() => {
  void scope.value;
  void asOf.value;
  void revision.value;
  loading = loadNetwork();
});

// Changes made elsewhere: the live feed follows them from the revision of the first network shown
// (revisions are global, so one that was read for another scope is as good a start); while it is not
// connected the person refreshes. A new sign-in follows again with the new rights.
//
// Each change is applied to the network shown (live-apply.ts): the map keeps its picture and moves
// nothing but what changed. Only a change that cannot be applied that way (a bulk load, a view as of
// a past day, an ego network, an actor with more ties than one page) reads the view again. Changes are
// applied one after another, each after the network being read (if any) has arrived.
const revisionKnown = computed(() => shownRevision.value !== null);
let reloadQueued = false;
/** Changes of an earlier `follow` (another scope, other rights) are dropped. */
let following = 0;
let applying: Promise<void> = Promise.resolve();

// Who is signed in, as a value: the start-up `me` answer equal to what was assumed keeps the subscription.
const rights = computed(() => JSON.stringify(viewer.value));

effect(() => {
  const slug = quarterSlug(baseScope(scope.value));
  void rights.value;
  if (!revisionKnown.value) return;
  const generation = ++following;
  return feed.follow(slug, shownRevision.peek() ?? 0, (change) => {
    applying = applying.then(() => applyLive(change as LiveChange, generation)).catch(() => reloadView());
  });
});

async function networkRead(): Promise<void> {
  for (let current = loading; ; current = loading) {
    await current;
    if (current === loading) return;
  }
}

async function applyLive(change: LiveChange, generation: number): Promise<void> {
  await networkRead();
  // The page's own writes are already read again (their revision is in what is shown).
  if (generation !== following || change.revision <= readRevision) return;
  const s = scope.peek();
  const net = network.peek();
  if (networkState.peek() !== "ready" || !net || !s) return; // an error or nothing shown: a reload reads all
  const patch = s.kind !== "ego" && asOf.peek() === null ? applyChange(net, change, quarterSlug(s)) : null;
  if (!patch) {
    reloadView();
    return;
  }
  let next = patch.net;
  for (const id of patch.needTies) {
    const ties = await api.actorTies(id);
    if (ties === null) {
      reloadView();
      return;
    }
    if (generation !== following) return;
    next = withTies(next, id, ties);
  }
  showPatched(next, change.revision);
}

function showPatched(next: NetworkJson, changeRevision: number): void {
  const s = scope.peek();
  patchedNetworks.add(next);
  cache.clear();
  if (s) cache.set(scopeKey(s, asOf.peek()), { json: next, revision: changeRevision });
  batch(() => {
    network.value = next;
    shownRevision.value = Math.max(shownRevision.peek() ?? 0, changeRevision);
    liveApplied.value++;
  });
}

function reloadView(): void {
  // A burst of changes (one commit can carry several) reads the view again once.
  if (reloadQueued) return;
  reloadQueued = true;
  queueMicrotask(() => {
    reloadQueued = false;
    refresh();
  });
}

// ---- measures (researchers, admins) and missing links (managers too) ----------------------------------

export const wantsMetrics = computed(
  () => sizeBy.value === "betweenness" || showCommunities.value || showBrokers.value,
);

let metricsRequest: AbortController | null = null;

effect(() => {
  const s = scope.value;
  const day = asOf.value;
  void revision.value;
  void liveApplied.value;
  metricsRequest?.abort();
  if (!wantsMetrics.value || !s || s.kind === "ego" || !mayAnalyse(viewer.value)) {
    metrics.value = null;
    metricsState.value = "idle";
    return;
  }
  const controller = new AbortController();
  metricsRequest = controller;
  metricsState.value = "loading";
  api.actorMetrics(scopeFilter(s), day, controller.signal).then(
    (answer) => {
      if (controller.signal.aborted) return;
      batch(() => {
        metrics.value = new Map(answer.actorMetrics.nodes.map((m) => [m.id, m]));
        communityCount.value = answer.networkMetrics.communities;
        metricsState.value = "ready";
      });
    },
    () => {
      if (!controller.signal.aborted) metricsState.value = "error";
    },
  );
});

effect(() => {
  const slug = quarterSlug();
  void revision.value;
  void liveApplied.value;
  if (!showMissingLinks.value || !slug || !maySuggest(viewer.value)) {
    missingLinks.value = null;
    missingState.value = "idle";
    return;
  }
  let current = true;
  missingState.value = "loading";
  api.missingLinks(slug, 10).then(
    (links) => {
      if (!current) return;
      batch(() => {
        missingLinks.value = links;
        missingState.value = "ready";
      });
    },
    () => {
      if (current) missingState.value = "error";
    },
  );
  return () => {
    current = false;
  };
});

// ---- filters and what is visible -------------------------------------------------------------------------

/** Each action-field key mapped onto today's fields (a 2010s field onto its successors). */
export const currentFieldsOf = computed(() => {
  const map = new Map<string, string[]>();
  for (const f of actionFields.value) {
    map.set(f.key, f.era === "CURRENT" ? [f.key] : f.successors.map((s) => s.key));
  }
  return (keys: string[]): string[] => [...new Set(keys.flatMap((k) => map.get(k) ?? [k]))];
});

export function isEnded(edge: NetEdge): boolean {
  return edge.until !== null && edge.until < (asOf.value ?? today());
}

export interface Visible {
  nodes: ReadonlySet<string>;
  edges: NetEdge[];
  endedEdges: number;
  totalNodes: number;
  totalEdges: number;
}

export const visible = computed<Visible>(() => {
  const net = network.value;
  if (!net) return { nodes: new Set(), edges: [], endedEdges: 0, totalNodes: 0, totalEdges: 0 };
  const types = hiddenTypes.value;
  const fields = hiddenFields.value;
  const inQuarters = hiddenQuarters.value;
  const fieldsOf = currentFieldsOf.value;
  const nodes = new Set<string>();
  for (const n of net.nodes) {
    if (types.has(n.type)) continue;
    if (fields.size && !fieldsOf(n.actionFields).some((f) => !fields.has(f))) continue;
    if (inQuarters.size && !n.quarters.some((q) => !inQuarters.has(q))) continue;
    nodes.add(n.id);
  }
  const hideEnded = endedMode.value === "hide";
  let endedEdges = 0;
  const edges = net.edges.filter((e) => {
    if (!nodes.has(e.source) || !nodes.has(e.target)) return false;
    const ended = isEnded(e);
    if (ended && hideEnded) return false;
    if (ended) endedEdges++;
    return true;
  });
  return { nodes, edges, endedEdges, totalNodes: net.nodes.length, totalEdges: net.edges.length };
});

export function toggle(set: typeof hiddenTypes, key: string): void {
  const next = new Set(set.value);
  if (next.has(key)) next.delete(key);
  else next.add(key);
  set.value = next;
}

export function resetFilters(): void {
  batch(() => {
    hiddenTypes.value = new Set();
    hiddenFields.value = new Set();
    hiddenQuarters.value = new Set();
  });
}

export function announce(text: string): void {
  // The same text twice in a row is still read out: clear first.
  announcement.value = "";
  queueMicrotask(() => {
    announcement.value = text;
  });
}

export function openScope(next: Scope): void {
  batch(() => {
    scope.value = next;
    selected.value = next.kind === "ego" ? next.actorId : null;
    hiddenQuarters.value = new Set();
  });
}
