/**
 * `node .build/bench.mjs --serve socketio|ws --port N [--db FILE]`: run one Node peer until killed;
 * `--serve workerd --host-config FILE`: one Worker on workerd through Miniflare (workerdHost.ts).
 * The bench's own bundle is these servers' entry point (lib/paths.ts), so main.ts hands such a command line here.
 */
import { parseArgs } from "node:util";
import { serveSocketIo } from "./socketioServer";
import { serveWorkerd } from "./workerdHost";
import { serveWs } from "./wsServer";

export async function serve(kind: string, options: { port: number; databasePath?: string; hostConfig?: string }): Promise<void> {
  if (kind === "ws") return serveWs(options.port);
  if (kind === "socketio") {
    if (!options.databasePath) throw new Error("--serve socketio needs --db FILE");
    return serveSocketIo(options.port, options.databasePath);
  }
  if (kind === "workerd") {
    if (!options.hostConfig) throw new Error("--serve workerd needs --host-config FILE");
    return serveWorkerd(options.hostConfig);
  }
  throw new Error(`unknown server ${kind}; expected socketio, ws or workerd`);
}

/** Whether this command line starts a server rather than a scenario. */
export function isServeCommand(args: readonly string[]): boolean {
  return args[0] === "--serve";
}

export function serveFromArgs(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { serve: { type: "string" }, port: { type: "string" }, db: { type: "string" }, "host-config": { type: "string" } },
    strict: true,
  });
  return serve(values.serve ?? "", { port: Number(values.port), databasePath: values.db, hostConfig: values["host-config"] });
}
