// The shapes the page reads from the API (as the .graphql documents select them).

export type ActorType = "INSTITUTION" | "INITIATIVE" | "COMPANY" | "HOUSING_ASSOCIATION";
export const ACTOR_TYPES: ActorType[] = ["INSTITUTION", "INITIATIVE", "COMPANY", "HOUSING_ASSOCIATION"];
export const COOPERATION_KINDS = [
  "PROJECT_PARTNERSHIP", "WORKING_GROUP", "FUNDING", "SPACE_PROVISION", "REGULAR_EXCHANGE",
  "PROJECT_SPONSORSHIP", "DONATION", "OTHER",
] as const;
export type Role = "public" | "researcher" | "manager" | "admin";

/** An actor as `Network.json` carries it. */
export interface NetNode {
  id: string;
  name: string;
  type: ActorType;
  quarters: string[];
  actionFields: string[];
  degree: number;
  synthetic: boolean;
  latitude: number | null;
  longitude: number | null;
}

/** A cooperation as `Network.json` carries it. */
export interface NetEdge {
  id: string;
  source: string;
  target: string;
  kind: string;
  since: string | null;
  until: string | null;
  intensity: number | null;
  actionFields: string[];
  synthetic: boolean;
}

export interface NetworkJson {
  nodes: NetNode[];
  edges: NetEdge[];
}

export interface Quarter {
  slug: string;
  name: string;
  status: "ACTIVE" | "ENDED" | "MERGED";
  district: string;
  synthetic: boolean;
  endDate: string | null;
  residents: { count: number; year: number | null } | null;
}

export interface ActionField {
  key: string;
  name: string;
  nameEn: string;
  era: "CURRENT" | "GENERATION_2010S";
  crossCutting: boolean;
  successors: { key: string }[];
}

export interface Viewer {
  role: Role;
  quarters: string[];
}

/** Per actor, from `actorMetrics` (researchers and admins). */
export interface ActorMetric {
  id: string;
  degree: number;
  betweenness: number;
  community: number;
  brokerRoles: string[];
}

export interface MissingLink {
  actors: { id: string; name: string }[];
  score: number;
  joinsComponents: boolean;
  reasons: string[];
}

/** A refusal in a mutation payload (`UserError`). */
export interface UserError {
  __typename: string;
  code: string;
  message: string;
  path: string[] | null;
  existing?: { id: string; name: string }[] | { id: string } | null;
  currentVersion?: number;
}
