// The top bar: name, the view switch (map or list), downloads, language, and sign-in.
import { useSignal } from "@preact/signals";
import { useRef } from "preact/hooks";
import { ApiError } from "../api";
import { download, FORMATS, type Format } from "../exports";
import { lang, setLang, t } from "../i18n";
import { feed, manualRefresh } from "../live";
import { mayExport } from "../permissions";
import { announce, asOf, quarters, refresh, scope, signIn, signOut, view, viewer } from "../state";
import { currentMap } from "./MapView";

export function Header() {
  const m = t();
  return (
    <header class="topbar">
      <div class="brand">
        <svg class="brand-mark" viewBox="0 0 32 32" aria-hidden="true">
          <g stroke="#9fc3e6" stroke-width="2"><line x1="9" y1="10" x2="22" y2="9" /><line x1="9" y1="10" x2="13" y2="23" /><line x1="22" y1="9" x2="13" y2="23" /><line x1="22" y1="9" x2="24" y2="21" /></g>
          <circle cx="9" cy="10" r="4" fill="#f0a22e" /><circle cx="22" cy="9" r="3.5" fill="#4aa3df" /><circle cx="13" cy="23" r="3.5" fill="#3fbf8f" /><circle cx="24" cy="21" r="2.5" fill="#d98cbf" />
        </svg>
        <div>
          <h1>{m.appTitle}</h1>
          <p class="subtitle">{m.appSubtitle}</p>
        </div>
      </div>
      <nav class="toolbar" aria-label={m.viewSwitch}>
        <div class="segmented" role="group" aria-label={m.viewSwitch}>
          <button type="button" aria-pressed={view.value === "map"} onClick={() => (view.value = "map")}>{m.viewMap}</button>
          <button type="button" aria-pressed={view.value === "list"} onClick={() => (view.value = "list")}>{m.viewList}</button>
        </div>
        {feed !== manualRefresh && scope.value && (
          <span class="live-status" role="status" data-testid="live-status">
            {feed.mode === "live" ? m.liveOn : m.liveReconnecting}
          </span>
        )}
        {/* The fallback while the live feed is not connected (or the browser has none). */}
        {feed.mode === "manual" && scope.value && (
          <button type="button" class="ghost" title={m.liveOffHelp} onClick={() => { refresh(); announce(m.refreshed); }}>
            <span aria-hidden="true">⟳ </span>{m.liveOff}
          </button>
        )}
        <ExportMenu />
        <button type="button" class="ghost" lang={lang.value === "de" ? "en" : "de"} aria-label={m.switchLanguageLabel}
          onClick={() => setLang(lang.value === "de" ? "en" : "de")}>
          {m.switchLanguage}
        </button>
        <Account />
      </nav>
    </header>
  );
}

function Account() {
  const m = t();
  const dialog = useRef<HTMLDialogElement>(null);
  const v = viewer.value;
  if (v.role !== "public") {
    const names = v.quarters.map((s) => quarters.value.find((q) => q.slug === s)?.name ?? s).join(", ");
    return (
      <div class="account">
        <span class="role-chip">{m.signedInAs(m.roleNames[v.role] ?? v.role, names)}</span>
        <button type="button" class="ghost" onClick={() => { signOut(); announce(m.signOut); }}>{m.signOut}</button>
      </div>
    );
  }
  return (
    <>
      <button type="button" class="primary" onClick={() => dialog.current?.showModal()}>{m.signIn}</button>
      <SignInDialog dialog={dialog} />
    </>
  );
}

function SignInDialog({ dialog }: { dialog: { current: HTMLDialogElement | null } }) {
  const m = t();
  const error = useSignal("");
  const busy = useSignal(false);
  async function submit(event: Event) {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem("token") as HTMLInputElement;
    busy.value = true;
    error.value = "";
    try {
      const who = await signIn(input.value.trim());
      dialog.current?.close();
      const names = who.quarters.map((slug) => quarters.value.find((q) => q.slug === slug)?.name ?? slug);
      announce(m.signedInAs(m.roleNames[who.role] ?? who.role, names.join(", ")));
    } catch (e) {
      const code = e instanceof ApiError ? e.code : "NETWORK";
      error.value = code === "UNAUTHENTICATED" ? m.tokenRejected : m.errors[code] ?? m.errorFallback;
    } finally {
      busy.value = false;
    }
  }
  return (
    <dialog ref={dialog} class="dialog" aria-labelledby="signin-title">
      <form method="dialog" onSubmit={submit}>
        <h2 id="signin-title">{m.signInTitle}</h2>
        <p class="help">{m.signInHelp}</p>
        <label for="token-input">{m.tokenLabel}</label>
        <input id="token-input" name="token" type="password" autocomplete="off" required placeholder={m.tokenPlaceholder}
          aria-invalid={error.value ? "true" : undefined} aria-describedby={error.value ? "token-error" : undefined} />
        {error.value && <p id="token-error" class="field-error" role="alert"><strong>{error.value}</strong></p>}
        <div class="actions">
          <button type="button" class="ghost" onClick={() => dialog.current?.close()}>{m.cancel}</button>
          <button type="submit" class="primary" disabled={busy.value}>{m.signIn}</button>
        </div>
      </form>
    </dialog>
  );
}

function ExportMenu() {
  const m = t();
  const s = scope.value;
  const label: Record<string, string> = {
    png: m.downloadPng, svg: m.downloadSvg, xlsx: m.downloadXlsx, gexf: m.downloadGexf, graphml: m.downloadGraphml, csv: m.downloadCsv,
  };
  if (!s) return null;
  const allowed = (f: Format) => f.source === "picture" || mayExport(viewer.value);
  async function run(f: Format, event: Event) {
    (event.currentTarget as HTMLElement).closest("details")?.removeAttribute("open");
    try {
      const title = document.querySelector(".scope-title")?.textContent ?? "kiezgraph";
      await download(f, currentMap.value, s!, asOf.value, title);
    } catch (e) {
      announce(`${m.downloadFailed} ${e instanceof ApiError ? m.errors[e.code] ?? "" : ""}`);
    }
  }
  return (
    <details class="menu">
      <summary class="ghost-button">{m.download}</summary>
      <div class="menu-body" role="group" aria-label={m.downloadHeading}>
        {FORMATS.filter(allowed).map((f) => (
          <button type="button" key={f.key} onClick={(e) => run(f, e)} disabled={f.source === "picture" && view.value !== "map"}>
            {label[f.key]}
          </button>
        ))}
        {mayExport(viewer.value) ? <p class="help">{m.downloadEgoNote}</p> : <p class="help">{m.downloadNeedsToken}</p>}
      </div>
    </details>
  );
}
