/** How the run's tables write figures: cells, ratios with their ranges, brackets, money, short system names. */
import type { Spread } from "../lib/stats";
import type { Bracket, Verdict } from "../run/ladder";
import { SYSTEMS, type SystemName } from "../systems/types";
import type { RatioRange } from "./results";

export const SHORT = Object.fromEntries(Object.entries(SYSTEMS).map(([name, info]) => [name, info.short])) as Record<SystemName, string>;

export function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

export function number(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  return value >= 1000 ? Math.round(value).toLocaleString("en-US") : value.toFixed(digits).replace(/\.0+$/, "");
}

export function withSpread(value: Spread, digits = 1): string {
  if (value.min === value.max) return number(value.median, digits);
  return `${number(value.median, digits)} (${number(value.min, digits)}–${number(value.max, digits)})`;
}

export function ratio(value: number | null): string {
  return value === null ? "–" : `${value.toFixed(2)}×`;
}

/** "0.93× (0.85–1.02)": the point ratio and the range the brackets or spreads allow. */
export function ratioWithRange(range: RatioRange): string {
  if (range.ratio === null) return "–";
  const low = range.low === null ? "0" : range.low.toFixed(2);
  const high = range.high === null ? "∞" : range.high.toFixed(2);
  return `${range.ratio.toFixed(2)}× (${low}–${high})`;
}

export const FAILED_BY: Record<Verdict, string> = {
  ok: "",
  "p99 over limit": "p99",
  drops: "drops",
  "invalid: load generator saturated": "load generator saturated",
  "server exited": "server exited",
};

export function bracketText(bracket: Bracket): string {
  if (bracket.pass === null && bracket.fail === null) return "–";
  const pass = bracket.pass === null ? "none" : number(bracket.pass);
  if (bracket.fail === null) return `≥ ${pass} (top passed)`;
  return `[${pass}, ${number(bracket.fail)}) (${FAILED_BY[bracket.failedBy ?? "ok"] || "failed"})`;
}

export function money(dollars: number): string {
  return dollars >= 100 ? `$${Math.round(dollars).toLocaleString("en-US")}` : `$${dollars.toFixed(2)}`;
}

