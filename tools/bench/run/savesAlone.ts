/**
 * A save alone, several trees side by side (the `saves-alone` scenario): each
 * tree's Worker fresh on workerd (every Durable Object in one workerd
 * process), 100 warm-up saves, then `saves` saves at 200 a second with nobody
 * connected, server CPU per save read from the runtime's ticks; optionally
 * `clients` clients and one delivery point per rate in `rates`. Trees
 * alternate within each of `rounds` rounds, so a drift of the machine lands
 * on all of them.
 *
 * A tree is `NAME=DIR`, or one of the bare room's ways to save (tools/bench/bare):
 * `bare` broadcasts, `bare-durable` writes each save to SQLite first
 * (`POST /api/items?with=durable`, the fair floor for a save), `bare-worker`
 * answers in its Worker without calling the room (`?with=no-room`).
 * `NAME=DIR+VAR=value+…` sets Worker vars for that tree (e.g. `+EXEMPT_LOOPBACK=false`).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { shown } from "../../harness/results";
import { delay } from "../../harness/wait";
import { ClientPool } from "../load/clients";
import { SaveClient } from "../load/writers";
import { BARE_CONFIG } from "../lib/paths";
import { PROJECT_ROOT } from "../../harness/paths";
import type { ScenarioContext } from "../scenario";
import { buildWorkerBundle, type WorkerBundle } from "../systems/workerBundle";
import { startWorkerdSystem } from "../systems/workerd";
import { runPoint } from "./point";

export interface SavesAloneOptions {
  trees: string[];
  rounds: number;
  saves: number;
  clients: number;
  /** Deliveries per second, one point each, when `clients` > 0. */
  rates: number[];
  serverCpu: number | null;
}

/** The bare room's ways to save (tools/bench/bare/worker.ts). */
const BARE_SAVE_PATHS: Record<string, string> = { bare: "/api/items", "bare-durable": "/api/items?with=durable", "bare-worker": "/api/items?with=no-room" };
const WARM_UP_SAVES = 100;
const SAVES_PER_SECOND = 200;

interface Tree {
  label: string;
  /** null: the bare room of this checkout. */
  dir: string | null;
  savePath: string;
  vars: Record<string, string>;
}

function treeOf(spec: string): Tree {
  const [tree = "", ...settings] = spec.split("+");
  const [label = "", dir] = tree.split("=");
  const vars = Object.fromEntries(
    settings.map((setting) => {
      const [name = "", value] = setting.split("=");
      if (value === undefined) throw new Error(`a Worker var needs NAME=value, not ${setting} (in ${spec})`);
      return [name, value];
    }),
  );
  const bareSavePath = dir === undefined ? BARE_SAVE_PATHS[label] : undefined;
  if (bareSavePath !== undefined) return { label, dir: null, savePath: bareSavePath, vars };
  return { label, dir: dir ?? label, savePath: "/api/items", vars };
}

function bundleOf(tree: Tree): WorkerBundle {
  return tree.dir === null ? buildWorkerBundle(PROJECT_ROOT, BARE_CONFIG) : buildWorkerBundle(tree.dir);
}

export async function measureSavesAlone(options: SavesAloneOptions, { outDir, command, log }: ScenarioContext): Promise<number> {
  if (options.trees.length === 0) throw new Error(`name at least one tree: NAME=DIR, or ${Object.keys(BARE_SAVE_PATHS).join(", ")}`);
  // Built once each, before any is measured.
  const trees = options.trees.map(treeOf).map((tree) => ({ ...tree, bundle: bundleOf(tree) }));
  const results: Record<string, string[]> = {};
  for (let round = 0; round < options.rounds; round++) {
    for (const tree of trees) {
      const bare = tree.dir === null;
      const system = await startWorkerdSystem({
        name: bare ? "bare-workerd" : "listroom-workerd",
        bundle: tree.bundle,
        vars: bare ? tree.vars : { EXPOSE_USAGE: "true", ...tree.vars },
        healthPath: bare ? "/health" : "/api/items?limit=1",
        usagePath: bare ? null : "/api/usage",
        cpu: options.serverCpu,
      });
      const pool = new ClientPool(system.origin, system.protocol, null, system.requestHeaders);
      const writer = new SaveClient(system.origin, system.requestHeaders, tree.savePath);
      try {
        await delay(500);
        await runPoint(system, pool, writer, { savesPerSecond: SAVES_PER_SECOND, saves: WARM_UP_SAVES, drainTimeoutMs: 2000 });
        const alone = await runPoint(system, pool, writer, { savesPerSecond: SAVES_PER_SECOND, saves: options.saves, drainTimeoutMs: 2000 });
        const line = [`alone ${alone.serverCpuUsPerSave}us/save p50 ${alone.saveAnswer.p50}${alone.failedSaves > 0 ? ` FAILED ${alone.failedSaves}` : ""}`];
        if (options.clients > 0) {
          await pool.grow(options.clients, 500, 20000);
          await delay(1000);
          for (const rate of options.rates) {
            const savesPerSecond = rate / options.clients;
            const point = await runPoint(system, pool, writer, { savesPerSecond, saves: Math.max(10, Math.round(savesPerSecond * 2)), drainTimeoutMs: 5000 });
            const cpuPerDelivery = (point.serverCpuMs * 1000) / Math.max(1, point.received);
            line.push(
              `${rate}/s: p99last ${point.toLast.p99} p50last ${point.toLast.p50} reach ${point.reach} cpu/deliv ${cpuPerDelivery.toFixed(1)}us sat ${point.loadgen.saturated}`,
            );
          }
        }
        (results[tree.label] ??= []).push(line.join(" | "));
        log(`[${round}] ${tree.label}: ${line.join(" | ")}`);
      } finally {
        await pool.closeAll();
        writer.close();
        await system.stop();
      }
    }
  }
  const file = join(outDir, `saves-alone-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify({ command, ...options, results }, null, 1)}\n`);
  log(`wrote ${shown(file)}`);
  return 0;
}
