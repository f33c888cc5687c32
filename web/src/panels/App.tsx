// The whole page: top bar, sidebar, the map (or the list), the timeline, and the actor panel.
import { useRef } from "preact/hooks";
import { formatDate, formatNumber, t } from "../i18n";
import { feed } from "../live";
import {
  announcement, asOf, network, networkError, networkState, openScope, quarters, refresh, scope, selected, startError,
  startState, view,
} from "../state";
import { ActorPanel } from "./ActorPanel";
import { NewActorDialog } from "./Forms";
import { Header } from "./Header";
import { MapView } from "./MapView";
import { Sidebar } from "./Sidebar";
import { TableView } from "./TableView";
import { Timeline } from "./Timeline";
import { DemoBadge } from "./ui";

export function App() {
  const m = t();
  const newActor = useRef<HTMLDialogElement>(null);
  if (startState.value === "error") return <StartFailed code={startError.value} />;
  return (
    <div class="app" data-live={feed.mode}>
      <a class="skip" href="#map">{m.skipToMap}</a>
      <Header />
      <div class="layout">
        <Sidebar onNewActor={() => newActor.current?.showModal()} />
        <main class="main" aria-labelledby="scope-title">
          {scope.value ? (
            <>
              <ScopeBar />
              <div class="stage">
                {networkState.value === "error" ? (
                  <div class="problem" role="alert">
                    <p>{m.loadFailed} {m.errors[networkError.value] ?? ""}</p>
                    <button type="button" class="primary" onClick={refresh}>{m.retry}</button>
                  </div>
                ) : view.value === "map" ? <MapView /> : <TableView />}
              </div>
              <Timeline />
            </>
          ) : (
            <Welcome />
          )}
        </main>
        {selected.value && <ActorPanel id={selected.value} />}
      </div>
      <NewActorDialog dialog={newActor} />
      <div class="sr-only" aria-live="polite" role="status">{announcement.value}</div>
      {announcement.value && <div class="toast" aria-hidden="true">{announcement.value}</div>}
    </div>
  );
}

function ScopeBar() {
  const m = t();
  const s = scope.value!;
  const q = s.kind === "quarter" ? quarters.value.find((x) => x.slug === s.slug) : undefined;
  const title = s.kind === "quarter" ? q?.name ?? s.slug : s.kind === "berlin" ? m.allBerlin : m.egoScope(s.name, s.depth);
  const demo = network.value?.nodes.some((n) => n.synthetic);
  return (
    <div class="scope-bar">
      <div>
        <h2 id="scope-title" class="scope-title">{title}</h2>
        <p class="scope-meta">
          {q && <span class={`q-status q-${q.status.toLowerCase()}`}>{m.quarterStatus[q.status]}</span>}
          {q && <span>{q.district}</span>}
          {q?.residents && <span>{m.residents(formatNumber(q.residents.count))}{q.residents.year ? ` (${q.residents.year})` : ""}</span>}
          {asOf.value && <span class="chip">{m.stichtag}: {formatDate(asOf.value)}</span>}
        </p>
      </div>
      <div class="scope-actions">
        {demo && <DemoBadge />}
        {s.kind === "ego" && (
          <button type="button" class="ghost" onClick={() => openScope(s.back)}>← {m.backToQuarter}</button>
        )}
      </div>
    </div>
  );
}

function Welcome() {
  const m = t();
  const active = quarters.value.filter((q) => q.status === "ACTIVE");
  return (
    <div class="welcome">
      <h2 id="scope-title">{m.welcomeTitle}</h2>
      <p class="lead">{m.welcomeLead}</p>
      <ul class="cards">
        {active.map((q) => (
          <li key={q.slug}>
            <button type="button" class="card" onClick={() => openScope({ kind: "quarter", slug: q.slug })}>
              <span class="card-title">{q.name}</span>
              <span class="card-meta">{q.district}{q.residents ? ` · ${m.residents(formatNumber(q.residents.count))}` : ""}</span>
            </button>
          </li>
        ))}
        <li>
          <button type="button" class="card berlin" onClick={() => openScope({ kind: "berlin" })}>
            <span class="card-title">{m.allBerlin}</span>
            <span class="card-meta">{m.allBerlinHint}</span>
          </button>
        </li>
      </ul>
      <p class="help">{m.welcomeDemo}</p>
    </div>
  );
}

function StartFailed({ code }: { code: string }) {
  const m = t();
  return (
    <div class="problem page" role="alert">
      <h1>{m.appTitle}</h1>
      <p>{m.loadFailed} {m.errors[code] ?? ""}</p>
      <button type="button" class="primary" onClick={() => location.reload()}>{m.retry}</button>
    </div>
  );
}
