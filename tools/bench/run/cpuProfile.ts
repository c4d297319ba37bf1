/**
 * `npm run bench -- cpu-profile`: where Listroom's server CPU goes, in its
 * own functions. Listroom and the bare room run on workerd (unminified
 * bundles, inspector open, so figures here are not comparable with a
 * measured run's) and each is profiled twice: saves with nobody connected,
 * then saves fanned out to `idleClients` clients at the ladder's first rate.
 * Writes <results folder>/<date>-cpu-profile.json (the hottest functions,
 * placed in src/ through the bundle's source map) and the raw .cpuprofile
 * files, which Chrome DevTools opens, to a temporary folder it names.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClientPool } from "../load/clients";
import { SaveClient } from "../load/writers";
import { freePort, HOST } from "../../harness/net";
import { PROJECT_ROOT } from "../../harness/paths";
import { delay } from "../../harness/wait";
import { BARE_CONFIG } from "../lib/paths";
import { hotFunctions, InspectorSession, type HotFunction } from "../lib/v8Profile";
import { CONNECT_TIMEOUT_MS, CONNECTS_PER_SECOND, type Plan } from "../plan";
import { buildWorkerBundle } from "../systems/workerBundle";
import { startWorkerdSystem, type WorkerdTarget } from "../systems/workerd";
import { snapshotListroom } from "../systems/wrangler";
import { pointSpec } from "./ladder";
import { runPoint, type PointResult } from "./point";

const SAVES_ALONE_PER_SECOND = 200;
const SECONDS = 4;

interface Profiled {
  system: string;
  workload: string;
  serverCpuUsPerSave: number;
  serverCpuUsPerDelivery: number;
  hot: HotFunction[];
}

export async function profileCpu(plan: Plan, serverCpu: number | null, outDir: string, log: (line: string) => void): Promise<void> {
  const date = new Date().toISOString().slice(0, 10);
  const snapshot = snapshotListroom();
  const targets: Omit<WorkerdTarget, "cpu" | "inspectorPort">[] = [
    { name: "listroom-workerd", bundle: buildWorkerBundle(snapshot.dir, undefined, true), healthPath: "/api/items?limit=1", usagePath: "/api/usage", vars: { EXPOSE_USAGE: "true" } },
    { name: "bare-workerd", bundle: buildWorkerBundle(PROJECT_ROOT, BARE_CONFIG, true), healthPath: "/health", usagePath: null, vars: {} },
  ];
  const out: Profiled[] = [];
  // Kept after the run (several MB each), so not in a temporary folder that goes at exit.
  const rawDir = mkdtempSync(join(tmpdir(), "listroom-cpu-profiles-"));
  for (const target of targets) {
    const inspectorPort = await freePort();
    const system = await startWorkerdSystem({ ...target, cpu: serverCpu, inspectorPort });
    const session = await InspectorSession.open(`http://${HOST}:${inspectorPort}`, target.name);
    const pool = new ClientPool(system.origin, system.protocol, null, system.requestHeaders);
    const writer = new SaveClient(system.origin, system.requestHeaders);
    try {
      const workloads = [
        { workload: "saves alone", spec: { savesPerSecond: SAVES_ALONE_PER_SECOND, saves: SAVES_ALONE_PER_SECOND * SECONDS, drainTimeoutMs: plan.drainTimeoutMs } },
        { workload: `${plan.idleClients} clients at ${plan.deliveryLadder[0]}/s`, spec: pointSpec(plan, plan.idleClients, plan.deliveryLadder[0]!, SECONDS) },
      ];
      for (const [index, { workload, spec }] of workloads.entries()) {
        if (index === 1) await pool.grow(plan.idleClients, CONNECTS_PER_SECOND, CONNECT_TIMEOUT_MS);
        // A warm-up, so the profile shows steady state rather than compilation.
        await runPoint(system, pool, writer, { ...spec, saves: Math.max(3, Math.round(spec.saves / 4)) });
        await delay(plan.settleMs);
        const measured: { point?: PointResult } = {};
        const profile = await session.profile(async () => {
          measured.point = await runPoint(system, pool, writer, spec);
        });
        const { serverCpuUsPerSave, serverCpuUsPerDelivery } = measured.point!;
        const file = join(rawDir, `${date}-${target.name}-${index === 0 ? "saves" : "deliveries"}.cpuprofile`);
        writeFileSync(file, JSON.stringify(profile));
        const hot = hotFunctions(profile, join(target.bundle.dir, `${target.bundle.mainModule}.map`));
        out.push({ system: target.name, workload, serverCpuUsPerSave, serverCpuUsPerDelivery, hot });
        log(`${target.name}, ${workload}: ${serverCpuUsPerSave} µs/save, ${serverCpuUsPerDelivery} µs/delivery (inspector open); wrote ${file}`);
        for (const entry of hot.slice(0, 15)) log(`  ${entry.percent.toFixed(1).padStart(5)} %  ${entry.selfMs} ms  ${entry.where}`);
      }
    } finally {
      session.close();
      await pool.closeAll();
      writer.close();
      await system.stop();
    }
  }
  const summary = join(outDir, `${date}-cpu-profile.json`);
  writeFileSync(summary, `${JSON.stringify(out, null, 2)}\n`);
  log(`wrote ${summary}`);
}
