// The current language (German unless the person switched; remembered in localStorage) and its texts.
import { computed, signal } from "@preact/signals";
import { de, type Messages } from "./de";
import { en } from "./en";

export type Lang = "de" | "en";
const CATALOGUES: Record<Lang, Messages> = { de, en };
const KEY = "kiezgraph.lang";

function initial(): Lang {
  const asked = new URLSearchParams(location.search).get("lang");
  if (asked === "de" || asked === "en") return asked;
  return localStorage.getItem(KEY) === "en" ? "en" : "de";
}

export const lang = signal<Lang>(initial());
export const messages = computed<Messages>(() => CATALOGUES[lang.value]);

/** The texts of the current language; read inside a component, it re-renders on a switch. */
export function t(): Messages {
  return messages.value;
}

export function setLang(next: Lang): void {
  lang.value = next;
  localStorage.setItem(KEY, next);
  document.documentElement.lang = next;
}

/** Dates as people read them here: 31.12.2022 in German, 31 Dec 2022 in English. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "";
  const [y, m, d] = iso.split("-").map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.toLocaleDateString(lang.value === "de" ? "de-DE" : "en-GB", {
    day: "numeric", month: lang.value === "de" ? "2-digit" : "short", year: "numeric", timeZone: "UTC",
  });
}

export function formatNumber(n: number, digits = 0): string {
  return n.toLocaleString(lang.value === "de" ? "de-DE" : "en-GB", { maximumFractionDigits: digits });
}
