// What each role may do, as the README's table of roles says; the page offers nothing else.
// (The server decides in the end: a refusal still comes back as a ForbiddenError and is shown.)
import type { Quarter, Role, Viewer } from "./types";

const ANALYSIS: Role[] = ["researcher", "admin"]; // actorMetrics, networkMetrics, /export/*
const SUGGESTIONS: Role[] = ["researcher", "manager", "admin"]; // suggestPartners, missingLinks
const WRITERS: Role[] = ["manager", "admin"];

export const mayAnalyse = (v: Viewer): boolean => ANALYSIS.includes(v.role);
export const mayExport = mayAnalyse;
export const maySuggest = (v: Viewer): boolean => SUGGESTIONS.includes(v.role);
export const mayWrite = (v: Viewer): boolean => WRITERS.includes(v.role);

/** Quarters a new actor may go into: an admin's are all active ones, a manager's their own active ones. */
export function writableQuarters(v: Viewer, quarters: Quarter[]): Quarter[] {
  const today = new Date().toISOString().slice(0, 10);
  const open = quarters.filter((q) => q.status === "ACTIVE" && (!q.endDate || q.endDate >= today));
  if (v.role === "admin") return open;
  if (v.role === "manager") return open.filter((q) => v.quarters.includes(q.slug));
  return [];
}

/** Whether this viewer may change an actor with these memberships (rules 1 and 2 of the README). */
export function mayEditActor(
  v: Viewer,
  memberships: { quarter: { slug: string; status: string }; until: string | null }[],
): boolean {
  if (v.role === "admin") return true;
  if (v.role !== "manager") return false;
  const today = new Date().toISOString().slice(0, 10);
  return memberships.some(
    (m) => v.quarters.includes(m.quarter.slug) && (!m.until || m.until >= today) && m.quarter.status === "ACTIVE",
  );
}
