// Throwaway A/B (docs/results/bench/2026-12-03-save, from 2026-12-02-cost): copy to .build/ab.ts in a checkout to run; the bare room is built from /work/wt/save.
// Saves alone (precise CPU per save) and optionally one delivery point per rate, several trees side by side, alternating.
import { buildWorkerBundle } from "../tools/bench/systems/workerBundle";
import { startWorkerdSystem } from "../tools/bench/systems/workerd";
import { ClientPool } from "../tools/bench/load/clients";
import { SaveClient } from "../tools/bench/load/writers";
import { runPoint } from "../tools/bench/run/point";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { serve } from "../tools/bench/servers/serve";

if (process.argv.includes("--serve")) {
  await serve("workerd", { port: 0, hostConfig: process.argv[process.argv.indexOf("--host-config") + 1] });
  await new Promise(() => {});
}

spawnSync("taskset", ["-a", "-p", "-c", "0", String(process.pid)], { stdio: "ignore" });
const args = process.argv.slice(2);
const rounds = Number(process.env.ROUNDS ?? 2);
const saves = Number(process.env.SAVES ?? 600);
const clients = Number(process.env.CLIENTS ?? 0);
const rates = (process.env.RATES ?? "").split(",").filter(Boolean).map(Number);
const trees = args.map((arg) => { const [label, dir] = arg.split("="); return { label: label!, dir: dir! }; });
const bundles = new Map<string, ReturnType<typeof buildWorkerBundle>>();
for (const t of trees) bundles.set(t.label, t.dir === "bare" ? buildWorkerBundle("/work/wt/save", join("/work/wt/save", "tools/bench/bare/wrangler.toml")) : buildWorkerBundle(t.dir));
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
const results: Record<string, string[]> = {};
for (let r = 0; r < rounds; r++) {
  for (const t of trees) {
    const bare = t.dir === "bare";
    const system = await startWorkerdSystem({ name: bare ? "bare-workerd" : "listroom-workerd", bundle: bundles.get(t.label)!, vars: bare ? {} : { EXPOSE_USAGE: "true" }, healthPath: bare ? "/health" : "/api/items?limit=1", usagePath: bare ? null : "/api/usage", cpu: 1 });
    try {
      const pool = new ClientPool(system.origin, system.protocol, null, system.requestHeaders);
      const writer = new SaveClient(system.origin, system.requestHeaders);
      await delay(500);
      await runPoint(system, pool, writer, { savesPerSecond: 200, saves: 100, drainTimeoutMs: 2000 });
      const alone = await runPoint(system, pool, writer, { savesPerSecond: 200, saves, drainTimeoutMs: 2000 });
      const line = [`alone ${alone.serverCpuUsPerSave}us/save p50 ${alone.saveAnswer.p50}`];
      if (clients > 0) {
        await pool.grow(clients, 500, 20000);
        await delay(1000);
        for (const rate of rates) {
          const sps = rate / clients;
          const p = await runPoint(system, pool, writer, { savesPerSecond: sps, saves: Math.max(10, Math.round(sps * 2)), drainTimeoutMs: 5000 });
          line.push(`${rate}/s: p99last ${p.toLast.p99} p50last ${p.toLast.p50} reach ${p.reach} cpu/deliv ${(p.serverCpuMs * 1000 / Math.max(1, p.received)).toFixed(1)}us sat ${p.loadgen?.saturated ?? "?"}`);
        }
        await pool.shrink(0);
      }
      (results[t.label] ??= []).push(line.join(" | "));
      console.log(`[${r}] ${t.label}: ${line.join(" | ")}`);
    } finally {
      await system.stop();
    }
  }
}
console.log(JSON.stringify(results, null, 1));
process.exit(0);
