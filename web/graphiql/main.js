// GraphiQL for kiezgraph: the editor talks to /graphql over HTTP, and runs subscriptions over a
// WebSocket (graphql-transport-ws) on the same path. A token typed into the headers tab
// ({"Authorization": "Bearer kg_…"}) is sent with HTTP requests and in the WebSocket's
// connection_init, so subscriptions run with the same rights as queries.
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import React from "react";
import { createRoot } from "react-dom/client";
import "graphiql/graphiql.css";

const url = new URL("/graphql", window.location.href).toString();
// With subscriptionUrl, the toolkit opens the WebSocket with graphql-ws and sends the headers tab
// as connection_init's payload ({"Authorization": "Bearer …"}), which the service reads.
const fetcher = createGraphiQLFetcher({ url, subscriptionUrl: url.replace(/^http/, "ws") });

const example = `# kiezgraph: the stakeholder networks of Berlin's neighbourhood management.
# Live changes: run this subscription, then change something (with a token) in another tab.
subscription {
  changes(quarter: "rollberg") {
    revision entity operation entityId tombstone { reason }
    actor { name }
  }
}
`;

createRoot(document.getElementById("graphiql")).render(
  React.createElement(GraphiQL, { fetcher, defaultQuery: example, shouldPersistHeaders: true }),
);
