/**
 * The real app under `wrangler dev` on a fixed port and a kept `--persist-to`
 * directory, so that it can be killed hard (SIGKILL to wrangler's whole
 * process group, workerd included) and started again where clients expect
 * it, on the same storage.
 *
 * It runs from a copy of the working tree taken when the run starts: wrangler
 * reloads the Worker whenever a source file changes, and people edit `src/`
 * while a run is under way; a reload mid-run would be a restart nobody
 * planned, and a half-saved file would break it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { freePort } from "../../test/e2e/devServer";
import type { ServerTiming } from "./config";
import { delay, waitUntil } from "./waiting";

const HOST = "127.0.0.1";
/** What the copy needs to build and serve the app; node_modules is linked, not copied. */
const APP_FILES = ["src", "public", "wrangler.toml", "package.json", "tsconfig.json"];
/** Starting takes about 8 s on an idle 2-core machine; other people's test runs can triple that. */
const READY_TIMEOUT_MS = 120_000;
const READY_REQUEST_TIMEOUT_MS = 3_000;
const EXIT_TIMEOUT_MS = 10_000;
const LOG_TAIL_CHARS = 20_000;

export class AppServer {
  private child: ChildProcess | null = null;
  private output = "";
  private starts = 0;

  private constructor(
    private readonly projectRoot: string,
    private readonly workDir: string,
    readonly port: number,
    private readonly timing: ServerTiming,
  ) {}

  /** Copies the app into a fresh temporary directory and picks the port it will always use. */
  static async prepare(projectRoot: string, timing: ServerTiming): Promise<AppServer> {
    const workDir = mkdtempSync(join(tmpdir(), "listroom-chaos-"));
    try {
      const appDir = join(workDir, "app");
      mkdirSync(appDir);
      for (const name of APP_FILES) cpSync(join(projectRoot, name), join(appDir, name), { recursive: true });
      symlinkSync(join(projectRoot, "node_modules"), join(appDir, "node_modules"), "dir");
      return new AppServer(projectRoot, workDir, await freePort(), timing);
    } catch (error) {
      rmSync(workDir, { recursive: true, force: true });
      throw error;
    }
  }

  get baseUrl(): string {
    return `http://${HOST}:${this.port}`;
  }

  get wsUrl(): string {
    return `ws://${HOST}:${this.port}/ws`;
  }

  private get logPath(): string {
    return join(this.workDir, "wrangler.log");
  }

  /** Keeps wrangler's whole output (every start) at `path`, for diagnosing a finding. */
  saveLog(path: string): void {
    if (existsSync(this.logPath)) copyFileSync(this.logPath, path);
  }

  /** wrangler's recent output, for a failure message. */
  logs(): string {
    return this.output;
  }

  async start(): Promise<void> {
    if (this.child) throw new Error("the server is already running");
    const appDir = join(this.workDir, "app");
    const vars = {
      RESEND_INTERVAL_MS: this.timing.resendIntervalMs,
      MAX_SEND_ATTEMPTS: this.timing.maxSendAttempts,
      RESUME_WINDOW_MS: this.timing.resumeWindowMs,
    };
    const args = [
      "dev",
      ...["--port", String(this.port), "--ip", HOST],
      ...["--inspector-port", String(await freePort()), "--inspector-ip", HOST],
      ...["--persist-to", join(this.workDir, "state"), "--show-interactive-dev-session=false"],
      ...Object.entries(vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
    ];
    this.starts++;
    const child = spawn(join(this.projectRoot, "node_modules", ".bin", "wrangler"), args, {
      cwd: appDir,
      // Its own process group, so that one signal takes workerd down with it.
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        WRANGLER_SEND_METRICS: "false",
        WRANGLER_LOG_PATH: join(this.workDir, "wrangler-logs"),
        // The .bin scripts run `node` from PATH; make it the Node running us (22, not the machine's 20).
        PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ""}`,
      },
    });
    this.child = child;
    const logPath = this.logPath;
    appendFileSync(logPath, `\n=== start #${this.starts} at ${new Date().toISOString()} ===\n`);
    const collect = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString("utf8")).slice(-LOG_TAIL_CHARS);
      appendFileSync(logPath, chunk);
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    const ready = await waitUntil(() => this.answers(), { timeoutMs: READY_TIMEOUT_MS, pollMs: 250 });
    if (!ready) throw new Error(`the server did not answer within ${READY_TIMEOUT_MS} ms (start #${this.starts})`);
    appendFileSync(logPath, `\n=== answering at ${new Date().toISOString()} ===\n`);
  }

  private async answers(): Promise<boolean> {
    if (this.child?.exitCode !== null || this.child.signalCode !== null) {
      throw new Error(`wrangler exited before answering (start #${this.starts})`);
    }
    try {
      const response = await fetch(`${this.baseUrl}/api/items?limit=1`, {
        signal: AbortSignal.timeout(READY_REQUEST_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      return response.ok;
    } catch {
      return false;
    }
  }

  /** SIGKILL to the whole group, then waits until nothing listens on the port. */
  async killHard(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) done();
      else child.once("exit", () => done());
    });
    killGroup(child.pid, "SIGKILL");
    await Promise.race([exited, delay(EXIT_TIMEOUT_MS)]);
    child.stdout?.destroy();
    child.stderr?.destroy();
    this.child = null;
    const released = await waitUntil(async () => !(await portAnswers(this.port)), { timeoutMs: EXIT_TIMEOUT_MS });
    if (!released) throw new Error(`port ${this.port} still answers after SIGKILL`);
  }

  /**
   * Synchronous, for exit paths: kills what runs and removes the copy and
   * its storage.
   */
  dispose(): void {
    if (this.child) killGroup(this.child.pid, "SIGKILL");
    this.child = null;
    rmSync(this.workDir, { recursive: true, force: true });
  }
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((answer) => {
    const socket = connect({ host: HOST, port });
    socket.setTimeout(1_000);
    socket.once("connect", () => {
      socket.destroy();
      answer(true);
    });
    socket.once("timeout", () => {
      socket.destroy();
      answer(false);
    });
    socket.once("error", () => answer(false));
  });
}

export function projectRootOf(moduleUrl: string): string {
  return resolve(dirname(new URL(moduleUrl).pathname), "..");
}
