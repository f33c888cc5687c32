// The left column: quarters, search, filters with counts, and how the map is drawn.
import { useComputed, useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { formatDate, formatNumber, lang, t } from "../i18n";
import { mayAnalyse, maySuggest, mayWrite } from "../permissions";
import * as api from "../queries";
import {
  actionFields, asOf, currentFieldsOf, endedMode, hiddenFields, hiddenQuarters, hiddenTypes, metricsState, missingLinks,
  missingState,
  network, openScope, quarters, resetFilters, scope, selected, showBrokers, showCommunities, showMissingLinks, sizeBy,
  toggle, viewer, visible,
} from "../state";
import { ACTOR_TYPES } from "../types";
import { arrowKeys, Spinner, Swatch } from "./ui";

export function Sidebar({ onNewActor }: { onNewActor: () => void }) {
  return (
    <aside class="sidebar" aria-label={t().filtersHeading}>
      <Search />
      <QuarterList />
      {scope.value && <Counts />}
      {scope.value && <Filters />}
      {scope.value && <Display />}
      {mayWrite(viewer.value) && (
        <button type="button" class="primary wide" onClick={onNewActor}>+ {t().newActor}</button>
      )}
    </aside>
  );
}

function QuarterList() {
  const m = t();
  const s = scope.value;
  const current = s?.kind === "quarter" ? s.slug : s?.kind === "berlin" ? "berlin" : s?.kind === "ego" ? "" : null;
  const order = { ACTIVE: 0, MERGED: 1, ENDED: 2 } as const;
  const sorted = [...quarters.value].sort((a, b) => order[a.status] - order[b.status] || a.name.localeCompare(b.name, "de"));
  return (
    <section class="section" aria-labelledby="quarters-heading">
      <h2 id="quarters-heading">{m.quartersHeading}</h2>
      <ul class="quarter-list" onKeyDown={arrowKeys}>
        <li>
          <button type="button" data-roving aria-current={current === "berlin" ? "true" : undefined}
            onClick={() => openScope({ kind: "berlin" })}>
            <span class="q-name">{m.allBerlin}</span>
            <span class="q-meta">{m.allBerlinHint}</span>
          </button>
        </li>
        {sorted.map((q) => (
          <li key={q.slug}>
            <button type="button" data-roving aria-current={current === q.slug ? "true" : undefined}
              onClick={() => openScope({ kind: "quarter", slug: q.slug })}>
              <span class="q-name">{q.name}</span>
              <span class={`q-status q-${q.status.toLowerCase()}`}>{m.quarterStatus[q.status]}</span>
              {q.residents && <span class="q-meta">{m.residents(formatNumber(q.residents.count))}</span>}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Search() {
  const m = t();
  const text = useSignal("");
  const hits = useSignal<api.SearchHit[] | null>(null);
  const active = useSignal(-1);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const query = text.value.trim();
    if (query.length < 2) {
      hits.value = null;
      return;
    }
    const controller = new AbortController();
    // Ask once typing pauses; the API folds case, accents, umlauts and legal forms.
    const timer = setTimeout(() => {
      api.searchActors(query, 8, controller.signal).then((found) => {
        hits.value = found.nodes;
        active.value = -1;
      }, () => undefined);
    }, 200);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [text.value]);
  const onMap = network.value ? new Set(network.value.nodes.map((n) => n.id)) : new Set<string>();
  function choose(hit: api.SearchHit) {
    if (!scope.value || !onMap.has(hit.id)) {
      // Not on the map shown: open the actor's first current quarter (or its surroundings).
      const home = hit.quarters.find((q) => !q.until)?.quarter.slug ?? hit.quarters[0]?.quarter.slug;
      if (home) openScope({ kind: "quarter", slug: home });
      else openScope({ kind: "ego", actorId: hit.id, name: hit.name, depth: 1, back: scope.value ?? { kind: "berlin" } });
    }
    selected.value = hit.id;
    text.value = "";
    hits.value = null;
  }
  function onKey(event: KeyboardEvent) {
    const list = hits.value ?? [];
    if (event.key === "ArrowDown") active.value = Math.min(list.length - 1, active.value + 1);
    else if (event.key === "ArrowUp") active.value = Math.max(0, active.value - 1);
    else if (event.key === "Enter" && list.length) choose(list[Math.max(0, active.value)]);
    else if (event.key === "Escape") hits.value = null;
    else return;
    event.preventDefault();
  }
  const open = hits.value !== null;
  return (
    <div class="search" role="search">
      <label for="search-input" class="label-strong">{m.searchLabel}</label>
      <input id="search-input" ref={input} type="search" autocomplete="off" placeholder={m.searchPlaceholder}
        value={text.value} onInput={(e) => (text.value = (e.currentTarget as HTMLInputElement).value)} onKeyDown={onKey}
        // Preact's types allow role="combobox" on an input only beside a `list` attribute (none here).
        list={undefined} role="combobox" aria-expanded={open} aria-controls="search-results" aria-autocomplete="list"
        aria-activedescendant={open && active.value >= 0 ? `hit-${active.value}` : undefined} />
      {open && (
        <ul id="search-results" class="search-results" role="listbox" aria-label={m.searchResults(hits.value!.length)}>
          {hits.value!.length === 0 && <li class="empty" role="option" aria-disabled="true" aria-selected="false">{m.searchNoResults}</li>}
          {hits.value!.map((hit, i) => (
            <li key={hit.id} id={`hit-${i}`} role="option" aria-selected={i === active.value}
              class={i === active.value ? "active" : ""} onMouseDown={(e) => { e.preventDefault(); choose(hit); }}>
              <Swatch type={hit.type} />
              <span class="hit-name">{hit.name}</span>
              <span class="hit-meta">
                {hit.quarters.filter((q) => !q.until).map((q) => q.quarter.name).join(", ")}
                {scope.value && !onMap.has(hit.id) ? ` · ${m.searchNotOnMap}` : ""}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function Counts() {
  const m = t();
  const v = visible.value;
  return (
    <p class="counts" role="status" aria-live="polite" data-testid="counts">
      <strong>{m.visibleCounts(v.nodes.size, v.edges.length)}</strong>
      <span>{m.ofTotal(v.totalNodes, v.totalEdges)}</span>
    </p>
  );
}

function Filters() {
  const m = t();
  const net = network.value;
  const typeCounts = useComputed(() => countBy(network.value?.nodes ?? [], (n) => [n.type]));
  const fieldCounts = useComputed(() => countBy(network.value?.nodes ?? [], (n) => currentFieldsOf.value(n.actionFields)));
  const quarterCounts = useComputed(() => countBy(network.value?.nodes ?? [], (n) => n.quarters));
  const current = actionFields.value.filter((f) => f.era === "CURRENT" && (fieldCounts.value.get(f.key) ?? 0) > 0);
  const inBerlin = scope.value?.kind === "berlin";
  const filtered = hiddenTypes.value.size + hiddenFields.value.size + hiddenQuarters.value.size > 0;
  return (
    <section class="section" aria-labelledby="filters-heading">
      <div class="section-head">
        <h2 id="filters-heading">{m.filtersHeading}</h2>
        {filtered && <button type="button" class="link" onClick={resetFilters}>{m.filterReset}</button>}
      </div>
      <fieldset>
        <legend>{m.filterTypes}</legend>
        {ACTOR_TYPES.map((type) => (
          <label key={type} class="check">
            <input type="checkbox" checked={!hiddenTypes.value.has(type)} onChange={() => toggle(hiddenTypes, type)} />
            <Swatch type={type} />
            <span>{m.actorTypes[type]}</span>
            <span class="count">{typeCounts.value.get(type) ?? 0}</span>
          </label>
        ))}
      </fieldset>
      {current.length > 0 && (
        <fieldset>
          <legend>{m.filterActionFields}</legend>
          {current.map((f) => (
            <label key={f.key} class="check">
              <input type="checkbox" checked={!hiddenFields.value.has(f.key)} onChange={() => toggle(hiddenFields, f.key)} />
              <span>{lang.value === "de" ? f.name : f.nameEn}</span>
              <span class="count">{fieldCounts.value.get(f.key) ?? 0}</span>
            </label>
          ))}
        </fieldset>
      )}
      {inBerlin && net && (
        <fieldset>
          <legend>{m.filterQuarters}</legend>
          <div class="scroll-list">
            {quarters.value.filter((q) => (quarterCounts.value.get(q.slug) ?? 0) > 0).map((q) => (
              <label key={q.slug} class="check">
                <input type="checkbox" checked={!hiddenQuarters.value.has(q.slug)} onChange={() => toggle(hiddenQuarters, q.slug)} />
                <span>{q.name}</span>
                <span class="count">{quarterCounts.value.get(q.slug) ?? 0}</span>
              </label>
            ))}
          </div>
        </fieldset>
      )}
      <fieldset>
        <legend>{m.stichtag}</legend>
        <div class="inline">
          <input id="as-of" type="date" aria-label={m.stichtag} aria-describedby="as-of-help" value={asOf.value ?? ""}
            onChange={(e) => (asOf.value = (e.currentTarget as HTMLInputElement).value || null)} />
          {asOf.value && <button type="button" class="link" onClick={() => (asOf.value = null)}>{m.stichtagAll}</button>}
        </div>
        <p id="as-of-help" class="help">{asOf.value ? `${m.stichtagHelp} (${formatDate(asOf.value)})` : m.stichtagHelp}</p>
      </fieldset>
      {!asOf.value && (
        <fieldset>
          <legend>{m.endedCooperations}</legend>
          <label class="check"><input type="radio" name="ended" checked={endedMode.value === "grey"} onChange={() => (endedMode.value = "grey")} />{m.endedGrey}</label>
          <label class="check"><input type="radio" name="ended" checked={endedMode.value === "hide"} onChange={() => (endedMode.value = "hide")} />{m.endedHide}</label>
        </fieldset>
      )}
    </section>
  );
}

function Display() {
  const m = t();
  const v = viewer.value;
  const analyse = mayAnalyse(v);
  const isEgo = scope.value?.kind === "ego";
  const quarter = scope.value?.kind === "quarter";
  return (
    <section class="section" aria-labelledby="display-heading">
      <h2 id="display-heading">{m.displayHeading}</h2>
      <fieldset>
        <legend>{m.sizeBy}</legend>
        <label class="check"><input type="radio" name="size" checked={sizeBy.value === "degree"} onChange={() => (sizeBy.value = "degree")} />{m.sizeDegree}</label>
        <label class="check">
          <input type="radio" name="size" disabled={!analyse || isEgo} aria-describedby={!analyse ? "needs-research" : undefined}
            checked={sizeBy.value === "betweenness"} onChange={() => (sizeBy.value = "betweenness")} />
          {m.sizeBetweenness}
        </label>
      </fieldset>
      <label class="check">
        <input type="checkbox" disabled={!analyse || isEgo} checked={showCommunities.value} aria-describedby={!analyse ? "needs-research" : undefined}
          onChange={(e) => (showCommunities.value = (e.currentTarget as HTMLInputElement).checked)} />
        {m.showCommunities}
      </label>
      <label class="check">
        <input type="checkbox" disabled={!analyse || isEgo} checked={showBrokers.value} aria-describedby={!analyse ? "needs-research" : undefined}
          onChange={(e) => (showBrokers.value = (e.currentTarget as HTMLInputElement).checked)} />
        {m.showBrokers}
      </label>
      {!analyse && <p id="needs-research" class="help note">{m.needsResearch}</p>}
      {metricsState.value === "loading" && <Spinner label={m.metricsLoading} />}
      <label class="check">
        <input type="checkbox" disabled={!maySuggest(v) || !quarter} checked={showMissingLinks.value}
          aria-describedby={!maySuggest(v) || !quarter ? "missing-note" : undefined} onChange={(e) => (showMissingLinks.value = (e.currentTarget as HTMLInputElement).checked)} />
        {m.showMissingLinks}
      </label>
      {(!maySuggest(v) || !quarter) && <p id="missing-note" class="help note">{!maySuggest(v) ? m.needsSuggestions : m.needsQuarter}</p>}
      {missingState.value === "loading" && <Spinner label={m.loading} />}
      {missingLinks.value && <MissingLinkList />}
    </section>
  );
}

/** The dashed lines in words: which pairs, and why (for everyone who does not see the picture). */
function MissingLinkList() {
  const m = t();
  const links = missingLinks.value ?? [];
  return (
    <div class="missing">
      <h3 id="missing-heading">{m.missingLinksHeading}</h3>
      <p class="help">{m.missingLinksHelp}</p>
      {links.length === 0 && <p class="help">{m.missingLinksNone}</p>}
      <ol aria-labelledby="missing-heading">
        {links.map((l) => (
          <li key={l.actors.map((a) => a.id).join()}>
            <span class="pair">
              <button type="button" class="link" onClick={() => (selected.value = l.actors[0].id)}>{l.actors[0].name}</button>
              {" – "}
              <button type="button" class="link" onClick={() => (selected.value = l.actors[1].id)}>{l.actors[1].name}</button>
            </span>
            <ul class="reasons">{l.reasons.map((r) => <li key={r}>{r}</li>)}</ul>
          </li>
        ))}
      </ol>
    </div>
  );
}

function countBy<T>(items: T[], keys: (item: T) => string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items) for (const k of keys(item)) out.set(k, (out.get(k) ?? 0) + 1);
  return out;
}
