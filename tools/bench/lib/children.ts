/**
 * Every process the benchmark starts goes through {@link spawnPinned}: in its
 * own process group (so one signal takes down wrangler, workerd and esbuild
 * together), pinned to a core with `taskset` when there is one, with the
 * open-file limit raised to the hard limit. {@link stopAll} kills whatever is
 * still running; main calls it on success, on error and on SIGINT/SIGTERM.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { groupIsAlive, killGroup } from "../../../test/e2e/localProcesses";
import { delay } from "./time";

const STOP_GRACE_MS = 5_000;
const STOP_POLL_MS = 50;
const LOG_TAIL_CHARS = 8_000;

export interface Child {
  pid: number;
  label: string;
  /** The tail of its stdout and stderr. */
  logs(): string;
  /** Set once it has exited: why. */
  exited(): string | null;
  stop(): Promise<void>;
}

const running = new Set<Child>();

let tasksetChecked: boolean | null = null;
export function hasTaskset(): boolean {
  tasksetChecked ??= spawnSync("taskset", ["--version"], { stdio: "ignore" }).status === 0;
  return tasksetChecked;
}

/** Pins every thread of this process (the load generator) to `cpu`. */
export function pinSelf(cpu: number): boolean {
  if (!hasTaskset()) return false;
  return spawnSync("taskset", ["-a", "-p", "-c", String(cpu), String(process.pid)], { stdio: "ignore" }).status === 0;
}


export interface SpawnOptions {
  label: string;
  command: string;
  args: string[];
  cpu: number | null;
  cwd: string;
  env?: NodeJS.ProcessEnv;
}

export function spawnPinned(options: SpawnOptions): Child {
  const pin = options.cpu !== null && hasTaskset() ? `taskset -c ${options.cpu} ` : "";
  // `exec` keeps the pid: the group leader is the server (or wrangler) itself.
  const script = `ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec ${pin}"$@"`;
  const child: ChildProcess = spawn("bash", ["-c", script, "bash", options.command, ...options.args], {
    cwd: options.cwd,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: options.env ?? process.env,
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn ${options.label} (${options.command})`);
  let output = "";
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-LOG_TAIL_CHARS);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  let exitReason: string | null = null;
  child.once("exit", (code, signal) => {
    exitReason = `${options.label} exited (code ${code}, signal ${signal})`;
  });

  let stopped = false;
  const handle: Child = {
    pid,
    label: options.label,
    logs: () => output,
    exited: () => exitReason,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      killGroup(pid, "SIGTERM");
      const deadline = Date.now() + STOP_GRACE_MS;
      while (groupIsAlive(pid) && Date.now() < deadline) await delay(STOP_POLL_MS);
      if (groupIsAlive(pid)) killGroup(pid, "SIGKILL");
      child.stdout?.destroy();
      child.stderr?.destroy();
      running.delete(handle);
    },
  };
  running.add(handle);
  return handle;
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((child) => child.stop()));
}

/** Last resort when the process is exiting and cannot wait: SIGKILL every group we started. */
export function killAllNow(): void {
  for (const child of running) killGroup(child.pid, "SIGKILL");
}
