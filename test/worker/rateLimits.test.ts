import { describe, expect, it } from "vitest";
import { SAVE_BURST } from "../../src/room/abuseLimits";
import { expectRejected, postJson, request } from "./request";

describe("HTTP rate limits", () => {
  it("a save past the per-address limit gets 429 with Retry-After, for the API and the seed's route", async () => {
    const address = { "cf-connecting-ip": "192.0.2.44" };
    let response: Response;
    let saved = 0;
    do {
      response = await postJson({ title: "flood", body: "x" }, address);
      if (response.status === 201) saved++;
    } while (response.status === 201 && saved < 100);
    expect(saved).toBe(SAVE_BURST);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    await expectRejected(response, 429, "rate_limited");

    const seed = await request("/save", {
      method: "POST",
      headers: address,
      body: new URLSearchParams({ itemtitle: "t", itemtext: "b" }),
    });
    expect(seed.status).toBe(429);
    expect(await seed.json()).toMatchObject({ result: "failure", error: { code: "rate_limited" } });
  });

  it("hides the usage counters unless EXPOSE_USAGE is true", async () => {
    await expectRejected(await request("/api/usage"), 404, "not_found");
  });
});
