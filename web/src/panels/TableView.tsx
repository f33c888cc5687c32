// The same data as the map, as two tables: for screen readers, keyboards, and anyone who prefers lists.
import { formatDate, t } from "../i18n";
import { isEnded, network, quarters, selected, visible } from "../state";
import type { NetNode } from "../types";
import { Swatch } from "./ui";

const ROW_LIMIT = 500;

export function TableView() {
  const m = t();
  const net = network.value;
  if (!net) return null;
  const v = visible.value;
  const byId = new Map(net.nodes.map((n) => [n.id, n]));
  const quarterName = new Map(quarters.value.map((q) => [q.slug, q.name]));
  const nodes = net.nodes.filter((n) => v.nodes.has(n.id)).sort((a, b) => a.name.localeCompare(b.name, "de"));
  const edges = [...v.edges].sort((a, b) => (b.since ?? "").localeCompare(a.since ?? ""));
  const name = (id: string) => byId.get(id)?.name ?? "?";
  const open = (n: NetNode) => (
    <button type="button" class="link" onClick={() => (selected.value = n.id)} aria-label={m.openActor(n.name)}>{n.name}</button>
  );
  return (
    <div class="tables" id="map">
      <table class="data">
        <caption id="actors-caption">{m.tableCaptionActors(nodes.length)}</caption>
        <thead>
          <tr><th scope="col">{m.colName}</th><th scope="col">{m.colType}</th><th scope="col">{m.colQuarters}</th><th scope="col" class="num">{m.colPartners}</th></tr>
        </thead>
        <tbody>
          {nodes.slice(0, ROW_LIMIT).map((n) => (
            <tr key={n.id} class={n.id === selected.value ? "selected" : ""}>
              <th scope="row">{open(n)}{n.synthetic && <span class="tag">{m.synthetic}</span>}</th>
              <td><Swatch type={n.type} />{m.actorTypes[n.type]}</td>
              <td>{n.quarters.map((q) => quarterName.get(q) ?? q).join(", ")}</td>
              <td class="num">{n.degree}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {nodes.length > ROW_LIMIT && <p class="help">{m.rowLimit(ROW_LIMIT, nodes.length)}</p>}
      <table class="data" data-testid="cooperations-table">
        <caption>{m.tableCaptionCooperations(edges.length)}</caption>
        <thead>
          <tr><th scope="col">{m.colActors}</th><th scope="col">{m.colKind}</th><th scope="col">{m.colSince}</th><th scope="col">{m.colUntil}</th><th scope="col">{m.colStatus}</th></tr>
        </thead>
        <tbody>
          {edges.slice(0, ROW_LIMIT).map((e) => (
            <tr key={e.id} class={isEnded(e) ? "ended" : ""}>
              <th scope="row">{name(e.source)} – {name(e.target)}</th>
              <td>{m.cooperationKinds[e.kind] ?? e.kind}</td>
              <td>{formatDate(e.since)}</td>
              <td>{formatDate(e.until)}</td>
              <td>{isEnded(e) ? m.statusEnded : m.statusActive}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {edges.length > ROW_LIMIT && <p class="help">{m.rowLimit(ROW_LIMIT, edges.length)}</p>}
    </div>
  );
}
