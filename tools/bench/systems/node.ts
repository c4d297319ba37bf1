/**
 * The two Node peers, each a process of its own pinned to the server core:
 * this same bundle started with `--serve socketio|ws` (see ../main.ts).
 */
import { join } from "node:path";
import { spawnPinned } from "../lib/children";
import { freePort, HOST, waitUntilAnswering } from "../lib/net";
import { BUNDLE_PATH, PROJECT_ROOT } from "../lib/paths";
import { makeTempDir, removeTempDir } from "../../harness/tempDirs";
import type { RunningSystem } from "./types";

export type NodeServerKind = "socketio" | "ws";

export async function startNodeSystem(kind: NodeServerKind, cpu: number | null): Promise<RunningSystem> {
  const port = await freePort();
  const dataDir = makeTempDir(`listroom-bench-${kind}-`);
  const child = spawnPinned({
    label: `${kind} server`,
    command: process.execPath,
    args: ["--no-warnings", BUNDLE_PATH, "--serve", kind, "--port", String(port), "--db", join(dataDir, "items.sqlite")],
    cpu,
    cwd: PROJECT_ROOT,
  });
  const origin = `http://${HOST}:${port}`;
  const stop = async () => {
    await child.stop();
    removeTempDir(dataDir);
  };
  try {
    await waitUntilAnswering(`${origin}/health`, child.exited, 80);
  } catch (error) {
    const logs = child.logs();
    await stop();
    throw new Error(`${(error as Error).message}\n--- ${kind} server output ---\n${logs}`);
  }
  return {
    name: kind,
    protocol: kind,
    origin,
    proxyOrigin: null,
    processes: () => ({ server: [child.pid], tooling: [] }),
    exited: child.exited,
    logs: child.logs,
    notes: [],
    usage: null,
    stop,
  };
}
