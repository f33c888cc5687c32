// Live updates: the one place where changes made elsewhere reach the page.
//
// Today the API has no change feed, so `feed` is `manualRefresh`: the page shows a refresh button and
// reloads what is on screen when it is pressed (and after its own writes). When the API offers
// subscriptions (`changes(quarter:, after:)` over graphql-transport-ws), a `ChangeFeed` that subscribes
// replaces it here; the page then calls `onChange` for each change and hides the button.

export interface Change {
  entity: "Actor" | "Cooperation" | string;
  id: string;
  operation: string;
  revision?: number;
}

export interface ChangeFeed {
  /** "manual": the person refreshes; "live": changes arrive by themselves. */
  readonly mode: "manual" | "live";
  /** Follow the changes of one quarter (null: all of Berlin); returns the function that stops it. */
  follow(quarter: string | null, onChange: (change: Change) => void): () => void;
}

export const manualRefresh: ChangeFeed = {
  mode: "manual",
  follow: () => () => undefined,
};

export const feed: ChangeFeed = manualRefresh;
