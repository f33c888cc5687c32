// A subscriber speaking graphql-transport-ws through the npm package graphql-ws (the client
// Apollo Client, urql and GraphiQL use), for the tests in tests/test_subscriptions.py.
//
//   node subscribe.mjs '{"url": "ws://…/graphql", "token": "kg_…", "subscriptions": [{"query": "…", "variables": {}}]}'
//
// Prints one JSON line per thing that happens, and exits when the connection closes:
//   {"connected": true}                        the server acknowledged connection_init
//   {"sub": 0, "next": {...}}                   an event of subscription 0 (the whole payload)
//   {"sub": 0, "error": [...]}                  subscription 0 was refused or failed
//   {"sub": 0, "complete": true}                the server completed subscription 0
//   {"closed": 4403, "reason": "…"}             the connection closed, with its code
// Closing stdin closes the connection (the tests' way to disconnect).
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const options = JSON.parse(process.argv[2]);
const print = (value) => process.stdout.write(JSON.stringify(value) + "\n");

const client = createClient({
  url: options.url,
  webSocketImpl: WebSocket,
  connectionParams: options.token ? { Authorization: `Bearer ${options.token}` } : {},
  lazy: false,
  retryAttempts: 0,
  on: {
    connected: () => print({ connected: true }),
    closed: (event) => {
      print({ closed: event.code, reason: event.reason });
      process.exit(0);
    },
  },
  onNonLazyError: () => {}, // reported through `closed`
});

options.subscriptions.forEach((subscription, index) => {
  client.subscribe(subscription, {
    next: (value) => print({ sub: index, next: value }),
    error: (error) => print({ sub: index, error: Array.isArray(error) ? error : String(error?.message ?? error) }),
    complete: () => print({ sub: index, complete: true }),
  });
});

process.stdin.on("end", () => client.dispose());
process.stdin.resume();
