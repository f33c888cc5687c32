// One typed function per GraphQL document in ./graphql: the only place the page calls the API.
import { gql } from "./api";
import type { LiveTie } from "./live-apply";
import type { ActionField, ActorMetric, ActorType, MissingLink, NetworkJson, Quarter, UserError, Viewer } from "./types";
import ActorDoc from "./graphql/Actor.graphql";
import ActorMetricsDoc from "./graphql/ActorMetrics.graphql";
import ActorTiesDoc from "./graphql/ActorTies.graphql";
import AddCooperationDoc from "./graphql/AddCooperation.graphql";
import CreateActorDoc from "./graphql/CreateActor.graphql";
import EgoNetworkDoc from "./graphql/EgoNetwork.graphql";
import EndCooperationDoc from "./graphql/EndCooperation.graphql";
import MeDoc from "./graphql/Me.graphql";
import MissingLinksDoc from "./graphql/MissingLinks.graphql";
import NetworkDoc from "./graphql/Network.graphql";
import QuarterNetworkDoc from "./graphql/QuarterNetwork.graphql";
import SearchActorsDoc from "./graphql/SearchActors.graphql";
import StartDoc from "./graphql/Start.graphql";
import SuggestPartnersDoc from "./graphql/SuggestPartners.graphql";
import TimelineDoc from "./graphql/Timeline.graphql";
import UpdateActorDoc from "./graphql/UpdateActor.graphql";

export interface NetworkFilter {
  quarters?: string[];
  actorTypes?: ActorType[];
  actionFields?: string[];
}

export interface NetworkResult {
  asOf: string | null;
  nodeCount: number;
  edgeCount: number;
  json: NetworkJson;
  /** Every change up to this revision is in `json`; the live feed resumes after it. */
  revision: number;
}

export async function start(): Promise<{ quarters: Quarter[]; actionFields: ActionField[]; me: Viewer }> {
  return gql(StartDoc, {}, undefined, "start");
}

export async function me(): Promise<Viewer> {
  return (await gql<{ me: Viewer }>(MeDoc)).me;
}

export async function quarterNetwork(slug: string, asOf: string | null, signal?: AbortSignal): Promise<NetworkResult> {
  return (await gql<{ quarterNetwork: NetworkResult }>(QuarterNetworkDoc, { slug, asOf }, signal, "network")).quarterNetwork;
}

export async function network(filter: NetworkFilter | null, asOf: string | null, signal?: AbortSignal): Promise<NetworkResult> {
  return (await gql<{ network: NetworkResult }>(NetworkDoc, { filter, asOf }, signal, "network")).network;
}

export async function egoNetwork(actorId: string, depth: number, asOf: string | null, signal?: AbortSignal): Promise<NetworkResult> {
  return (await gql<{ egoNetwork: NetworkResult }>(EgoNetworkDoc, { actorId, depth, asOf }, signal)).egoNetwork;
}

export interface TimelineYear {
  year: number;
  actorsActive: number;
  cooperationsActive: number;
  cooperationsStarted: number;
  cooperationsEnded: number;
}

export async function timeline(filter: NetworkFilter | null): Promise<TimelineYear[]> {
  return (await gql<{ timeline: { years: TimelineYear[] } }>(TimelineDoc, { filter })).timeline.years;
}

export async function actorMetrics(filter: NetworkFilter | null, asOf: string | null, signal?: AbortSignal) {
  return gql<{ actorMetrics: { totalCount: number; nodes: ActorMetric[] }; networkMetrics: { communities: number; modularity: number } }>(
    ActorMetricsDoc, { filter, asOf }, signal);
}

export interface SearchHit {
  id: string;
  name: string;
  type: ActorType;
  synthetic: boolean;
  quarters: { quarter: { slug: string; name: string }; until: string | null }[];
}

export async function searchActors(text: string, first = 8, signal?: AbortSignal): Promise<{ totalCount: number; nodes: SearchHit[] }> {
  return (await gql<{ actors: { totalCount: number; nodes: SearchHit[] } }>(SearchActorsDoc, { text, first }, signal)).actors;
}

export interface CooperationDetail {
  id: string;
  kind: string;
  since: string | null;
  until: string | null;
  intensity: number | null;
  description: string | null;
  version: number;
}

export interface ActorDetail {
  id: string;
  name: string;
  type: ActorType;
  description: string | null;
  website: string | null;
  synthetic: boolean;
  archived: boolean;
  version: number;
  alternativeNames: string[];
  address: { street: string | null; postalCode: string | null; city: string | null } | null;
  actionFields: { key: string; name: string; nameEn: string }[];
  quarters: { quarter: { slug: string; name: string; status: string }; role: string; since: string | null; until: string | null }[];
  partnerCount: number;
  cooperationCount: number;
  partners: {
    totalCount: number;
    edges: { node: { id: string; name: string; type: ActorType; synthetic: boolean }; cooperations: CooperationDetail[] }[];
  };
}

export async function actor(id: string, signal?: AbortSignal): Promise<ActorDetail | null> {
  return (await gql<{ actor: ActorDetail | null }>(ActorDoc, { id }, signal)).actor;
}

export interface Suggestion {
  score: number;
  distanceMetres: number | null;
  actor: { id: string; name: string; type: ActorType; synthetic: boolean };
  reasons: { kind: string; text: string; contribution: number }[];
  sharedPartners: { id: string; name: string }[];
}

export async function suggestPartners(actorId: string, first = 5): Promise<Suggestion[]> {
  return (await gql<{ suggestPartners: { suggestions: Suggestion[] } }>(SuggestPartnersDoc, { actorId, first }))
    .suggestPartners.suggestions;
}

export async function missingLinks(quarter: string, first = 10): Promise<MissingLink[]> {
  return (await gql<{ missingLinks: MissingLink[] }>(MissingLinksDoc, { quarter, first })).missingLinks;
}

/** What every mutation answers: the object, or why it was refused. */
export interface Payload<T> {
  value: T | null;
  errors: UserError[];
}

function payload<T>(answer: Record<string, { errors: UserError[] } & Record<string, unknown>>, field: string, object: string): Payload<T> {
  const p = answer[field];
  return { value: (p[object] as T) ?? null, errors: p.errors };
}

export async function createActor(input: Record<string, unknown>): Promise<Payload<{ id: string; name: string; version: number }>> {
  return payload(await gql(CreateActorDoc, { input }), "createActor", "actor");
}

export async function updateActor(input: Record<string, unknown>): Promise<Payload<{ id: string; name: string; version: number }>> {
  return payload(await gql(UpdateActorDoc, { input }), "updateActor", "actor");
}

export async function addCooperation(input: Record<string, unknown>): Promise<Payload<{ id: string; version: number }>> {
  return payload(await gql(AddCooperationDoc, { input }), "addCooperation", "cooperation");
}

export async function endCooperation(input: Record<string, unknown>): Promise<Payload<{ id: string; until: string; version: number }>> {
  return payload(await gql(EndCooperationDoc, { input }), "endCooperation", "cooperation");
}

/** One actor's cooperations as the map draws them; null if it is gone or has more than one page of them. */
export async function actorTies(id: string): Promise<LiveTie[] | null> {
  const answer = await gql<{ actor: { cooperations: { pageInfo: { hasNextPage: boolean }; nodes: LiveTie[] } } | null }>(
    ActorTiesDoc, { id });
  const ties = answer.actor?.cooperations;
  return ties && !ties.pageInfo.hasNextPage ? ties.nodes : null;
}
