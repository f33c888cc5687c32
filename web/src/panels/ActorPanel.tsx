// The side panel of one actor: details, quarters, action fields, partners with their cooperations,
// its surroundings on the map (1–3 steps), partner suggestions with reasons, and — for managers and
// admins — editing in place.
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { ApiError } from "../api";
import { formatDate, formatNumber, lang, t } from "../i18n";
import { mayEditActor, maySuggest, mayWrite } from "../permissions";
import * as api from "../queries";
import { announce, embedded, openScope, revision, scope, selected, today, viewer } from "../state";
import { currentMap } from "./MapView";
import { ActorEditForm, CooperationForm, EndCooperationForm } from "./Forms";
import { DemoBadge, Section, Spinner, TypeBadge } from "./ui";

export function ActorPanel({ id }: { id: string }) {
  const m = t();
  const actor = useSignal<api.ActorDetail | null>(null);
  const failed = useSignal("");
  const mode = useSignal<"view" | "edit" | "cooperate">("view");
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    const controller = new AbortController();
    failed.value = "";
    api.actor(id, controller.signal).then(
      (a) => {
        actor.value = a;
        if (!a) failed.value = "NOT_FOUND";
      },
      (e) => {
        if (!controller.signal.aborted) failed.value = e instanceof ApiError ? e.code : "NETWORK";
      },
    );
    return () => controller.abort();
  }, [id, revision.value]);
  useEffect(() => {
    mode.value = "view";
    actor.value = null;
  }, [id]);
  useEffect(() => {
    if (actor.value?.id === id) heading.current?.focus();
  }, [actor.value?.id]);

  const close = () => (selected.value = null);
  const a = actor.value;
  return (
    <aside class="panel" aria-labelledby="actor-heading" onKeyDown={(e) => e.key === "Escape" && close()} data-testid="actor-panel">
      <div class="panel-head">
        <p class="eyebrow">{m.actorPanel}</p>
        <button type="button" class="icon close" aria-label={m.close} title={m.close} onClick={close}>×</button>
      </div>
      {!a && !failed.value && <Spinner label={m.loading} />}
      {failed.value && <p class="field-error" role="alert">{m.errors[failed.value] ?? m.errorFallback}</p>}
      {a && (
        <>
          <h2 id="actor-heading" tabIndex={-1} ref={heading}>{a.name}</h2>
          <div class="badges">
            <TypeBadge type={a.type} />
            {a.synthetic && <DemoBadge />}
            {a.archived && <span class="tag">{m.archived}</span>}
          </div>
          {mode.value === "edit" ? (
            <ActorEditForm actor={a} onDone={() => (mode.value = "view")} />
          ) : (
            <Details actor={a} onEdit={() => (mode.value = "edit")} />
          )}
          {!embedded && <Surroundings actor={a} />}
          <Partners actor={a} />
          {!embedded && mayWrite(viewer.value) && (
            mode.value === "cooperate"
              ? <CooperationForm actor={a} onDone={() => (mode.value = "view")} />
              : <button type="button" class="primary wide" onClick={() => (mode.value = "cooperate")}>+ {m.addCooperation}</button>
          )}
          {!embedded && <Suggestions actor={a} />}
        </>
      )}
    </aside>
  );
}

