// The page's entry: marks the start, sends the request for the network the address names, and only
// then loads the rest of the page (sigma, graphology, the panels: most of the code). The request and
// the service's work on it overlap with loading and evaluating that code instead of following it.
import "./start-mark";
import { sendEarly } from "./early";

sendEarly();
void import("./app");
