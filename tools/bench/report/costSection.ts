/** The cost section of a run's tables: Cloudflare's bill against Socket.IO on a VM, for the workloads in cost.ts. */
import type { CostTable } from "./cost";
import { money, number, SHORT, table } from "./format";

export function costSection(cost: CostTable): string[] {
  const work = cost.measured;
  const perConnection = work.perConnection;
  const lines = [
    `**Cost per month** (prices in tools/bench/report/prices.ts; billable work measured on ${SHORT[work.system]}: per save ${work.perSave.rowsWritten} rows written, ${work.perSave.rowsRead} rows read, ${work.perSave.alarmRuns} alarm runs, ${work.perSave.framesInPerViewer} incoming frames per viewer, ${number(work.perSave.cpuUsAlone)} µs CPU alone + ${work.cpuUsPerDelivery} µs per delivery` +
      (perConnection ? `; per connection ${perConnection.rowsWritten} rows written, ${perConnection.rowsRead} rows read, ${perConnection.framesIn} incoming frames, ${number(perConnection.cpuUs)} µs CPU` : "") +
      `; object hibernated when idle: ${work.hibernates === null ? "not measured" : work.hibernates ? "yes" : "no"})`,
    "",
    table(
      ["workload", "Cloudflare / month", "usage at list price, no allowances", "biggest items at list price", "Socket.IO on a VM / month", "VM sizing"],
      cost.rows.map((row) => {
        const biggest = [...row.cloudflare.lines]
          .filter((line) => line.marginalDollars > 0)
          .sort((a, b) => b.marginalDollars - a.marginalDollars)
          .slice(0, 3)
          .map((line) => `${line.item} ${money(line.marginalDollars)} (${number(line.quantity, 0)})`);
        return [
          row.workload,
          money(row.cloudflare.total),
          money(row.cloudflare.marginalTotal),
          biggest.join("; ") || "–",
          row.vm ? `${money(row.vm.total)} (${row.vm.count} × ${row.vm.size})` : "–",
          row.vm ? `${row.vm.why}; ${row.assumptions.join("; ")}` : row.assumptions.join("; "),
        ];
      }),
    ),
    "",
    "<details><summary>Every line of the Cloudflare bill (quantity → after the included usage, and at list price)</summary>",
    "",
    table(
      ["workload", ...cost.rows[0]!.cloudflare.lines.map((line) => line.item)],
      cost.rows.map((row) => [
        row.workload,
        ...row.cloudflare.lines.map((line) => `${number(line.quantity, 0)} → ${money(line.dollars)} (${money(line.marginalDollars)} at list price)`),
      ]),
    ),
    "",
    "</details>",
    "",
    "Assumptions:",
    "",
    ...cost.assumptions.map((assumption) => `- ${assumption}`),
    "",
    "Prices:",
    "",
    ...cost.sources.map((source) => `- ${source.url}, read ${source.read}${source.note ? `. ${source.note}` : ""}`),
    "",
  ];
  return lines;
}
