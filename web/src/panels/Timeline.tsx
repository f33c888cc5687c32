// The timeline under the map: bars of active cooperations per year, and a slider that shows the
// network as it stood at the end of a year (`asOf`); its rightmost step is "all times".
import { useSignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { t } from "../i18n";
import * as api from "../queries";
import { asOf, networkState, revision, scope, scopeFilter, today } from "../state";
import { layoutState } from "./MapView";

const STEP_MS = 1100;

export function Timeline() {
  const m = t();
  const years = useSignal<api.TimelineYear[]>([]);
  const playing = useSignal(false);
  const filterKey = JSON.stringify(scopeFilter());
  // Asked for once the network is there: the map comes first, the bars are extra.
  const networkReady = networkState.value === "ready";
  useEffect(() => {
    if (!networkReady) return;
    let current = true;
    api.timeline(scopeFilter()).then((y) => current && (years.value = y), () => undefined);
    return () => {
      current = false;
    };
  }, [filterKey, revision.value, networkReady && filterKey]);

  const thisYear = new Date().getFullYear();
  const first = years.value.length ? Math.min(years.value[0].year, thisYear) : thisYear - 10;
  const all = thisYear + 1; // the step after this year: no date, every cooperation ever recorded
  const value = asOf.value ? Number(asOf.value.slice(0, 4)) : all;
  const setYear = (year: number) => {
    asOf.value = year >= all ? null : year === thisYear ? today() : `${year}-12-31`;
  };

  // Playing moves on a year once the map has drawn the last one (and a moment has passed to see it).
  useEffect(() => {
    if (!playing.value) return;
    if (networkState.value !== "ready" || layoutState.value !== "settled") return;
    const timer = setTimeout(() => {
      if (value >= all) playing.value = false;
      else setYear(value + 1);
    }, STEP_MS);
    return () => clearTimeout(timer);
  }, [playing.value, value, networkState.value, layoutState.value]);

  if (!scope.value) return null;
  const peak = Math.max(1, ...years.value.map((y) => y.cooperationsActive));
  const label = value >= all ? m.timelineValue("") : m.timelineValue(value === thisYear ? m.timelineToday : String(value));
  return (
    <section class="timeline" aria-labelledby="timeline-heading">
      <h2 id="timeline-heading" class="sr-only">{m.timeline}</h2>
      <button type="button" class="play" aria-pressed={playing.value}
        onClick={() => {
          if (!playing.value && value >= all) setYear(first);
          playing.value = !playing.value;
        }}>
        <span aria-hidden="true">{playing.value ? "❚❚" : "▶"}</span>
        <span class="sr-only">{playing.value ? m.timelinePause : m.timelinePlay}</span>
      </button>
      <div class="timeline-track">
        <div class="bars" aria-hidden="true">
          {years.value.filter((y) => y.year >= first).map((y) => (
            <span key={y.year} class={`bar${y.year <= value ? " on" : ""}`} style={{ height: `${(100 * y.cooperationsActive) / peak}%` }}
              title={m.timelineActive(y.year, y.cooperationsActive)} />
          ))}
          <span class={`bar all${value >= all ? " on" : ""}`} style={{ height: "100%" }} />
        </div>
        <input type="range" min={first} max={all} step={1} value={value} aria-label={m.timeline} aria-valuetext={label}
          data-testid="timeline" onInput={(e) => setYear(Number((e.currentTarget as HTMLInputElement).value))} />
        <div class="ticks" aria-hidden="true">
          {ticks(first, all).map((year) => (
            <span key={year} style={{ left: `${(100 * (year - first)) / (all - first)}%` }}>
              {year === all ? m.timelineAll : year}
            </span>
          ))}
        </div>
      </div>
      <output class="timeline-value" aria-live="polite">{label}</output>
    </section>
  );
}

/** Tick years: the first, every decade between, this year and "all", without crowding. */
function ticks(first: number, all: number): number[] {
  const span = all - first;
  const decade = span > 25 ? 10 : 5;
  const out = [first];
  for (let y = Math.ceil((first + 3) / decade) * decade; y < all - 3; y += decade) out.push(y);
  out.push(all);
  return out;
}
