// Colours of the map. Actor types use the Okabe–Ito palette (told apart with colour-vision
// deficiencies), darkened where needed for contrast on the light background.
import type { ActorType } from "./types";

export const TYPE_COLOURS: Record<ActorType, string> = {
  INSTITUTION: "#0b6fb0",
  INITIATIVE: "#e08a00",
  COMPANY: "#00936b",
  HOUSING_ASSOCIATION: "#b8568f",
};

// Communities: Tableau 10, a palette made for categories.
export const COMMUNITY_COLOURS = [
  "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
];

export const BACKGROUND = "#f6f7f9";
export const EDGE = "#8fa0b3";
export const EDGE_STRONG = "#2f3e4e";
export const EDGE_ENDED = "#c3cad3";
export const FADED = "#d9dde3";
export const MISSING = "#c2410c";

/** `a` moved towards `b` by `share` (0: a, 1: b); both as #rrggbb. */
export function mix(a: string, b: string, share: number): string {
  const pa = parseInt(a.slice(1), 16);
  const pb = parseInt(b.slice(1), 16);
  const channel = (shift: number) => {
    const x = (pa >> shift) & 255;
    const y = (pb >> shift) & 255;
    return Math.round(x + (y - x) * share);
  };
  return `#${((1 << 24) | (channel(16) << 16) | (channel(8) << 8) | channel(0)).toString(16).slice(1)}`;
}
