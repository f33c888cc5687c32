// The map area: the sigma canvas, zoom buttons, the legend, and what the map is busy with.
import { effect, signal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { COMMUNITY_COLOURS, EDGE, EDGE_ENDED, MISSING } from "../colours";
import { t } from "../i18n";
import { NetworkMap } from "../map";
import {
  communityCount, endedMode, isEnded, metrics, missingLinks, network, networkState, patchedNetworks, selected, showBrokers,
  showCommunities, sizeBy, visible,
} from "../state";
import { ACTOR_TYPES } from "../types";
import { Spinner, Swatch } from "./ui";

/** The map on screen (for downloads of what is shown); null while none is. */
export const currentMap = signal<NetworkMap | null>(null);
export const layoutState = signal<"running" | "settled">("settled");

export function MapView({ compact = false }: { compact?: boolean }) {
  const m = t();
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const map = new NetworkMap(container.current!, (id) => (selected.value = id), (state) => {
      layoutState.value = state;
      // The benchmark and the browser tests wait for this mark, not for the clock.
      container.current?.setAttribute("data-layout", state);
    });
    currentMap.value = map;
    // A handle for developers' consoles and bench/map_page.py, only when asked for with ?debug.
    if (new URLSearchParams(location.search).has("debug")) {
      (window as unknown as { kiezgraphMap: NetworkMap }).kiezgraphMap = map;
      map.debug = true;
    }
    const stopData = effect(() => {
      const net = network.value;
      // A live change updates the graph in place; anything else is a network read, laid out anew.
      if (net && patchedNetworks.has(net)) map.updateNetwork(net);
      else if (net) map.setNetwork(net);
    });
    const stopStyle = effect(() => {
      void network.value;
      const v = visible.value;
      map.setStyle({
        visibleNodes: v.nodes,
        visibleEdges: new Set(v.edges.map((e) => e.id)),
        ended: isEnded,
        sizeBy: sizeBy.value,
        metrics: metrics.value,
        communities: showCommunities.value,
        brokers: showBrokers.value,
        selected: selected.value,
        missing: (missingLinks.value ?? []).map((l) => [l.actors[0].id, l.actors[1].id] as [string, string]),
      });
    });
    const stopFocus = effect(() => {
      const id = selected.value;
      if (id && layoutState.value === "settled") map.focus(id);
    });
    return () => {
      stopData();
      stopStyle();
      stopFocus();
      currentMap.value = null;
      map.kill();
    };
  }, []);

  function onKey(event: KeyboardEvent) {
    const map = currentMap.value;
    if (!map) return;
    const moves: Record<string, [number, number]> = { ArrowLeft: [-0.1, 0], ArrowRight: [0.1, 0], ArrowUp: [0, 0.1], ArrowDown: [0, -0.1] };
    if (moves[event.key]) map.pan(...moves[event.key]);
    else if (event.key === "+" || event.key === "=") map.zoomIn();
    else if (event.key === "-") map.zoomOut();
    else if (event.key === "0") map.reset();
    else return;
    event.preventDefault();
  }

  const state = networkState.value;
  const empty = state === "ready" && visible.value.nodes.size === 0;
  return (
    <div class={`map-wrap${compact ? " compact" : ""}`}>
      <div id="map" ref={container} class="map" tabIndex={0} role="region"
        aria-label={`${m.mapLabel}: ${m.visibleCounts(visible.value.nodes.size, visible.value.edges.length)}`}
        aria-describedby="map-help" onKeyDown={onKey} data-testid="map" />
      <p id="map-help" class="sr-only">{m.mapHelp}</p>
      <div class="zoom" role="group" aria-label={m.mapLabel}>
        <button type="button" aria-label={m.zoomIn} title={m.zoomIn} onClick={() => currentMap.value?.zoomIn()}>+</button>
        <button type="button" aria-label={m.zoomOut} title={m.zoomOut} onClick={() => currentMap.value?.zoomOut()}>−</button>
        <button type="button" aria-label={m.zoomReset} title={m.zoomReset} onClick={() => currentMap.value?.reset()}>⤢</button>
      </div>
      <Legend />
      <div class="map-status">
        {state === "loading" && <Spinner label={m.loading} />}
        {state === "ready" && layoutState.value === "running" && <Spinner label={m.layoutRunning} />}
      </div>
      {empty && <p class="map-empty">{m.emptyNetwork}</p>}
    </div>
  );
}

export function Legend() {
  const m = t();
  const net = network.value;
  const present = new Set(net?.nodes.map((n) => n.type));
  const byCommunity = showCommunities.value && metrics.value;
  const hasEnded = endedMode.value === "grey" && visible.value.endedEdges > 0;
  return (
    <div class="legend" aria-label={m.legend} role="group">
      <h2 class="legend-title">{m.legend}</h2>
      <ul>
        {byCommunity
          ? Array.from({ length: Math.min(communityCount.value, COMMUNITY_COLOURS.length) }, (_, i) => (
              <li key={i}><span class="swatch" style={{ background: COMMUNITY_COLOURS[i] }} aria-hidden="true" />{m.communityN(i)}</li>
            ))
          : ACTOR_TYPES.filter((type) => present.has(type)).map((type) => (
              <li key={type}><Swatch type={type} />{m.actorTypes[type]}</li>
            ))}
        <li><span class="line" style={{ background: EDGE }} aria-hidden="true" />{m.tableCooperations}</li>
        {hasEnded && <li><span class="line" style={{ background: EDGE_ENDED }} aria-hidden="true" />{m.legendEnded}</li>}
        {missingLinks.value && <li><span class="line dashed" style={{ borderColor: MISSING }} aria-hidden="true" />{m.legendMissing}</li>}
        {showBrokers.value && metrics.value && <li><span class="swatch broker" aria-hidden="true" />{m.broker}</li>}
        <li class="legend-size">{m.legendSize(sizeBy.value === "betweenness" && metrics.value ? m.sizeBetweenness : m.sizeDegree)}</li>
      </ul>
    </div>
  );
}
