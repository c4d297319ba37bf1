/** `node .build/bench.mjs --serve socketio|ws --port N [--db FILE]`: run one Node peer until killed. */
import { serveSocketIo } from "./socketioServer";
import { serveWs } from "./wsServer";

export function serve(kind: string, port: number, databasePath: string | undefined): void {
  if (kind === "ws") return serveWs(port);
  if (kind === "socketio") {
    if (!databasePath) throw new Error("--serve socketio needs --db FILE");
    return serveSocketIo(port, databasePath);
  }
  throw new Error(`unknown server ${kind}; expected socketio or ws`);
}
