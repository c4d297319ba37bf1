/**
 * A save alone, several trees side by side: each tree's Worker fresh on workerd (every Durable
 * Object in one workerd process), 100 warm-up saves, then SAVES saves at 200 a second with nobody
 * connected, server CPU per save read from the object's usage; optionally CLIENTS clients and one
 * delivery point per rate in RATES. Trees alternate within each of ROUNDS rounds, so a drift of the
 * machine lands on all of them. `bare` is the bare broadcast room (tools/bench/bare) of this tree;
 * `bare-durable` the same room writing each save to SQLite first (`POST /api/items?with=durable`),
 * `bare-worker` its Worker answering without calling the room (`?with=no-room`).
 * `NAME=DIR+VAR=value+…` sets Worker vars for that tree (e.g. `+EXEMPT_LOOPBACK=false`).
 *
 * @example
 * ROUNDS=3 SAVES=800 npm run bench:saves-alone -- main=../main branch=. bare bare-durable
 */
import { buildWorkerBundle } from "./systems/workerBundle";
import { startWorkerdSystem } from "./systems/workerd";
import { ClientPool } from "./load/clients";
import { SaveClient } from "./load/writers";
import { runPoint } from "./run/point";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { serve } from "./servers/serve";
import { PROJECT_ROOT } from "../harness/paths";

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
/** The bare room's ways to save (tools/bench/bare/worker.ts). */
const BARE_SAVE_PATHS: Record<string, string> = { bare: "/api/items", "bare-durable": "/api/items?with=durable", "bare-worker": "/api/items?with=no-room" };
const trees = args.map((arg) => {
  const [tree, ...settings] = arg.split("+");
  const [label, dir] = tree!.split("=");
  const vars = Object.fromEntries(settings.map((setting) => setting.split("=") as [string, string]));
  const bareRoom = dir === undefined && label! in BARE_SAVE_PATHS;
  return { label: label!, dir: bareRoom ? "bare" : (dir ?? label!), savePath: bareRoom ? BARE_SAVE_PATHS[label!]! : "/api/items", vars };
});
if (trees.length === 0) throw new Error("usage: savesAlone.ts NAME=DIR [NAME=DIR …] [bare]");
const bundles = new Map<string, ReturnType<typeof buildWorkerBundle>>();
for (const t of trees) bundles.set(t.label, t.dir === "bare" ? buildWorkerBundle(PROJECT_ROOT, join(PROJECT_ROOT, "tools/bench/bare/wrangler.toml")) : buildWorkerBundle(t.dir));
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
const results: Record<string, string[]> = {};
for (let r = 0; r < rounds; r++) {
  for (const t of trees) {
    const bare = t.dir === "bare";
    const system = await startWorkerdSystem({ name: bare ? "bare-workerd" : "listroom-workerd", bundle: bundles.get(t.label)!, vars: bare ? t.vars : { EXPOSE_USAGE: "true", ...t.vars }, healthPath: bare ? "/health" : "/api/items?limit=1", usagePath: bare ? null : "/api/usage", cpu: 1 });
    try {
      const pool = new ClientPool(system.origin, system.protocol, null, system.requestHeaders);
      const writer = new SaveClient(system.origin, system.requestHeaders, t.savePath);
      await delay(500);
      await runPoint(system, pool, writer, { savesPerSecond: 200, saves: 100, drainTimeoutMs: 2000 });
      const alone = await runPoint(system, pool, writer, { savesPerSecond: 200, saves, drainTimeoutMs: 2000 });
      const line = [`alone ${alone.serverCpuUsPerSave}us/save p50 ${alone.saveAnswer.p50}${alone.failedSaves > 0 ? ` FAILED ${alone.failedSaves}` : ""}`];
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
