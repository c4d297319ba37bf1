/**
 * The one way tests and tools run the app: `wrangler dev` on 127.0.0.1, in a
 * process group of its own, on a port and a `--persist-to` directory chosen
 * once and kept, so that the server can be stopped, or killed hard (SIGKILL
 * to the whole group, workerd included), and started again where clients
 * expect it, on the same storage. Readiness is a GET that answers 200.
 *
 * wrangler dev runs two workerd processes: a dev-only proxy on the port we
 * choose, and the runtime that holds the Worker and its Durable Objects on a
 * port of its own. {@link WranglerDev.runtime} finds the runtime (from /proc,
 * then probed), so that RSS and CPU readings are charged to the process that
 * does the work and load can bypass the proxy.
 *
 * @example
 * const server = await startWranglerDev({ vars: { RESEND_INTERVAL_MS: 300 } });
 * await server.kill(); // hard, as a crash would
 * await server.start(); // same port, same items
 * await server.dispose();
 */
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, HOST, httpStatus, portAccepts, untilAnswering } from "./net";
import { pathWithOurNode, PROJECT_ROOT, WRANGLER_BIN } from "./paths";
import { commandLine, listeningPorts, processTree } from "./proc";
import { startProcessGroup, type ProcessGroup } from "./processGroup";
import { makeTempDir, removeTempDir } from "./tempDirs";
import { waitFor } from "./wait";

export interface WranglerDevOptions {
  /** For messages; "wrangler dev" unless told. */
  label?: string;
  /** The folder wrangler runs in: the project root unless told (a copy of the app, the bench's bare Worker). */
  projectDir?: string;
  /** `--config`, for a Worker whose wrangler.toml is elsewhere (the bench's bare broadcast). */
  configPath?: string;
  /** A fixed port; by default a free one, kept across restarts. */
  port?: number;
  /** Storage to run on, kept when the server is disposed; by default a temporary one, removed then. */
  persistDir?: string;
  /** Worker vars, each passed as `--var NAME:VALUE`. */
  vars?: Record<string, string | number | boolean>;
  /** A GET that answers 200 once the Worker is up. */
  healthPath?: string;
  readyTimeoutMs?: number;
  /** Pin the server to this core (with taskset). */
  cpu?: number | null;
  /** Extra environment for wrangler (e.g. X_LOCAL_OBSERVABILITY). */
  env?: Record<string, string>;
  logLevel?: "debug" | "info" | "log" | "warn" | "error" | "none";
  /** Append every start's whole output to this file. */
  logFile?: string;
}

/** The workerd process serving the Worker, and its own entry port. */
export interface Runtime {
  pid: number;
  port: number;
  origin: string;
}

/** Starting takes about 8 s on an idle 2-core machine; other people's test runs can triple that. */
const READY_TIMEOUT_MS = 120_000;
const READY_REQUEST_TIMEOUT_MS = 3_000;
const PORT_RELEASE_TIMEOUT_MS = 10_000;
const RUNTIME_PROBE_TIMEOUT_MS = 1_000;

export class WranglerDev {
  readonly baseUrl: string;
  readonly wsUrl: string;
  private group: ProcessGroup | null = null;
  private foundRuntime: Runtime | null = null;
  private starts = 0;
  /** wrangler dev's inspector (the Chrome DevTools protocol, proxied to the runtime's isolates), chosen at each start. */
  inspectorPort: number | null = null;

  private constructor(
    readonly port: number,
    readonly persistDir: string,
    private readonly ownsPersistDir: boolean,
    private readonly options: WranglerDevOptions,
  ) {
    this.baseUrl = `http://${HOST}:${port}`;
    this.wsUrl = `ws://${HOST}:${port}/ws`;
  }

  /** Chooses the port and the storage; does not start anything. */
  static async create(options: WranglerDevOptions = {}): Promise<WranglerDev> {
    const port = options.port ?? (await freePort());
    const persistDir = options.persistDir ?? makeTempDir("listroom-wrangler-state-");
    return new WranglerDev(port, persistDir, options.persistDir === undefined, options);
  }

  private get label(): string {
    return this.options.label ?? "wrangler dev";
  }

  /** The runtime workerd found at the last start, or null when it could not be told from the proxy. */
  runtime(): Runtime | null {
    return this.foundRuntime;
  }

  /** The runtime (`server`) and everything else in the group (`tooling`: wrangler's node, the proxy, esbuild). */
  processes(): { server: number[]; tooling: number[] } {
    if (!this.group) return { server: [], tooling: [] };
    const tree = processTree(this.group.pid);
    const server = this.foundRuntime
      ? [this.foundRuntime.pid]
      : tree.filter((stat) => stat.comm === "workerd").map((stat) => stat.pid);
    return { server, tooling: tree.map((stat) => stat.pid).filter((pid) => !server.includes(pid)) };
  }

