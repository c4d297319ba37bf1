/**
 * Every server a test or tool starts runs in a process group of its own, so
 * that one signal takes down the whole tree (wrangler, its two workerd
 * processes, esbuild). The leader is the command itself (`exec` keeps the
 * pid), started with the open-file limit raised to the hard limit and, when
 * asked and `taskset` exists, pinned to one core. Groups still running when
 * this process ends are SIGKILLed through the harness's one cleanup path
 * (lifecycle.ts), so an interrupted run leaves nothing behind.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { appendFileSync } from "node:fs";
import { onCleanup } from "./lifecycle";
import { holdsWithin } from "./wait";

/** How long a group gets to end after SIGTERM before SIGKILL, and after SIGKILL before we stop waiting. */
const STOP_GRACE_MS = 5_000;
const EXIT_POLL_MS = 50;
const LOG_TAIL_CHARS = 20_000;

export interface GroupOptions {
  /** For messages: "wrangler dev (listroom)". */
  label: string;
  command: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Pin the group to this core when `taskset` exists. */
  cpu?: number | null;
  /** Also append all output to this file. */
  logFile?: string;
}

export interface ProcessGroup {
  /** The leader's pid, which is also the group id. */
  readonly pid: number;
  readonly label: string;
  /** The tail of its stdout and stderr. */
  logs(): string;
  /** Why the leader exited, once it has. */
  exited(): string | null;
  /** SIGTERM to the group; SIGKILL if it is still there after a grace period. */
  stop(): Promise<void>;
  /** SIGKILL to the group now; resolves once the leader has exited (bounded). */
  kill(): Promise<void>;
}

const running = new Map<number, ProcessGroup>();
let cleanupRegistered = false;

let tasksetFound: boolean | null = null;
export function hasTaskset(): boolean {
  tasksetFound ??= spawnSync("taskset", ["--version"], { stdio: "ignore" }).status === 0;
  return tasksetFound;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function groupIsAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function startProcessGroup(options: GroupOptions): ProcessGroup {
  if (!cleanupRegistered) {
    cleanupRegistered = true;
    onCleanup(killAllGroupsNow);
  }
  const pin = options.cpu != null && hasTaskset() ? `taskset -c ${options.cpu} ` : "";
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
    if (options.logFile) appendFileSync(options.logFile, chunk);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  let exitReason: string | null = null;
  child.once("exit", (code, signal) => {
    exitReason = `${options.label} exited (code ${code}, signal ${signal})`;
  });

  const ended = async (what: string) => {
    await holdsWithin(() => exitReason !== null && !groupIsAlive(pid), { what, timeoutMs: STOP_GRACE_MS, pollMs: EXIT_POLL_MS });
  };
  const release = () => {
    child.stdout?.destroy();
    child.stderr?.destroy();
    running.delete(pid);
  };
  const group: ProcessGroup = {
    pid,
    label: options.label,
    logs: () => output,
    exited: () => exitReason,
    stop: async () => {
      if (!running.has(pid)) return;
      signalGroup(pid, "SIGTERM");
      await ended(`${options.label} to end after SIGTERM`);
      if (groupIsAlive(pid)) {
        signalGroup(pid, "SIGKILL");
        await ended(`${options.label} to end after SIGKILL`);
      }
      release();
    },
    kill: async () => {
      if (!running.has(pid)) return;
      signalGroup(pid, "SIGKILL");
      await ended(`${options.label} to end after SIGKILL`);
      release();
    },
  };
  running.set(pid, group);
  return group;
}

/** Stops every group still running (SIGTERM, then SIGKILL). */
export async function stopAllGroups(): Promise<void> {
  await Promise.all([...running.values()].map((group) => group.stop()));
}

/** Synchronous, for exit paths that cannot wait: SIGKILL to every group still running. */
export function killAllGroupsNow(): void {
  for (const pid of running.keys()) signalGroup(pid, "SIGKILL");
  running.clear();
}
