/**
 * `npm run bench -- viewers`: one list, many viewers. One object holds
 * 500, 1,000, 2,000 and 3,000 viewers (grown on the same server, each
 * acknowledging as the page does: batched, up to every 5 s) and takes one
 * save a second; for each count, the time from a save's due time to its
 * last viewer (p50, p99, max over the saves) and the server's CPU per save
 * (everything the runtime did meanwhile: the fan-out, the acks, the alarm's
 * resend rounds, presence). Listroom and the bare room, one after the other
 * in the same run, each under wrangler dev unless `--systems` says otherwise.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { shown } from "../../harness/results";
import { delay } from "../../harness/wait";
import { ClientPool } from "../load/clients";
import { PAGE_ACK_DELAY_CAP_MS } from "../load/protocols";
import { SaveClient } from "../load/writers";
import { CONNECT_TIMEOUT_MS, CONNECTS_PER_SECOND } from "../plan";
import { SYSTEMS, type RunningSystem, type SystemName } from "../systems/types";
import { runPoint, type PointResult } from "./point";

export const VIEWER_COUNTS = [500, 1_000, 2_000, 3_000];

export interface ViewersOptions {
  systems: SystemName[];
  counts: number[];
  /** Saves per count, one a second. */
  saves: number;
  start(name: SystemName): Promise<RunningSystem>;
  provenance: string;
}

const DRAIN_TIMEOUT_MS = 5_000;

interface Step {
  system: SystemName;
  viewers: number;
  point: PointResult | null;
  problem: string | null;
}

function row(step: Step): string {
  const name = SYSTEMS[step.system].label;
  if (!step.point) return `| ${name} | ${step.viewers} | — | — | — | — | — | ${step.problem} |`;
  const { toLast, reach, serverCpuUsPerSave, serverCpuUsPerDelivery, saves, gaps, duplicates } = step.point;
  return `| ${name} | ${step.point.clients} | ${toLast.p50} | ${toLast.p99} | ${toLast.max} | ${Math.round(serverCpuUsPerSave)} | ${serverCpuUsPerDelivery} | ${saves} saves; reach ${reach}; gaps ${gaps}; duplicates ${duplicates} |`;
}

export async function measureViewers(options: ViewersOptions, command: string, outDir: string, log: (line: string) => void): Promise<number> {
  const startedAt = new Date();
  const steps: Step[] = [];
  for (const name of options.systems) {
    let system: RunningSystem;
    try {
      system = await options.start(name);
    } catch (error) {
      steps.push({ system: name, viewers: 0, point: null, problem: `did not start: ${(error as Error).message.slice(0, 300)}` });
      continue;
    }
    const pool = new ClientPool(system.origin, system.protocol, null, system.requestHeaders);
    const writer = new SaveClient(system.origin, system.requestHeaders);
    try {
      for (const viewers of options.counts) {
        const grown = await pool.grow(viewers, CONNECTS_PER_SECOND, CONNECT_TIMEOUT_MS);
        if (pool.size < viewers) {
          steps.push({ system: name, viewers, point: null, problem: `${pool.size} of ${viewers} connected (${grown.firstFailure})` });
          break;
        }
        // The snapshots' batched acks come in, as a page's would, before the saves start.
        await delay(PAGE_ACK_DELAY_CAP_MS + 500);
        const point = await runPoint(system, pool, writer, { savesPerSecond: 1, saves: options.saves, drainTimeoutMs: DRAIN_TIMEOUT_MS });
        const step = { system: name, viewers, point, problem: null };
        steps.push(step);
        log(`  ${name}, ${viewers} viewers: to the last p50 ${point.toLast.p50} / p99 ${point.toLast.p99} / max ${point.toLast.max} ms; ${Math.round(point.serverCpuUsPerSave)} µs CPU per save; reach ${point.reach}`);
      }
    } finally {
      await pool.closeAll();
      writer.close();
      await system.stop();
    }
  }
  const table = [
    "| system | viewers | to the last viewer p50, ms | p99, ms | max, ms | server CPU per save, µs | per delivery, µs | notes |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ...steps.map(row),
  ].join("\n");
  const stamp = startedAt.toISOString().replaceAll(":", "").slice(0, 17);
  const file = join(outDir, `${stamp}-viewers.md`);
  writeFileSync(
    file,
    [
      "# One list, many viewers",
      "",
      `Command: \`${command}\`; ${startedAt.toISOString()}; Listroom: ${options.provenance}.`,
      `One save a second, ${options.saves} per count; viewers acknowledge as the page does (batched up to every ${PAGE_ACK_DELAY_CAP_MS / 1000} s). Server CPU per save is all the runtime's CPU during the point (the fan-out, the acks, alarms) divided by the saves. The machine is shared: other processes ran beside this one.`,
      "",
      table,
      "",
    ].join("\n"),
  );
  writeFileSync(join(outDir, `${stamp}-viewers.json`), `${JSON.stringify({ command, startedAt: startedAt.toISOString(), provenance: options.provenance, steps }, null, 2)}\n`);
  console.log(table);
  log(`wrote ${shown(file)}`);
  return steps.some((step) => step.point === null) ? 1 : 0;
}
