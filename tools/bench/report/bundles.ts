/**
 * What a page downloads to get live updates: Listroom's whole bundled page
 * script (public/app.js, built by `npm run build`) against socket.io-client's
 * minified browser bundle alone, both gzipped at level 9.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { pathWithOurNode, PROJECT_ROOT } from "../../harness/paths";

const BUILD_TIMEOUT_MS = 120_000;

export interface BundleSizes {
  appJsBytes: number;
  appJsGzipBytes: number;
  socketIoClientBytes: number;
  socketIoClientGzipBytes: number;
  problem: string | null;
}

function sizes(path: string): { bytes: number; gzipBytes: number } {
  const content = readFileSync(path);
  return { bytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length };
}

export function measureBundles(): BundleSizes {
  const build = spawnSync("npm", ["run", "build"], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    timeout: BUILD_TIMEOUT_MS,
    env: { ...process.env, PATH: pathWithOurNode() },
  });
  const problem = build.status === 0 ? null : `npm run build failed: ${(build.stderr ?? "").slice(0, 500)}`;
  const app = sizes(join(PROJECT_ROOT, "public", "app.js"));
  const socketIo = sizes(join(PROJECT_ROOT, "node_modules", "socket.io-client", "dist", "socket.io.min.js"));
  return {
    appJsBytes: app.bytes,
    appJsGzipBytes: app.gzipBytes,
    socketIoClientBytes: socketIo.bytes,
    socketIoClientGzipBytes: socketIo.gzipBytes,
    problem,
  };
}
