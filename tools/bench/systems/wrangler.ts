/**
 * Listroom and the bare broadcast under `wrangler dev`, pinned to the server
 * core. wrangler dev runs two workerd processes: a dev-only proxy on the port
 * we choose, and the runtime holding the Worker and its Durable Object on a
 * port of its own. Every WebSocket frame through the proxy costs a second
 * workerd the same work again, and production has no such proxy, so the load
 * goes straight to the runtime's entry socket (found from /proc and probed);
 * the proxy is kept for a side-by-side point (`proxyOrigin`). Listroom runs
 * from a snapshot of the repository copied to a temporary directory, so that
 * colleagues editing src/ cannot make wrangler reload it mid-run.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, readdirSync, readFileSync, statSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { spawnPinned } from "../lib/children";
import { freePort, HOST, probe, waitUntilAnswering } from "../lib/net";
import { BARE_CONFIG, pathWithOurNode, PROJECT_ROOT, WRANGLER_BIN } from "../lib/paths";
import { commandLine, listeningPorts, processTree } from "../../harness/proc";
import { makeTempDir, removeTempDir } from "../../harness/tempDirs";
import type { RunningSystem, ServerProcesses, SystemName, UsageCounters } from "./types";

/** What Listroom's snapshot needs to run under wrangler dev (its [build] runs `npm run build`). */
const LISTROOM_FILES = ["wrangler.toml", "package.json", "tsconfig.json", "src", "public"];

export interface Provenance {
  commit: string;
  /** `git status --porcelain` of the files copied: empty when the snapshot is the commit. */
  uncommitted: string[];
  /** sha256 of every copied file, so two runs can be compared. */
  contentHash: string;
}

function git(args: string[]): string {
  const result = spawnSync("git", args, { cwd: PROJECT_ROOT, encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim() : "";
}

function hashTree(root: string, paths: string[]): string {
  const hash = createHash("sha256");
  const walk = (path: string) => {
    const full = join(root, path);
    if (statSync(full).isDirectory()) {
      for (const name of readdirSync(full).sort()) walk(join(path, name));
    } else {
      hash.update(path).update("\0").update(readFileSync(full));
    }
  };
  for (const path of paths) walk(path);
  return hash.digest("hex").slice(0, 16);
}

/** Copies what Listroom needs into a fresh directory and says which code it is. */
export function snapshotListroom(): { dir: string; provenance: Provenance } {
  const dir = makeTempDir("listroom-bench-app-");
  for (const path of LISTROOM_FILES) cpSync(join(PROJECT_ROOT, path), join(dir, path), { recursive: true });
  symlinkSync(join(PROJECT_ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  const provenance: Provenance = {
    commit: git(["rev-parse", "HEAD"]),
    uncommitted: git(["status", "--porcelain", "--", ...LISTROOM_FILES.filter((path) => path !== "public")])
      .split("\n")
      .filter((line) => line.length > 0),
    contentHash: hashTree(dir, LISTROOM_FILES.filter((path) => path !== "public")),
  };
  return { dir, provenance };
}

interface WranglerTarget {
  name: Extract<SystemName, "listroom" | "bare">;
  cwd: string;
  configPath: string | null;
  /** A GET that answers 200 once the Worker is up. */
  healthPath: string;
  cpu: number | null;
  /** Leave wrangler dev's local observability (tracing every event) on, as it is by default. */
  localObservability: boolean;
  /** `--var NAME:VALUE` for each. */
  vars: Record<string, string>;
  /** A route serving the room's billable-work counters, when the Worker has one. */
  usagePath: string | null;
  cleanup(): void;
}

export async function startWranglerSystem(target: WranglerTarget): Promise<RunningSystem> {
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const persistDir = makeTempDir(`listroom-bench-${target.name}-state-`);
  const child = spawnPinned({
    label: `wrangler dev (${target.name})`,
    command: WRANGLER_BIN,
    args: [
      "dev",
      ...(target.configPath ? ["--config", target.configPath] : []),
      "--port",
      String(port),
      "--ip",
      HOST,
      "--inspector-port",
      String(inspectorPort),
      "--inspector-ip",
      HOST,
      "--persist-to",
      persistDir,
      "--show-interactive-dev-session=false",
      "--log-level=warn",
      ...Object.entries(target.vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
    ],
    cpu: target.cpu,
    cwd: target.cwd,
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: "false",
      // wrangler dev's local tracing (a streaming tail into a SQLite trace store) and its data
      // explorer are dev-only and would bill every request and WebSocket event about twice over;
      // see docs/PERFORMANCE.md for what they cost when left on.
      X_LOCAL_OBSERVABILITY: String(target.localObservability),
      X_LOCAL_EXPLORER: "false",
      WRANGLER_LOG_PATH: join(persistDir, "wrangler-logs"),
      PATH: pathWithOurNode(),
    },
  });
  const cleanup = () => {
    removeTempDir(persistDir);
    target.cleanup();
  };
  const proxyOrigin = `http://${HOST}:${port}`;
  try {
    await waitUntilAnswering(`${proxyOrigin}${target.healthPath}`, child.exited);
  } catch (error) {
    const logs = child.logs();
    await child.stop();
    cleanup();
    throw new Error(`${(error as Error).message}\n--- wrangler output ---\n${logs}`);
  }

  const isProxy = (pid: number) => commandLine(pid).includes(`entry=${HOST}:${port} `);
  const runtime = await findRuntime(child.pid, isProxy, target.healthPath);
  const notes: string[] = [];
  if (runtime === null) notes.push("runtime workerd entry not found; load went through wrangler dev's proxy");
  const processes = (): ServerProcesses => {
    const tree = processTree(child.pid);
    const server = runtime ? [runtime.pid] : tree.filter((stat) => stat.comm === "workerd").map((stat) => stat.pid);
    return { server, tooling: tree.map((stat) => stat.pid).filter((pid) => !server.includes(pid)) };
  };
  const origin = runtime ? `http://${HOST}:${runtime.port}` : proxyOrigin;
  const usageUrl = target.usagePath === null ? null : `${origin}${target.usagePath}`;
  const usageAnswers = usageUrl !== null && (await probe(usageUrl)) === 200;
  if (usageUrl !== null && !usageAnswers) {
    notes.push(`${target.usagePath} does not answer; billable work is estimated from the client side`);
  }
  return {
    name: target.name,
    protocol: target.name,
    origin,
    proxyOrigin,
    processes,
    exited: child.exited,
    logs: child.logs,
    notes,
    usage: usageUrl !== null && usageAnswers ? () => readUsage(usageUrl) : null,
    stop: async () => {
      await child.stop();
      cleanup();
    },
  };
}

const USAGE_TIMEOUT_MS = 5_000;

async function readUsage(url: string): Promise<UsageCounters | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(USAGE_TIMEOUT_MS) });
    if (!response.ok) return null;
    const body = (await response.json()) as { usage?: UsageCounters };
    return body.usage ?? null;
  } catch {
    return null;
  }
}