function Details({ actor: a, onEdit }: { actor: api.ActorDetail; onEdit: () => void }) {
  const m = t();
  const editable = !embedded && mayEditActor(viewer.value, a.quarters);
  const address = a.address && [a.address.street, [a.address.postalCode, a.address.city].filter(Boolean).join(" ")].filter(Boolean).join(", ");
  return (
    <Section title={m.details} id="details-heading">
      {editable && <button type="button" class="ghost small corner" onClick={onEdit}>{m.edit}</button>}
      {!editable && mayWrite(viewer.value) && !embedded && <p class="help note">{m.editNotAllowed}</p>}
      {a.description && <p class="description">{a.description}</p>}
      <dl class="facts">
        <dt>{m.quartersOfActor}</dt>
        <dd>
          <ul class="plain">
            {a.quarters.map((q) => (
              <li key={q.quarter.slug + (q.since ?? "")} class={q.until && q.until < today() ? "past" : ""}>
                {q.quarter.name} <span class="muted">· {m.membershipRoles[q.role] ?? q.role} · {m.sinceUntil(formatDate(q.since), formatDate(q.until))}</span>
              </li>
            ))}
          </ul>
        </dd>
        {a.actionFields.length > 0 && (
          <>
            <dt>{m.actionFields}</dt>
            <dd class="chips">{a.actionFields.map((f) => <span key={f.key} class="chip">{lang.value === "de" ? f.name : f.nameEn}</span>)}</dd>
          </>
        )}
        {a.website && (
          <>
            <dt>{m.website}</dt>
            <dd><a href={a.website} target="_blank" rel="noopener noreferrer">{a.website.replace(/^https?:\/\//, "")}</a></dd>
          </>
        )}
        {address && (<><dt>{m.address}</dt><dd>{address}</dd></>)}
        {a.alternativeNames.length > 0 && (<><dt>{m.alternativeNames}</dt><dd>{a.alternativeNames.join(", ")}</dd></>)}
      </dl>
    </Section>
  );
}

function Surroundings({ actor: a }: { actor: api.ActorDetail }) {
  const m = t();
  const s = scope.value;
  const depth = s?.kind === "ego" && s.actorId === a.id ? s.depth : 0;
  const back = s?.kind === "ego" ? s.back : s ?? { kind: "berlin" as const };
  return (
    <Section title={m.egoNetwork} id="ego-heading">
      <div class="inline">
        <button type="button" class="ghost small" onClick={() => currentMap.value?.focus(a.id)}>{m.showOnMap}</button>
        <div class="segmented small" role="group" aria-label={m.egoNetwork}>
          {[1, 2, 3].map((d) => (
            <button key={d} type="button" aria-pressed={depth === d}
              onClick={() => openScope({ kind: "ego", actorId: a.id, name: a.name, depth: d, back })}>
              {m.egoSteps(d)}
            </button>
          ))}
        </div>
      </div>
      <p class="help">{m.egoHelp}</p>
    </Section>
  );
}

function Partners({ actor: a }: { actor: api.ActorDetail }) {
  const m = t();
  const ending = useSignal<string | null>(null);
  const writer = !embedded && mayWrite(viewer.value);
  const edges = [...a.partners.edges].sort((x, y) => x.node.name.localeCompare(y.node.name, "de"));
  return (
    <Section title={`${m.partners} (${a.partners.totalCount})`} id="partners-heading">
      {edges.length === 0 && <p class="help">{m.noPartners}</p>}
      <ul class="partners">
        {edges.map((edge) => (
          <li key={edge.node.id}>
            <button type="button" class="link partner-name" onClick={() => (selected.value = edge.node.id)}>
              {edge.node.name}
            </button>
            <ul class="cooperations">
              {edge.cooperations.map((c) => {
                const ended = c.until !== null && c.until < today();
                return (
                  <li key={c.id} class={ended ? "ended" : ""}>
                    <span class="kind">{m.cooperationKinds[c.kind] ?? c.kind}</span>
                    <span class="when">{m.sinceUntil(formatDate(c.since), formatDate(c.until))}</span>
                    {c.intensity && <span class="muted">· {m.intensity[c.intensity]}</span>}
                    {ended && <span class="tag">{m.ended}</span>}
                    {writer && !ended && ending.value !== c.id && (
                      <button type="button" class="link small" onClick={() => (ending.value = c.id)}>{m.endCooperation}</button>
                    )}
                    {ending.value === c.id && (
                      <EndCooperationForm cooperation={c} partner={edge.node.name} onDone={() => (ending.value = null)} />
                    )}
                  </li>
                );
              })}
            </ul>
          </li>
        ))}
      </ul>
    </Section>
  );
}

function Suggestions({ actor: a }: { actor: api.ActorDetail }) {
  const m = t();
  const found = useSignal<api.Suggestion[] | null>(null);
  const busy = useSignal(false);
  const error = useSignal("");
  useEffect(() => {
    found.value = null;
    error.value = "";
  }, [a.id]);
  if (!maySuggest(viewer.value)) {
    return (
      <Section title={m.suggestions} id="suggestions-heading">
        <p class="help note">{m.needsSuggestions}</p>
      </Section>
    );
  }
  async function ask() {
    busy.value = true;
    error.value = "";
    try {
      found.value = await api.suggestPartners(a.id, 5);
      announce(`${m.suggestions}: ${found.value.length}`);
    } catch (e) {
      error.value = e instanceof ApiError ? e.code : "NETWORK";
    } finally {
      busy.value = false;
    }
  }
  return (
    <Section title={m.suggestions} id="suggestions-heading">
      <p class="help">{m.suggestionsHelp}</p>
      {found.value === null && (
        <button type="button" class="secondary" onClick={ask} disabled={busy.value}>{m.suggestionsAsk}</button>
      )}
      {busy.value && <Spinner label={m.loading} />}
      {error.value && <p class="field-error" role="alert">{m.errors[error.value] ?? m.errorFallback}</p>}
      {found.value?.length === 0 && <p class="help">{m.suggestionsNone}</p>}
      {found.value && found.value.length > 0 && (
        <ol class="suggestions" data-testid="suggestions">
          {found.value.map((s) => (
            <li key={s.actor.id}>
              <div class="suggestion-head">
                <button type="button" class="link partner-name" onClick={() => (selected.value = s.actor.id)}>{s.actor.name}</button>
                <span class="score" title={m.score}>
                  <span class="score-bar" aria-hidden="true"><span style={{ width: `${Math.round(s.score * 100)}%` }} /></span>
                  {formatNumber(s.score * 100)} %
                </span>
              </div>
              <ul class="reasons">
                {s.reasons.map((r) => (
                  <li key={r.kind}>
                    <strong>{m.reasonKinds[r.kind] ?? r.kind}</strong>: <span>{r.text}</span>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ol>
      )}
    </Section>
  );
}
