import { describe, expect, it } from "vitest";
import { overrideVar } from "../room/roomHarness";
import { expectRejected, postJson, request } from "./request";

const COUNTERS = ["rowsRead", "rowsWritten", "setAlarmCalls", "alarmRuns", "framesIn", "framesOut"];

async function usage(): Promise<Record<string, number>> {
  const response = await request("/api/usage");
  expect(response.status).toBe(200);
  const { usage } = await response.json<{ usage: Record<string, number> }>();
  return usage;
}

describe("GET /api/usage", () => {
  it("hides the usage counters unless EXPOSE_USAGE is true", async () => {
    await expectRejected(await request("/api/usage"), 404, "not_found");
    overrideVar("EXPOSE_USAGE", "yes");
    await expectRejected(await request("/api/usage"), 404, "not_found");
  });

  it("serves the default list's billable-work counters when EXPOSE_USAGE is true, and they count", async () => {
    overrideVar("EXPOSE_USAGE", "true");
    const before = await usage();
    expect(Object.keys(before).sort()).toEqual([...COUNTERS].sort());
    for (const name of COUNTERS) expect(Number.isSafeInteger(before[name]), name).toBe(true);
    expect((await postJson({ title: "counted", body: "a row written" })).status).toBe(201);
    expect((await usage()).rowsWritten).toBeGreaterThan(before.rowsWritten!);
  });
});
