/**
 * Listroom and the bare room on workerd alone, started through Miniflare's
 * API in a Node process of their own (../servers/workerdHost.ts), pinned to
 * the server core like every server. The runtime is workerd; the Node
 * process around it only supervises and is charged as tooling.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLIENT_ADDRESS_HEADER } from "../../../src/protocol/limits";
import { freePort, HOST, httpStatus, portAccepts } from "../../harness/net";
import { PROJECT_ROOT } from "../../harness/paths";
import { processTree } from "../../harness/proc";
import { startProcessGroup } from "../../harness/processGroup";
import { makeTempDir, removeTempDir } from "../../harness/tempDirs";
import { waitFor } from "../../harness/wait";
import { firstRequest } from "../lib/coldStart";
import { BUNDLE_PATH } from "../lib/paths";
import type { WorkerdHostConfig } from "../servers/workerdHost";
import type { WorkerBundle } from "./workerBundle";
import { SYSTEMS, type RunningSystem, type SystemName, type UsageCounters } from "./types";

const READY_TIMEOUT_MS = 60_000;
const PORT_POLL_MS = 5;
const USAGE_TIMEOUT_MS = 5_000;
/** What Cloudflare's edge (and wrangler dev's entry Worker) tells the Worker about a local client. */
const LOOPBACK_CLIENT = { [CLIENT_ADDRESS_HEADER]: "127.0.0.1" };

export interface WorkerdTarget {
  name: Extract<SystemName, "listroom-workerd" | "bare-workerd" | "bare-acking-workerd">;
  bundle: WorkerBundle;
  vars: Record<string, string>;
  /** A GET that answers 200 once the Worker is up (the first request, timed as the cold start). */
  healthPath: string;
  usagePath: string | null;
  cpu: number | null;
  /** Opens workerd's inspector on this port (the CPU profile); never for measured runs. */
  inspectorPort?: number;
}

async function readUsage(url: string): Promise<UsageCounters | null> {
  try {
    const response = await fetch(url, { headers: LOOPBACK_CLIENT, signal: AbortSignal.timeout(USAGE_TIMEOUT_MS) });
    if (!response.ok) return null;
    return ((await response.json()) as { usage?: UsageCounters }).usage ?? null;
  } catch {
    return null;
  }
}

export async function startWorkerdSystem(target: WorkerdTarget): Promise<RunningSystem> {
  const port = await freePort();
  const stateDir = makeTempDir(`listroom-bench-${target.name}-`);
  const hostConfig: WorkerdHostConfig = {
    name: target.name,
    bundleDir: target.bundle.dir,
    mainModule: target.bundle.mainModule,
    wranglerConfig: target.bundle.configPath,
    vars: target.vars,
    host: HOST,
    port,
    persistDir: join(stateDir, "state"),
    inspectorPort: target.inspectorPort ?? null,
  };
  const configFile = join(stateDir, "host.json");
  writeFileSync(configFile, JSON.stringify(hostConfig));
  const group = startProcessGroup({
    label: `workerd (${target.name})`,
    command: process.execPath,
    args: ["--no-warnings", BUNDLE_PATH, "--serve", "workerd", "--host-config", configFile],
    cpu: target.cpu,
    cwd: PROJECT_ROOT,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  const stop = async () => {
    await group.stop();
    removeTempDir(stateDir);
  };
  const origin = `http://${HOST}:${port}`;
  const workerdPids = () => processTree(group.pid).filter((stat) => stat.comm === "workerd").map((stat) => stat.pid);
  let coldStart;
  try {
    await waitFor(
      async () => {
        const why = group.exited();
        if (why !== null) throw new Error(`${why} before listening on ${port}`);
        return portAccepts(port);
      },
      { what: `${target.name} to listen on ${port}`, timeoutMs: READY_TIMEOUT_MS, pollMs: PORT_POLL_MS },
    );
    const [runtimePid] = workerdPids();
    if (runtimePid === undefined) throw new Error("no workerd process under the Miniflare host");
    coldStart = await firstRequest(`${origin}${target.healthPath}`, runtimePid, "workerd via Miniflare, direct socket", LOOPBACK_CLIENT);
  } catch (error) {
    const logs = group.logs();
    await stop();
    throw new Error(`${(error as Error).message}\n--- ${target.name} output ---\n${logs}`);
  }
  const server = workerdPids();
  const usageUrl = target.usagePath === null ? null : `${origin}${target.usagePath}`;
  const notes: string[] = [];
  const usageAnswers = usageUrl !== null && (await httpStatus(usageUrl)) !== null && (await readUsage(usageUrl)) !== null;
  if (usageUrl !== null && !usageAnswers) notes.push(`${target.usagePath} does not answer; billable work is estimated from the client side`);
  return {
    name: target.name,
    protocol: SYSTEMS[target.name].protocol,
    origin,
    proxyOrigin: null,
    ...(target.inspectorPort === undefined ? {} : { inspectorOrigin: `http://${HOST}:${target.inspectorPort}` }),
    requestHeaders: LOOPBACK_CLIENT,
    processes: () => {
      const tree = processTree(group.pid).map((stat) => stat.pid);
      return { server, tooling: tree.filter((pid) => !server.includes(pid)) };
    },
    exited: group.exited,
    logs: group.logs,
    notes,
    usage: usageUrl !== null && usageAnswers ? () => readUsage(usageUrl) : null,
    coldStart,
    stop,
  };
}
