/**
 * The two Node peers, each a process of its own pinned to the server core:
 * this same bundle started with `--serve socketio|ws` (see ../main.ts).
 */
import { join } from "node:path";
import { freePort, HOST, untilAnswering } from "../../harness/net";
import { PROJECT_ROOT } from "../../harness/paths";
import { startProcessGroup } from "../../harness/processGroup";
import { makeTempDir, removeTempDir } from "../../harness/tempDirs";
import { BUNDLE_PATH } from "../lib/paths";
import type { RunningSystem } from "./types";

export type NodeServerKind = "socketio" | "ws";

const READY_TIMEOUT_MS = 20_000;

export async function startNodeSystem(kind: NodeServerKind, cpu: number | null): Promise<RunningSystem> {
  const port = await freePort();
  const dataDir = makeTempDir(`listroom-bench-${kind}-`);
  const child = startProcessGroup({
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
    await untilAnswering(`${origin}/health`, { what: `the ${kind} server`, timeoutMs: READY_TIMEOUT_MS, exited: child.exited });
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
    requestHeaders: {},
    processes: () => ({ server: [child.pid], tooling: [] }),
    exited: child.exited,
    logs: child.logs,
    notes: [],
    usage: null,
    coldStart: null,
    stop,
  };
}
