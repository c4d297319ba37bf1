/**
 * The chart: p99 latency to the last client against deliveries per second,
 * one line per system and client count, both axes logarithmic, written as a
 * self-contained SVG. Filled markers are steps that passed; hollow ones
 * failed (p99 over the limit or drops); crosses were invalid (the load
 * generator saturated).
 */
import { P99_LIMIT_MS } from "../plan";
import type { Ladder } from "../run/ladder";
import type { SystemName } from "../systems/types";
import { SYSTEM_LABELS } from "../systems/types";

const WIDTH = 1000;
const HEIGHT = 540;
const MARGIN = { left: 70, right: 320, top: 50, bottom: 60 };
const COLORS: Record<SystemName, string> = {
  "listroom-workerd": "#d9480f",
  "bare-workerd": "#1c7ed6",
  "bare-acking-workerd": "#7048e8",
  listroom: "#f59f00",
  bare: "#74c0fc",
  socketio: "#2f9e44",
  ws: "#495057",
};
const DASHES = ["", "6 4", "2 3", "10 3 2 3"];

export interface ChartSystem {
  name: SystemName;
  ladders: Ladder[];
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function logScale(min: number, max: number, from: number, to: number): (value: number) => number {
  const [low, high] = [Math.log10(min), Math.log10(max)];
  return (value) => from + ((Math.log10(Math.min(max, Math.max(min, value))) - low) / (high - low)) * (to - from);
}

function ticks(min: number, max: number): number[] {
  const values: number[] = [];
  for (let power = Math.floor(Math.log10(min)); power <= Math.ceil(Math.log10(max)); power++) {
    for (const mantissa of [1, 2, 5]) {
      const value = mantissa * 10 ** power;
      if (value >= min && value <= max) values.push(value);
    }
  }
  return values;
}

function label(value: number, perSecond: boolean): string {
  return perSecond && value >= 1000 ? `${value / 1000}k` : String(value);
}

export function renderChart(systems: ChartSystem[], title: string): string {
  const points = systems.flatMap((system) =>
    system.ladders.flatMap((ladder) => ladder.steps.map((step) => ({ x: step.deliveriesPerSecond.median, y: step.toLast.p99.median }))),
  );
  const xs = points.map((point) => point.x).filter((x) => x > 0);
  const ys = points.map((point) => point.y).filter((y) => y > 0);
  const xMin = 10 ** Math.floor(Math.log10(Math.min(1_000, ...xs)));
  // Headroom, so the fastest point is not drawn on the frame.
  const xMax = 10 ** Math.ceil(Math.log10(Math.max(10_000, ...xs) * 1.5));
  const yMin = 10 ** Math.floor(Math.log10(Math.min(1, ...ys)));
  const yMax = 10 ** Math.ceil(Math.log10(Math.max(1_000, ...ys) * 1.5));
  const plot = { left: MARGIN.left, right: WIDTH - MARGIN.right, top: MARGIN.top, bottom: HEIGHT - MARGIN.bottom };
  const x = logScale(xMin, xMax, plot.left, plot.right);
  const y = logScale(yMin, yMax, plot.bottom, plot.top);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    `<text x="${plot.left}" y="24" font-size="15" font-weight="600">${escape(title)}</text>`,
  );
  for (const value of ticks(xMin, xMax)) {
    const at = x(value).toFixed(1);
    out.push(`<line x1="${at}" x2="${at}" y1="${plot.top}" y2="${plot.bottom}" stroke="#eee"/>`);
    out.push(`<text x="${at}" y="${plot.bottom + 16}" text-anchor="middle" fill="#555">${label(value, true)}</text>`);
  }
  for (const value of ticks(yMin, yMax)) {
    const at = y(value).toFixed(1);
    out.push(`<line x1="${plot.left}" x2="${plot.right}" y1="${at}" y2="${at}" stroke="#eee"/>`);
    out.push(`<text x="${plot.left - 6}" y="${Number(at) + 4}" text-anchor="end" fill="#555">${label(value, false)}</text>`);
  }
  const limit = y(P99_LIMIT_MS).toFixed(1);
  out.push(
    `<line x1="${plot.left}" x2="${plot.right}" y1="${limit}" y2="${limit}" stroke="#c92a2a" stroke-dasharray="5 4"/>`,
    `<text x="${plot.right - 4}" y="${Number(limit) - 5}" text-anchor="end" fill="#c92a2a">p99 limit ${P99_LIMIT_MS} ms</text>`,
    `<rect x="${plot.left}" y="${plot.top}" width="${plot.right - plot.left}" height="${plot.bottom - plot.top}" fill="none" stroke="#888"/>`,
    `<text x="${(plot.left + plot.right) / 2}" y="${HEIGHT - 18}" text-anchor="middle">deliveries per second (median of repeats)</text>`,
    `<text transform="translate(18 ${(plot.top + plot.bottom) / 2}) rotate(-90)" text-anchor="middle">p99 ms, save → last client</text>`,
  );

  const clientCounts = [...new Set(systems.flatMap((system) => system.ladders.map((ladder) => ladder.clients)))].sort((a, b) => a - b);
  let legendY = plot.top + 4;
  for (const system of systems) {
    const color = COLORS[system.name];
    for (const ladder of system.ladders) {
      const dash = DASHES[clientCounts.indexOf(ladder.clients) % DASHES.length]!;
      const path = ladder.steps.map((step) => `${x(step.deliveriesPerSecond.median).toFixed(1)},${y(step.toLast.p99.median).toFixed(1)}`);
      if (path.length > 1) {
        out.push(`<polyline points="${path.join(" ")}" fill="none" stroke="${color}" stroke-width="2" stroke-dasharray="${dash}"/>`);
      }
      for (const step of ladder.steps) {
        const [cx, cy] = [x(step.deliveriesPerSecond.median).toFixed(1), y(step.toLast.p99.median).toFixed(1)];
        if (step.verdict.startsWith("invalid")) {
          out.push(`<path d="M${Number(cx) - 4},${Number(cy) - 4}l8,8m0,-8l-8,8" stroke="${color}" stroke-width="2"/>`);
        } else {
          const fill = step.verdict === "ok" ? color : "#fff";
          out.push(`<circle cx="${cx}" cy="${cy}" r="4" fill="${fill}" stroke="${color}" stroke-width="1.5"/>`);
        }
      }
      const legendX = plot.right + 16;
      out.push(
        `<line x1="${legendX}" x2="${legendX + 28}" y1="${legendY}" y2="${legendY}" stroke="${color}" stroke-width="2" stroke-dasharray="${dash}"/>`,
        `<text x="${legendX + 34}" y="${legendY + 4}">${escape(`${SYSTEM_LABELS[system.name]}, ${ladder.clients}`)}</text>`,
      );
      legendY += 18;
    }
  }
  legendY += 10;
  for (const [text, marker] of [
    ["passed", `fill="#666"`],
    ["failed (p99 or drops)", `fill="#fff" stroke="#666"`],
  ] as const) {
    out.push(`<circle cx="${plot.right + 30}" cy="${legendY}" r="4" ${marker}/>`, `<text x="${plot.right + 50}" y="${legendY + 4}">${text}</text>`);
    legendY += 18;
  }
  out.push(
    `<path d="M${plot.right + 26},${legendY - 4}l8,8m0,-8l-8,8" stroke="#666" stroke-width="2"/>`,
    `<text x="${plot.right + 50}" y="${legendY + 4}">invalid (load generator saturated)</text>`,
    "</svg>",
  );
  return `${out.join("\n")}\n`;
}
