// Editing in place (managers and admins): a new actor, a correction, a new cooperation, ending one.
// Each form sends one mutation; a refusal comes back as typed errors with a path into the input and is
// shown in plain words beside that field. A refused mutation changed nothing, so the form stays filled.
import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { ApiError, mutationKey } from "../api";
import { lang, t } from "../i18n";
import { writableQuarters } from "../permissions";
import * as api from "../queries";
import { actionFields, announce, openScope, quarters, refresh, selected, today, viewer } from "../state";
import { ACTOR_TYPES, COOPERATION_KINDS, type UserError } from "../types";
import { byField, ErrorText, Swatch } from "./ui";

/** Runs a mutation; a request error (no token, rate limit, database away) becomes a form-level refusal. */
async function send<T>(call: () => Promise<api.Payload<T>>): Promise<api.Payload<T>> {
  try {
    return await call();
  } catch (e) {
    const code = e instanceof ApiError ? e.code : "NETWORK";
    return { value: null, errors: [{ __typename: "RequestError", code, message: (e as Error).message, path: null }] };
  }
}

function FieldErrors({ errors, field }: { errors: Record<string, UserError[]>; field: string }) {
  return <ErrorText errors={errors[field]} id={`${field}-error`} />;
}

const invalid = (errors: Record<string, UserError[]>, field: string) =>
  errors[field] ? { "aria-invalid": "true" as const, "aria-describedby": `${field}-error` } : {};

