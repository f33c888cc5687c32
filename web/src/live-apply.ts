// Applying the live feed to the network shown, one change at a time, without reading the network again.
//
// The subscription (graphql/Changes.graphql) brings each actor or cooperation as it is now, or the
// tombstone that took it out of the network. Here that becomes a new NetworkJson with the same rules as
// the service's quarter and Berlin networks (graph/networks.py): an actor is in a quarter's network
// while it is not archived and has a membership there (any period: the page shows no `asOf` when it
// applies changes); a tie is in the network when both its actors are; an actor's degree is its number
// of distinct partners within the network. What cannot be applied from the change alone returns null,
// and the page reads the view again (state.ts).
import type { Change } from "./live";
import type { ActorType, NetEdge, NetNode, NetworkJson } from "./types";

export interface LiveActor {
  id: string;
  name: string;
  type: ActorType;
  synthetic: boolean;
  archived: boolean;
  location: { latitude: number; longitude: number } | null;
  actionFields: { key: string }[];
  quarters: { quarter: { slug: string } }[];
}

export interface LiveTie {
  id: string;
  kind: string;
  since: string | null;
  until: string | null;
  intensity: number | null;
  synthetic: boolean;
  actionFields: { key: string }[];
  actors: { id: string }[];
}

export interface LiveChange extends Change {
  tombstone: { reason: string; mergedInto: string | null } | null;
  actor: LiveActor | null;
  cooperation: LiveTie | null;
}

export interface Patch {
  net: NetworkJson;
  /** Actors that entered the network with ties of their own: their cooperations are read (`withTies`). */
  needTies: string[];
}

/**
 * The network after `change`, for the network of quarter `quarter` (null: all of Berlin); null when the
 * change cannot be applied from what it carries (a bulk load, an unknown kind of change).
 */
export function applyChange(net: NetworkJson, change: LiveChange, quarter: string | null): Patch | null {
  if (change.entity === "CONTACT_PERSON") return { net, needTies: [] }; // not drawn
  if (change.operation === "RELOAD") return null;
  if (change.entity === "ACTOR") return applyActor(net, change, quarter);
  if (change.entity === "COOPERATION") return applyTie(net, change);
  return null;
}

function applyActor(net: NetworkJson, change: LiveChange, quarter: string | null): Patch | null {
  const id = change.entityId;
  const actor = change.actor;
  const present = net.nodes.some((n) => n.id === id);
  const belongs =
    change.tombstone === null && actor !== null && !actor.archived
    && (quarter === null || actor.quarters.some((q) => q.quarter.slug === quarter));
  if (!belongs) return { net: present ? withDegrees(withoutActor(net, id)) : net, needTies: [] };
  if (actor === null) return null;
  const node = nodeOf(actor);
  if (present) {
    const nodes = net.nodes.map((n) => (n.id === id ? { ...node, degree: n.degree } : n));
    // A merge moved the duplicates' cooperations onto this actor: its ties are read again.
    return { net: { nodes, edges: net.edges }, needTies: change.operation === "MERGE" ? [id] : [] };
  }
  // A new actor has no cooperations yet; one restored or moved into the quarter may have some.
  const next = withDegrees({ nodes: [...net.nodes, node], edges: net.edges });
  return { net: next, needTies: change.operation === "CREATE" ? [] : [id] };
}

function applyTie(net: NetworkJson, change: LiveChange): Patch {
  const tie = change.cooperation;
  const rest = net.edges.filter((e) => e.id !== change.entityId);
  if (change.tombstone !== null || tie === null) {
    return { net: rest.length === net.edges.length ? net : withDegrees({ nodes: net.nodes, edges: rest }), needTies: [] };
  }
  const edge = edgeOf(tie);
  const ids = new Set(net.nodes.map((n) => n.id));
  if (edge === null || !ids.has(edge.source) || !ids.has(edge.target)) {
    return { net: withDegrees({ nodes: net.nodes, edges: rest }), needTies: [] };
  }
  const at = net.edges.findIndex((e) => e.id === edge.id);
  const edges = at < 0 ? [...net.edges, edge] : net.edges.map((e, i) => (i === at ? edge : e));
  return { net: withDegrees({ nodes: net.nodes, edges }), needTies: [] };
}

/** The network with `actorId`'s ties replaced by `ties` (those whose partners are in the network). */
export function withTies(net: NetworkJson, actorId: string, ties: LiveTie[]): NetworkJson {
  if (!net.nodes.some((n) => n.id === actorId)) return net;
  const ids = new Set(net.nodes.map((n) => n.id));
  const edges = net.edges.filter((e) => e.source !== actorId && e.target !== actorId);
  for (const tie of ties) {
    const edge = edgeOf(tie);
    if (edge && ids.has(edge.source) && ids.has(edge.target)) edges.push(edge);
  }
  return withDegrees({ nodes: net.nodes, edges });
}

function withoutActor(net: NetworkJson, id: string): NetworkJson {
  return {
    nodes: net.nodes.filter((n) => n.id !== id),
    edges: net.edges.filter((e) => e.source !== id && e.target !== id),
  };
}

function nodeOf(actor: LiveActor): NetNode {
  return {
    id: actor.id,
    name: actor.name,
    type: actor.type,
    quarters: [...new Set(actor.quarters.map((q) => q.quarter.slug))],
    actionFields: actor.actionFields.map((f) => f.key),
    degree: 0,
    synthetic: actor.synthetic,
    latitude: actor.location?.latitude ?? null,
    longitude: actor.location?.longitude ?? null,
  };
}

function edgeOf(tie: LiveTie): NetEdge | null {
  if (tie.actors.length !== 2 || tie.actors[0].id === tie.actors[1].id) return null;
  return {
    id: tie.id,
    source: tie.actors[0].id,
    target: tie.actors[1].id,
    kind: tie.kind,
    since: tie.since,
    until: tie.until,
    intensity: tie.intensity,
    actionFields: tie.actionFields.map((f) => f.key),
    synthetic: tie.synthetic,
  };
}

/** Each actor's number of distinct partners in the network (nodes whose degree did not change are kept). */
function withDegrees(net: NetworkJson): NetworkJson {
  const partners = new Map<string, Set<string>>();
  for (const e of net.edges) {
    (partners.get(e.source) ?? partners.set(e.source, new Set()).get(e.source)!).add(e.target);
    (partners.get(e.target) ?? partners.set(e.target, new Set()).get(e.target)!).add(e.source);
  }
  const nodes = net.nodes.map((n) => {
    const degree = partners.get(n.id)?.size ?? 0;
    return degree === n.degree ? n : { ...n, degree };
  });
  return { nodes, edges: net.edges };
}
