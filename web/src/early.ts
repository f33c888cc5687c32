// The first request of the page: the network the address names (`?quarter=…`, `&asOf=…`), sent from
// the entry module before the rest of the page is loaded. state.ts takes its answer (`takeEarly`)
// instead of asking again.
import { setToken } from "./api";
import * as api from "./queries";

/** Where the page keeps the signed-in token for this browser window. */
export const TOKEN_KEY = "kiezgraph.token";

interface Answer {
  json: api.NetworkResult["json"];
  revision: number;
}

let early: { key: string; answer: Promise<Answer> } | null = null;

/** The cache key of a quarter's (slug) or all of Berlin's (null) network as of `day`. */
export function networkKey(slug: string | null, day: string | null): string {
  return `${slug === null ? "berlin" : `q:${slug}`}@${day ?? "all"}`;
}

export function sendEarly(): void {
  const params = new URLSearchParams(location.search);
  const quarter = params.get("quarter");
  if (!quarter) return;
  const asked = params.get("asOf");
  const day = asked && /^\d{4}-\d{2}-\d{2}$/.test(asked) ? asked : null;
  setToken(location.pathname === "/embed" ? null : sessionStorage.getItem(TOKEN_KEY));
  const slug = quarter === "berlin" ? null : quarter;
  const answer = slug === null ? api.network(null, day) : api.quarterNetwork(slug, day);
  answer.catch(() => undefined); // taken and handled by state.ts; never an unhandled rejection
  early = { key: networkKey(slug, day), answer };
}

/** The early request's answer if it was for `key` (once); null otherwise. */
export function takeEarly(key: string): Promise<Answer> | null {
  if (early?.key !== key) return null;
  const { answer } = early;
  early = null;
  return answer;
}