function ActionFieldChecks({ selectedKeys, name }: { selectedKeys: string[]; name: string }) {
  const m = t();
  return (
    <fieldset class="field">
      <legend>{m.actionFields}</legend>
      <div class="check-grid">
        {actionFields.value.filter((f) => f.era === "CURRENT").map((f) => (
          <label key={f.key} class="check">
            <input type="checkbox" name={name} value={f.key} defaultChecked={selectedKeys.includes(f.key)} />
            {lang.value === "de" ? f.name : f.nameEn}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

const checked = (form: HTMLFormElement, name: string) =>
  Array.from(form.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)).map((i) => i.value);
const value = (form: HTMLFormElement, name: string) =>
  ((form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement | null)?.value ?? "").trim();

export function NewActorDialog({ dialog }: { dialog: { current: HTMLDialogElement | null } }) {
  const m = t();
  const errors = useSignal<Record<string, UserError[]>>({});
  const busy = useSignal(false);
  const allowDuplicate = useSignal(false);
  const options = writableQuarters(viewer.value, quarters.value);
  async function submit(event: Event) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    busy.value = true;
    const name = value(form, "name");
    const quarter = value(form, "quarter");
    const answer = await send(() => api.createActor({
      clientMutationId: mutationKey(),
      name,
      type: value(form, "type"),
      description: value(form, "description") || null,
      website: value(form, "website") || null,
      actionFields: checked(form, "fields"),
      quarters: [{ quarter, since: value(form, "since") || null }],
      allowDuplicateName: allowDuplicate.value,
    }));
    busy.value = false;
    errors.value = byField(answer.errors);
    if (answer.value) {
      form.reset();
      allowDuplicate.value = false;
      dialog.current?.close();
      announce(m.created(answer.value.name));
      refresh();
      openScope({ kind: "quarter", slug: quarter });
      selected.value = answer.value.id;
    }
  }
  const e = errors.value;
  return (
    <dialog ref={dialog} class="dialog wide" aria-labelledby="new-actor-title" onClose={() => (errors.value = {})}>
      <form onSubmit={submit} noValidate>
        <h2 id="new-actor-title">{m.newActorTitle}</h2>
        <FieldErrors errors={e} field="_form" />
        <div class="field">
          <label for="new-name">{m.nameLabel} <span class="muted">({m.required})</span></label>
          <input id="new-name" name="name" required {...invalid(e, "name")} />
          <FieldErrors errors={e} field="name" />
          {e.name?.some((x) => x.code === "DUPLICATE_ACTOR") && (
            <label class="check"><input type="checkbox" checked={allowDuplicate.value}
              onChange={(ev) => (allowDuplicate.value = (ev.currentTarget as HTMLInputElement).checked)} />{m.allowDuplicate}</label>
          )}
        </div>
        <div class="row">
          <div class="field">
            <label for="new-type">{m.typeLabel}</label>
            <select id="new-type" name="type" {...invalid(e, "type")}>
              {ACTOR_TYPES.map((type) => <option key={type} value={type}>{m.actorTypes[type]}</option>)}
            </select>
          </div>
          <div class="field">
            <label for="new-quarter">{m.quarterLabel}</label>
            <select id="new-quarter" name="quarter" {...invalid(e, "quarters")}>
              {options.map((q) => <option key={q.slug} value={q.slug}>{q.name}</option>)}
            </select>
            <FieldErrors errors={e} field="quarters" />
          </div>
          <div class="field">
            <label for="new-since">{m.quarterSince}</label>
            <input id="new-since" name="since" type="date" defaultValue={today()} />
          </div>
        </div>
        <ActionFieldChecks selectedKeys={[]} name="fields" />
        <FieldErrors errors={e} field="actionFields" />
        <div class="field">
          <label for="new-description">{m.description}</label>
          <textarea id="new-description" name="description" rows={2} />
        </div>
        <div class="field">
          <label for="new-website">{m.website}</label>
          <input id="new-website" name="website" type="url" placeholder="https://" {...invalid(e, "website")} />
          <FieldErrors errors={e} field="website" />
        </div>
        <div class="actions">
          <button type="button" class="ghost" onClick={() => dialog.current?.close()}>{m.cancel}</button>
          <button type="submit" class="primary" disabled={busy.value}>{busy.value ? m.saving : m.save}</button>
        </div>
      </form>
    </dialog>
  );
}

export function ActorEditForm({ actor, onDone }: { actor: api.ActorDetail; onDone: () => void }) {
  const m = t();
  const errors = useSignal<Record<string, UserError[]>>({});
  const busy = useSignal(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  async function submit(event: Event) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    busy.value = true;
    // Only what changed is sent; the version read guards against overwriting someone else's change.
    const input: Record<string, unknown> = { id: actor.id, version: actor.version, clientMutationId: mutationKey() };
    const name = value(form, "name");
    if (name !== actor.name) input.name = name;
    const description = value(form, "description");
    if (description !== (actor.description ?? "")) input.description = description || null;
    const website = value(form, "website");
    if (website !== (actor.website ?? "")) input.website = website || null;
    const fields = checked(form, "fields");
    const before = actor.actionFields.map((f) => f.key);
    if (fields.sort().join() !== [...before].sort().join()) input.actionFields = fields;
    const answer = await send(() => api.updateActor(input));
    busy.value = false;
    errors.value = byField(answer.errors);
    if (answer.value) {
      announce(m.saved);
      refresh();
      onDone();
    }
  }
  const e = errors.value;
  return (
    <form class="inline-form" onSubmit={submit} noValidate aria-label={m.edit}>
      <FieldErrors errors={e} field="_form" />
      <FieldErrors errors={e} field="version" />
      <div class="field">
        <label for="edit-name">{m.nameLabel}</label>
        <input id="edit-name" ref={first} name="name" defaultValue={actor.name} {...invalid(e, "name")} />
        <FieldErrors errors={e} field="name" />
      </div>
      <div class="field">
        <label for="edit-description">{m.description}</label>
        <textarea id="edit-description" name="description" rows={3} defaultValue={actor.description ?? ""} />
      </div>
      <div class="field">
        <label for="edit-website">{m.website}</label>
        <input id="edit-website" name="website" type="url" defaultValue={actor.website ?? ""} {...invalid(e, "website")} />
        <FieldErrors errors={e} field="website" />
      </div>
      <ActionFieldChecks selectedKeys={actor.actionFields.map((f) => f.key)} name="fields" />
      <FieldErrors errors={e} field="actionFields" />
      <div class="actions">
        <button type="button" class="ghost" onClick={onDone}>{m.cancel}</button>
        <button type="submit" class="primary" disabled={busy.value}>{busy.value ? m.saving : m.save}</button>
      </div>
    </form>
  );
}

export function CooperationForm({ actor, onDone }: { actor: api.ActorDetail; onDone: () => void }) {
  const m = t();
  const errors = useSignal<Record<string, UserError[]>>({});
  const busy = useSignal(false);
  const partner = useSignal<api.SearchHit | null>(null);
  const text = useSignal("");
  const hits = useSignal<api.SearchHit[]>([]);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  useEffect(() => {
    const query = text.value.trim();
    if (query.length < 2 || partner.value) {
      hits.value = [];
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => {
      api.searchActors(query, 6, controller.signal).then((f) => (hits.value = f.nodes.filter((n) => n.id !== actor.id)), () => undefined);
    }, 200);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [text.value, partner.value]);
  async function submit(event: Event) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    if (!partner.value) {
      errors.value = { actorIds: [{ __typename: "Local", code: "VALIDATION", message: m.partnerMissing, path: ["input", "actorIds"] }] };
      input.current?.focus();
      return;
    }
    busy.value = true;
    const intensity = value(form, "intensity");
    const answer = await send(() => api.addCooperation({
      clientMutationId: mutationKey(),
      actorIds: [actor.id, partner.value!.id],
      kind: value(form, "kind"),
      since: value(form, "since") || null,
      intensity: intensity ? Number(intensity) : null,
      actionFields: checked(form, "coop-fields"),
      source: value(form, "source") || null,
    }));
    busy.value = false;
    errors.value = byField(answer.errors);
    if (answer.value) {
      announce(m.cooperationAdded);
      refresh();
      onDone();
    }
  }
  const e = errors.value;
  return (
    <form class="inline-form boxed" onSubmit={submit} noValidate aria-labelledby="coop-title">
      <h3 id="coop-title">{m.addCooperationTitle(actor.name)}</h3>
      <FieldErrors errors={e} field="_form" />
      <div class="field">
        <label for="coop-partner">{m.partner}</label>
        {partner.value ? (
          <div class="picked">
            <Swatch type={partner.value.type} /> {partner.value.name}
            <button type="button" class="link small" onClick={() => { partner.value = null; text.value = ""; }}>{m.change}</button>
          </div>
        ) : (
          <>
            <input id="coop-partner" ref={input} type="search" autocomplete="off" placeholder={m.partnerSearch}
              value={text.value} onInput={(ev) => (text.value = (ev.currentTarget as HTMLInputElement).value)} {...invalid(e, "actorIds")} />
            {hits.value.length > 0 && (
              <ul class="picker" aria-label={m.partnerSearch}>
                {hits.value.map((h) => (
                  <li key={h.id}>
                    <button type="button" onClick={() => { partner.value = h; hits.value = []; }}>
                      <Swatch type={h.type} /> {h.name}
                      <span class="hit-meta">{h.quarters.filter((q) => !q.until).map((q) => q.quarter.name).join(", ")}</span>
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
        <FieldErrors errors={e} field="actorIds" />
      </div>
      <div class="row">
        <div class="field">
          <label for="coop-kind">{m.kind}</label>
          <select id="coop-kind" name="kind" {...invalid(e, "kind")}>
            {COOPERATION_KINDS.map((k) => <option key={k} value={k}>{m.cooperationKinds[k]}</option>)}
          </select>
          <FieldErrors errors={e} field="kind" />
        </div>
        <div class="field">
          <label for="coop-since">{m.sinceLabel}</label>
          <input id="coop-since" name="since" type="date" defaultValue={today()} {...invalid(e, "since")} />
          <FieldErrors errors={e} field="since" />
        </div>
        <div class="field">
          <label for="coop-intensity">{m.intensityLabel}</label>
          <select id="coop-intensity" name="intensity">
            <option value="">{m.intensityUnknown}</option>
            {[1, 2, 3].map((i) => <option key={i} value={i}>{m.intensity[i]}</option>)}
          </select>
        </div>
      </div>
      <ActionFieldChecks selectedKeys={[]} name="coop-fields" />
      <FieldErrors errors={e} field="actionFields" />
      <div class="field">
        <label for="coop-source">{m.source}</label>
        <input id="coop-source" name="source" placeholder={m.sourceHint} />
      </div>
      <div class="actions">
        <button type="button" class="ghost" onClick={onDone}>{m.cancel}</button>
        <button type="submit" class="primary" disabled={busy.value}>{busy.value ? m.saving : m.save}</button>
      </div>
    </form>
  );
}

export function EndCooperationForm({ cooperation, partner, onDone }: { cooperation: api.CooperationDetail; partner: string; onDone: () => void }) {
  const m = t();
  const errors = useSignal<Record<string, UserError[]>>({});
  const busy = useSignal(false);
  async function submit(event: Event) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    busy.value = true;
    const answer = await send(() => api.endCooperation({
      clientMutationId: mutationKey(), id: cooperation.id, version: cooperation.version, until: value(form, "until"),
    }));
    busy.value = false;
    errors.value = byField(answer.errors);
    if (answer.value) {
      announce(m.cooperationEnded);
      refresh();
      onDone();
    }
  }
  const e = errors.value;
  const id = `end-${cooperation.id.slice(-8)}`;
  return (
    <form class="inline-form end-form" onSubmit={submit} aria-label={`${m.endCooperationTitle}: ${partner}`}>
      <FieldErrors errors={e} field="_form" />
      <label for={id}>{m.endCooperationOn}</label>
      <input id={id} name="until" type="date" required defaultValue={today()} {...invalid(e, "until")} />
      <button type="submit" class="primary small" disabled={busy.value}>{m.endCooperation}</button>
      <button type="button" class="ghost small" onClick={onDone}>{m.cancel}</button>
      <FieldErrors errors={e} field="until" />
      <FieldErrors errors={e} field="version" />
    </form>
  );
}