  /** wrangler's recent output, for a failure message. */
  logs(): string {
    return this.group?.logs() ?? "";
  }

  /** Why wrangler exited, when it did so on its own. */
  exited(): string | null {
    return this.group?.exited() ?? null;
  }

  /** Starts wrangler dev and resolves once it answers; on failure, stops it and throws with its output. */
  async start(): Promise<void> {
    if (this.group) throw new Error(`${this.label} is already running`);
    const { options } = this;
    this.starts++;
    this.inspectorPort = await freePort();
    const vars = Object.entries(options.vars ?? {}).flatMap(([name, value]) => ["--var", `${name}:${value}`]);
    const args = [
      "dev",
      ...(options.configPath ? ["--config", options.configPath] : []),
      ...["--port", String(this.port), "--ip", HOST],
      ...["--inspector-port", String(this.inspectorPort), "--inspector-ip", HOST],
      ...["--persist-to", this.persistDir, "--show-interactive-dev-session=false"],
      ...(options.logLevel ? [`--log-level=${options.logLevel}`] : []),
      ...vars,
    ];
    this.note(`=== start #${this.starts} at ${new Date().toISOString()} ===`);
    const group = startProcessGroup({
      label: this.label,
      command: WRANGLER_BIN,
      args,
      cwd: options.projectDir ?? PROJECT_ROOT,
      cpu: options.cpu,
      logFile: options.logFile,
      env: {
        ...process.env,
        WRANGLER_SEND_METRICS: "false",
        WRANGLER_LOG_PATH: join(this.persistDir, "wrangler-logs"),
        PATH: pathWithOurNode(),
        ...options.env,
      },
    });
    this.group = group;
    const healthPath = options.healthPath ?? "/api/items?limit=1";
    try {
      await untilAnswering(`${this.baseUrl}${healthPath}`, {
        what: `${this.label} (start #${this.starts})`,
        timeoutMs: options.readyTimeoutMs ?? READY_TIMEOUT_MS,
        exited: group.exited,
        requestTimeoutMs: READY_REQUEST_TIMEOUT_MS,
      });
    } catch (error) {
      const logs = group.logs();
      await this.kill();
      throw new Error(`${(error as Error).message}\n--- ${this.label} output ---\n${logs}`);
    }
    this.note(`=== answering at ${new Date().toISOString()} ===`);
    this.foundRuntime = await findRuntime(group.pid, this.port, healthPath);
  }

  /** SIGTERM, then SIGKILL after a grace period; resolves once the port is free. Storage is kept. */
  async stop(): Promise<void> {
    await this.end((group) => group.stop());
  }

  /** SIGKILL to wrangler's whole group now, as a crash would; resolves once the port is free. Storage is kept. */
  async kill(): Promise<void> {
    await this.end((group) => group.kill());
  }

  /** Stops the server and removes the storage if it made it. */
  async dispose(): Promise<void> {
    await this.stop();
    if (this.ownsPersistDir) removeTempDir(this.persistDir);
  }

  private async end(how: (group: ProcessGroup) => Promise<void>): Promise<void> {
    const group = this.group;
    if (!group) return;
    await how(group);
    this.group = null;
    this.foundRuntime = null;
    await waitFor(async () => !(await portAccepts(this.port)), {
      what: `port ${this.port} to be free once ${this.label} ended`,
      timeoutMs: PORT_RELEASE_TIMEOUT_MS,
      pollMs: 100,
    });
  }

  private note(line: string): void {
    if (this.options.logFile) appendFileSync(this.options.logFile, `\n${line}\n`);
  }
}

/** Creates a {@link WranglerDev} and starts it; on failure, removes what it made. */
export async function startWranglerDev(options: WranglerDevOptions = {}): Promise<WranglerDev> {
  const server = await WranglerDev.create(options);
  try {
    await server.start();
  } catch (error) {
    await server.dispose();
    throw error;
  }
  return server;
}

/** The workerd under wrangler that is not the dev proxy (whose command line names our port), probed on its own ports. */
async function findRuntime(wranglerPid: number, proxyPort: number, healthPath: string): Promise<Runtime | null> {
  const isProxy = (pid: number) => commandLine(pid).includes(`entry=${HOST}:${proxyPort} `);
  const candidates = processTree(wranglerPid).filter((stat) => stat.comm === "workerd" && !isProxy(stat.pid));
  for (const { pid } of candidates) {
    for (const port of listeningPorts(pid)) {
      const origin = `http://${HOST}:${port}`;
      if ((await httpStatus(`${origin}${healthPath}`, RUNTIME_PROBE_TIMEOUT_MS)) === 200) return { pid, port, origin };
    }
  }
  return null;
}
