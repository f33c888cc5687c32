// Small building blocks shared by the panels: badges, field errors, the type swatch.
import type { ComponentChildren } from "preact";
import { TYPE_COLOURS } from "../colours";
import { t } from "../i18n";
import type { ActorType, UserError } from "../types";

export function Swatch({ type }: { type: ActorType }) {
  return <span class="swatch" style={{ background: TYPE_COLOURS[type] }} aria-hidden="true" />;
}

export function TypeBadge({ type }: { type: ActorType }) {
  return (
    <span class="type-badge">
      <Swatch type={type} />
      {t().actorTypes[type]}
    </span>
  );
}

export function DemoBadge({ title }: { title?: string }) {
  return (
    <span class="demo-badge" title={title ?? t().demoDataHelp}>
      {t().demoData}
    </span>
  );
}

export function Spinner({ label }: { label: string }) {
  return (
    <span class="spinner" role="status">
      <span class="spinner-dot" aria-hidden="true" />
      {label}
    </span>
  );
}

/** Refusals grouped by the input field they name (`path` ["input", "name"] → "name"; none → "_form"). */
export function byField(errors: UserError[]): Record<string, UserError[]> {
  const out: Record<string, UserError[]> = {};
  for (const e of errors) {
    const field = e.path && e.path.length > 1 ? String(e.path[1]) : "_form";
    (out[field] ??= []).push(e);
  }
  return out;
}

/** A refusal in plain words (German by default), with the server's own words beneath. */
export function ErrorText({ errors, id }: { errors: UserError[] | undefined; id?: string }) {
  if (!errors?.length) return null;
  return (
    <div class="field-error" id={id} role="alert">
      {errors.map((e) => (
        <p key={e.code + e.message}>
          <strong>{t().errors[e.code] ?? t().errorFallback}</strong>
          {existingNames(e) && (
            <span>
              {" "}
              {t().duplicateExisting} {existingNames(e)}
            </span>
          )}
          <small class="server-says">
            {t().serverSays}: {e.message}
          </small>
        </p>
      ))}
    </div>
  );
}

function existingNames(e: UserError): string {
  return Array.isArray(e.existing) ? e.existing.map((a) => a.name).join(", ") : "";
}

export function Section({ title, children, id }: { title: string; children: ComponentChildren; id?: string }) {
  return (
    <section class="section" aria-labelledby={id}>
      <h3 id={id}>{title}</h3>
      {children}
    </section>
  );
}

/** Arrow keys move the focus through the buttons of a list (a roving focus, as in menus). */
export function arrowKeys(event: KeyboardEvent): void {
  if (!["ArrowDown", "ArrowUp", "Home", "End"].includes(event.key)) return;
  const list = (event.currentTarget as HTMLElement).querySelectorAll<HTMLElement>("[data-roving]");
  const items = Array.from(list);
  const index = items.indexOf(document.activeElement as HTMLElement);
  const next =
    event.key === "Home" ? 0
    : event.key === "End" ? items.length - 1
    : event.key === "ArrowDown" ? Math.min(items.length - 1, index + 1)
    : Math.max(0, index - 1);
  items[next]?.focus();
  event.preventDefault();
}
