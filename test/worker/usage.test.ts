import { describe, it } from "vitest";
import { expectRejected, request } from "./request";

describe("GET /api/usage", () => {
  it("hides the usage counters unless EXPOSE_USAGE is true", async () => {
    await expectRejected(await request("/api/usage"), 404, "not_found");
  });
});
