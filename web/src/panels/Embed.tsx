// /embed?quarter=rollberg: the map of one quarter for a QM website. Read-only, no sidebar or sign-in;
// a click opens a small card, and a link leads to the full page.
import { formatDate, t } from "../i18n";
import { asOf, network, networkState, quarters, scope, selected } from "../state";
import { ActorPanel } from "./ActorPanel";
import { MapView } from "./MapView";
import { DemoBadge } from "./ui";

export function Embed() {
  const m = t();
  const s = scope.value;
  if (!s || s.kind !== "quarter") return <p class="problem page">{m.embedMissingQuarter}</p>;
  const q = quarters.value.find((x) => x.slug === s.slug);
  const demo = network.value?.nodes.some((n) => n.synthetic);
  const full = `/?quarter=${encodeURIComponent(s.slug)}${asOf.value ? `&asOf=${asOf.value}` : ""}`;
  return (
    <div class="embed">
      <main class="embed-main" aria-labelledby="scope-title">
        <div class="embed-bar">
          <h1 id="scope-title" class="scope-title">{q?.name ?? s.slug}{asOf.value ? ` · ${formatDate(asOf.value)}` : ""}</h1>
          {demo && <DemoBadge />}
          <a href={full} target="_blank" rel="noopener">{m.embedOpenFull} ↗</a>
        </div>
        <div class="stage">{networkState.value !== "error" && <MapView compact />}</div>
        <p class="embed-foot">{m.poweredBy}</p>
      </main>
      {selected.value && <ActorPanel id={selected.value} />}
    </div>
  );
}
