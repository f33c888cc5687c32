// The GraphQL client: POST /graphql with the token (if any) and the UI language, nothing else.
// Request errors become an ApiError with the API's `extensions.code`; refusals of mutations come back
// as data (`errors` in the payload) and are the caller's to show next to the field.
import { lang } from "./i18n";

export class ApiError extends Error {
  constructor(public code: string, message: string, public status = 0) {
    super(message);
  }
}

let token: string | null = null;

/** The bearer token sent with every request (null: public). */
export function setToken(next: string | null): void {
  token = next;
}

export function authHeaders(): Record<string, string> {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

const MAX_RETRIES = 2;

/**
 * One GraphQL request. With `timing`, the request leaves `performance.mark`s `kiezgraph:<timing>-sent`,
 * `-answered` (headers in) and `-parsed` (JSON read): bench/map_page.py reports where the time goes.
 */
export async function gql<T>(
  document: string, variables: Record<string, unknown> = {}, signal?: AbortSignal, timing?: string,
): Promise<T> {
  const mark = (what: string): void => {
    if (timing) performance.mark(`kiezgraph:${timing}-${what}`);
  };
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    mark("sent");
    try {
      response = await fetch("/graphql", {
        method: "POST",
        signal,
        headers: {
          "Content-Type": "application/json",
          Accept: "application/graphql-response+json, application/json",
          // German API texts (reasons, messages) come with a later release; the page asks already.
          "Accept-Language": lang.value === "de" ? "de, en;q=0.5" : "en",
          ...authHeaders(),
        },
        body: JSON.stringify({ query: document, variables }),
      });
    } catch (error) {
      if ((error as Error).name === "AbortError") throw error;
      throw new ApiError("NETWORK", String(error));
    }
    mark("answered");
    if (response.status === 429 && attempt < MAX_RETRIES) {
      // The service allows bursts; wait as long as it says (a few seconds at most) and try again.
      const wait = Math.min(5, Number(response.headers.get("Retry-After") ?? "1"));
      await new Promise((resolve) => setTimeout(resolve, wait * 1000));
      continue;
    }
    let body: { data?: T | null; errors?: { message: string; extensions?: { code?: string } }[] };
    try {
      body = await response.json();
      mark("parsed");
    } catch {
      throw new ApiError("INTERNAL_SERVER_ERROR", `HTTP ${response.status}`, response.status);
    }
    if (body.errors?.length) {
      const first = body.errors[0];
      const code = first.extensions?.code ?? (response.status === 400 ? "BAD_USER_INPUT" : "INTERNAL_SERVER_ERROR");
      throw new ApiError(code, first.message, response.status);
    }
    if (!response.ok || body.data == null) {
      throw new ApiError("INTERNAL_SERVER_ERROR", `HTTP ${response.status}`, response.status);
    }
    return body.data;
  }
}

/** An idempotency key for one mutation (`clientMutationId`): a retried request then applies once.
 * crypto.randomUUID exists only on https and localhost; offices may serve plain http on their network. */
export function mutationKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
