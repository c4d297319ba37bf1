import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Four projects, by where the code under test runs:
// - unit:    DOM-free logic (client delivery, protocol parsing, the room's
//            delivery rules over an in-memory log, the table of variables against wrangler.toml and the docs)
//            and the Worker's size budget, in plain Node;
// - workers: the Worker and the ListRoom object inside workerd;
// - e2e:     the real app under `wrangler dev`, over real sockets;
// - browser: the page in Debian's Chromium (npm run test:e2e).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          environment: "node",
          include: ["test/client/**/*.test.ts", "test/protocol/**/*.test.ts", "test/config/**/*.test.ts", "test/delivery/**/*.test.ts", "test/build/**/*.test.ts"],
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
              // A small per-address save limit, so the save-limit tests add
              // few items to the list the other tests share.
              ratelimits: { SAVE_LIMITER: { namespace_id: "1403", simple: { limit: 5, period: 60 } } },
            },
          }),
        ],
        test: {
          name: "workers",
          // Property tests run hundreds of requests; a busy two-core machine needs room.
          testTimeout: 30_000,
          include: ["test/room/**/*.test.ts", "test/relay/**/*.test.ts", "test/worker/**/*.test.ts", "test/hostile/**/*.test.ts", "test/contract/**/*.test.ts"],
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
