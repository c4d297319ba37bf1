import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { configDefaults, defineConfig } from "vitest/config";

// Four projects, by where the code under test runs:
// - unit:    DOM-free logic in plain Node: test/client, test/protocol,
//            test/config, test/architecture (the import rule), test/tools
//            (the tools' own logic, such as the bench's registry), and every
//            `*.unit.test.ts` beside the tests of its module (the engine's
//            delivery rules over an in-memory log, pure rules of src/delivery,
//            src/room and src/shared);
// - workers: the Worker and its objects inside workerd: the rest of
//            test/room, test/relay, test/delivery, test/worker…;
// - e2e:     the real app under `wrangler dev`, over real sockets;
// - browser: the page in Debian's Chromium (npm run test:e2e).
/** Tests of pure logic that sit beside the workerd tests of their module, and run in Node. */
const UNIT_TESTS = "test/**/*.unit.test.ts";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          environment: "node",
          include: ["test/client/**/*.test.ts", "test/protocol/**/*.test.ts", "test/config/**/*.test.ts", "test/architecture/**/*.test.ts", "test/tools/**/*.test.ts", UNIT_TESTS],
        },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              // A small connection cap, so the limit test needs few sockets.
              // OWNER_KEY: the default list's owner, for the owner tests.
              // LIST_ID_SECRET: list ids are sealed, as when deployed with the secret.
              bindings: {
                CONNECTIONS_PER_ADDRESS: "5",
                OWNER_KEY: "test-owner-key-of-the-default-list",
                LIST_ID_SECRET: "test-list-id-secret-of-the-pool",
              },
              // Small per-address save and tick limits, so the limit tests add
              // and tick few items on the list the other tests share.
              ratelimits: {
                SAVE_LIMITER: { namespace_id: "1403", simple: { limit: 5, period: 60 } },
                TICK_LIMITER: { namespace_id: "1404", simple: { limit: 8, period: 60 } },
              },
            },
          }),
        ],
        test: {
          name: "workers",
          // Property tests run hundreds of requests; a busy two-core machine needs room.
          testTimeout: 30_000,
          include: ["test/room/**/*.test.ts", "test/relay/**/*.test.ts", "test/delivery/**/*.test.ts", "test/worker/**/*.test.ts", "test/hostile/**/*.test.ts", "test/contract/**/*.test.ts"],
          exclude: [...configDefaults.exclude, UNIT_TESTS],
        },
      },
      {
        test: {
          name: "e2e",
          environment: "node",
          include: ["test/e2e/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 90_000,
        },
      },
      {
        test: {
          name: "browser",
          environment: "node",
          include: ["test/browser/**/*.test.ts"],
          // Outage tests stop and restart wrangler dev, which is slow on a busy machine.
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
