/**
 * `node .build/bench.mjs --serve workerd --host-config FILE`: one Worker on
 * workerd through Miniflare's API, until killed. No inspector, no dev proxy,
 * no live reload, no local tracing: Miniflare only writes workerd's config
 * and spawns it. The load reaches the Worker on a direct socket
 * (`unsafeDirectSockets`), past Miniflare's own entry Worker, which would
 * otherwise run JavaScript (and gzip answers) on every request. Bindings,
 * compatibility date and Durable Object classes come from the Worker's
 * wrangler config, as wrangler dev reads them; Durable Objects are
 * SQLite-backed and kept in `persistDir`. Static assets are left out: the
 * benchmark asks only API and socket paths, which production sends to the
 * Worker too.
 *
 * Miniflare is the copy @cloudflare/vitest-plugin and wrangler already bring
 * (one workerd version for the whole repository).
 */
import { readFileSync } from "node:fs";
import { convertV4MiniflareOptions, Miniflare, type V4WorkerOptionsShape } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";

export interface WorkerdHostConfig {
  name: string;
  bundleDir: string;
  mainModule: string;
  wranglerConfig: string;
  /** Worker vars set on top of the config's. */
  vars: Record<string, string>;
  host: string;
  port: number;
  persistDir: string;
  /** Open workerd's inspector here (profiling runs only; measured runs leave it closed). */
  inspectorPort: number | null;
}

export async function serveWorkerd(configFile: string): Promise<void> {
  const config = JSON.parse(readFileSync(configFile, "utf8")) as WorkerdHostConfig;
  // wrangler's own reading of the config (the type it declares leans on packages not installed here).
  const fromConfig = unstable_getMiniflareWorkerOptions(config.wranglerConfig).workerOptions as V4WorkerOptionsShape;
  const miniflare = new Miniflare(
    convertV4MiniflareOptions({
      host: config.host,
      port: 0,
      ...(config.inspectorPort === null ? {} : { inspectorPort: config.inspectorPort }),
      rootPath: config.bundleDir,
      resourcePersistencePath: config.persistDir,
      workers: [
        {
          name: config.name,
          modules: true,
          scriptPath: config.mainModule,
          modulesRoot: config.bundleDir,
          compatibilityDate: fromConfig.compatibilityDate,
          compatibilityFlags: fromConfig.compatibilityFlags,
          bindings: { ...fromConfig.bindings, ...config.vars },
          durableObjects: fromConfig.durableObjects,
          ratelimits: fromConfig.ratelimits,
          unsafeDirectSockets: [{ host: config.host, port: config.port }],
        },
      ],
    }),
  );
  await miniflare.ready;
  process.stdout.write(`workerd serving ${config.name} on ${config.host}:${config.port}\n`);
  const stop = () => void miniflare.dispose().finally(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}
