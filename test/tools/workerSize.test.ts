/**
 * The Worker script, as `wrangler deploy` would upload it, stays within its
 * gzipped budget (tools/workerSize.mjs), so a change that grows it past the
 * budget fails here, with the size, instead of drifting.
 */
import { describe, expect, it } from "vitest";
import { measureWorker, WORKER_GZIP_BUDGET } from "../../tools/workerSize.mjs";

describe("the Worker's size", () => {
  it(`is at most ${WORKER_GZIP_BUDGET} bytes gzipped`, async () => {
    const { bytes, gzipBytes } = await measureWorker();
    expect(gzipBytes, `the Worker is ${bytes} bytes, ${gzipBytes} gzipped`).toBeLessThanOrEqual(WORKER_GZIP_BUDGET);
  });
});
