// Live updates: the one place where changes made elsewhere reach the page.
//
// The page subscribes to `changes(quarter:, after:)` over graphql-transport-ws at /graphql (the
// `graphql-ws` client, bundled) from the revision of the network it shows, and calls `onChange` for
// each change. When the connection drops it reconnects by itself and resumes after the last revision
// it received, so nothing is missed (README, "Live updates"). While it is not connected, `mode` is
// "manual" and the page offers its refresh button again.
import { signal } from "@preact/signals";
import { createClient, type Client } from "graphql-ws";
import { authHeaders } from "./api";
import ChangesDoc from "./graphql/Changes.graphql";

export interface Change {
  entity: "ACTOR" | "COOPERATION" | "CONTACT_PERSON" | "NETWORK" | string;
  entityId: string;
  operation: string;
  revision: number;
}

export interface ChangeFeed {
  /** "manual": the person refreshes; "live": changes arrive by themselves. */
  readonly mode: "manual" | "live";
  /**
   * Follow the changes of one quarter (null: all of Berlin) committed after revision `after`; returns
   * the function that stops it.
   */
  follow(quarter: string | null, after: number, onChange: (change: Change) => void): () => void;
}

export const manualRefresh: ChangeFeed = {
  mode: "manual",
  follow: () => () => undefined,
};

/** "live" while the subscription is connected; read by the header and the page's `data-live`. */
const status = signal<"manual" | "live">("manual");

// Waits between reconnection attempts grow to this bound: a restarting service is not flooded.
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 10_000;

function socketUrl(): string {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`;
}

/** One connection per `follow`: the token of the moment goes into `connection_init`. */
function connect(): Client {
  return createClient({
    url: socketUrl(),
    connectionParams: () => authHeaders(),
    lazy: true,
    // Reconnection is ours (below): graphql-ws would re-send the first `after`, not the last one seen.
    retryAttempts: 0,
  });
}

export const subscriptionFeed: ChangeFeed = {
  get mode() {
    return status.value;
  },
  follow(quarter, after, onChange) {
    let last = after;
    let stopped = false;
    let wait = RETRY_FIRST_MS;
    let client: Client | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;

    const dropped = (): void => {
      if (stopped) return; // a stopped feed's late "complete" must not touch the next one's status
      status.value = "manual";
      client?.dispose();
      client = null;
      retry = setTimeout(subscribe, wait);
      wait = Math.min(RETRY_MAX_MS, wait * 2);
    };

    function subscribe(): void {
      retry = null;
      client = connect();
      client.on("connected", () => {
        status.value = "live";
        wait = RETRY_FIRST_MS;
      });
      client.subscribe<{ changes: Change }>(
        { query: ChangesDoc, variables: { quarter, after: last } },
        {
          next: ({ data }) => {
            if (!data) return;
            // Several changes can share a revision (a merge): each is passed on, the resume point is the highest.
            last = Math.max(last, data.changes.revision);
            onChange(data.changes);
          },
          error: dropped,
          complete: dropped,
        },
      );
    }

    subscribe();
    return () => {
      stopped = true;
      if (retry !== null) clearTimeout(retry);
      client?.dispose();
      client = null;
      status.value = "manual";
    };
  },
};

export const feed: ChangeFeed = typeof WebSocket === "undefined" ? manualRefresh : subscriptionFeed;