/** The workerd under wrangler that is not the dev proxy, and the port of its entry socket. */
async function findRuntime(
  wranglerPid: number,
  isProxy: (pid: number) => boolean,
  healthPath: string,
): Promise<{ pid: number; port: number } | null> {
  const candidates = processTree(wranglerPid).filter((stat) => stat.comm === "workerd" && !isProxy(stat.pid));
  for (const { pid } of candidates) {
    for (const port of listeningPorts(pid)) {
      if ((await probe(`http://${HOST}:${port}${healthPath}`, 1_000)) === 200) return { pid, port };
    }
  }
  return null;
}

export async function startListroom(
  cpu: number | null,
  localObservability = false,
): Promise<{ system: RunningSystem; provenance: Provenance }> {
  const { dir, provenance } = snapshotListroom();
  const system = await startWranglerSystem({
    name: "listroom",
    cwd: dir,
    configPath: null,
    healthPath: "/api/items?limit=1",
    cpu,
    localObservability,
    // Serves GET /api/usage, the room's billable-work counters (see docs/PROTOCOL.md).
    vars: { EXPOSE_USAGE: "true" },
    usagePath: "/api/usage",
    cleanup: () => removeTempDir(dir),
  });
  if (provenance.uncommitted.length > 0) {
    system.notes.push(`ran with uncommitted changes: ${provenance.uncommitted.join(", ")}`);
  }
  return { system, provenance };
}

export function startBare(cpu: number | null, localObservability = false): Promise<RunningSystem> {
  return startWranglerSystem({
    name: "bare",
    cwd: PROJECT_ROOT,
    configPath: BARE_CONFIG,
    healthPath: "/health",
    cpu,
    localObservability,
    vars: {},
    usagePath: null,
    cleanup: () => {},
  });
}
