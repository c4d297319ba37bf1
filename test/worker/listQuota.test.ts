/**
 * Creating lists is limited per address group (`LISTS_PER_HOUR`, counted by
 * a `ListQuota` object in a sliding hour; src/quota/ListQuota.ts). The clock
 * is faked (the object shares the test's isolate), so hours pass without
 * sleeping; each test uses addresses no other test uses.
 */
import { listDurableObjectIds, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it, onTestFinished } from "vitest";
import { admitCreation, LIST_QUOTA_WINDOW_MS, readListsPerHour } from "../../src/quota/ListQuota";
import { controlClock, overrideVar } from "../room/roomHarness";
import { expectRejected, randomIPv4, randomIPv6Prefix, request } from "./request";

const MINUTE_MS = 60_000;

function create(address: string): Promise<Response> {
  return request("/api/lists", { method: "POST", headers: { "cf-connecting-ip": address } });
}

async function createMany(address: string | ((n: number) => string), count: number): Promise<void> {
  for (let n = 0; n < count; n++) {
    const response = await create(typeof address === "string" ? address : address(n));
    expect(response.status).toBe(201);
    await response.arrayBuffer();
  }
}

/** A refusal: 429 `rate_limited`, and the `Retry-After` it gives, in seconds. */
async function refusedFor(response: Response): Promise<number> {
  const retryAfter = Number(response.headers.get("retry-after"));
  await expectRejected(response, 429, "rate_limited");
  return retryAfter;
}

function storedCreations(group: string): Promise<unknown> {
  return runInDurableObject(env.LIST_QUOTA.getByName(group), (_quota, state) => state.storage.kv.get("creations"));
}

describe("LISTS_PER_HOUR", () => {
  // Every creation also counts as a save per address (SAVE_LIMITER, which
  // the pool lowers to 5 a minute; test/worker/routeLimits.test.ts checks
  // it): here the hour's quota is under test, so that limit admits all.
  beforeEach(() => {
    const saved = env.SAVE_LIMITER;
    env.SAVE_LIMITER = { limit: async () => ({ success: true }) };
    onTestFinished(() => void (env.SAVE_LIMITER = saved));
  });

  it("an address creates 20 lists an hour; the 21st waits until the oldest leaves the window", async () => {
    expect(env.LISTS_PER_HOUR).toBe("20");
    const clock = controlClock();
    const address = randomIPv4();
    await createMany(address, 10);
    clock.advance(20 * MINUTE_MS);
    await createMany(address, 10);
    expect(await refusedFor(await create(address))).toBe(40 * 60);

    // The window slides: the first ten leave at 60 minutes, the next ten at 80.
    clock.advance(40 * MINUTE_MS);
    await createMany(address, 10);
    expect(await refusedFor(await create(address))).toBe(20 * 60);
  });

  it("other addresses are counted apart, and every address in one IPv6 /64 counts as one", async () => {
    overrideVar("LISTS_PER_HOUR", "3");
    const prefix = randomIPv6Prefix();
    await createMany((n) => `${prefix}:${n + 1}::${n + 7}`, 3);
    await refusedFor(await create(`${prefix}::abcd`));
    await createMany(`${randomIPv6Prefix()}::1`, 3);
    await createMany(randomIPv4(), 3);
  });

  it("loopback is exempt while EXEMPT_LOOPBACK is true, and limited like anyone when it is false", async () => {
    overrideVar("LISTS_PER_HOUR", "2");
    await createMany("127.0.0.1", 3);
    await createMany("::1", 3);
    overrideVar("EXEMPT_LOOPBACK", "false");
    const [a, b] = crypto.getRandomValues(new Uint8Array(2));
    const loopback = `127.${a}.${b}.1`;
    await createMany(loopback, 2);
    await refusedFor(await create(loopback));
  });

  it("a refused request creates nothing: no list, and its window is as it was", async () => {
    overrideVar("LISTS_PER_HOUR", "1");
    const address = randomIPv4();
    await createMany(address, 1);
    const lists = (await listDurableObjectIds(env.LIST_ROOM)).map((id) => id.toString()).sort();
    const creations = await storedCreations(address);
    await refusedFor(await create(address));
    expect((await listDurableObjectIds(env.LIST_ROOM)).map((id) => id.toString()).sort()).toEqual(lists);
    expect(await storedCreations(address)).toEqual(creations);
  });

  it("an hour after the newest creation the alarm clears the quota's storage; an early alarm keeps it", async () => {
    const clock = controlClock();
    const address = randomIPv4();
    await createMany(address, 1);
    const quota = env.LIST_QUOTA.getByName(address);
    expect(await runDurableObjectAlarm(quota)).toBe(true);
    expect(await storedCreations(address)).toEqual([clock.now()]);

    clock.advance(LIST_QUOTA_WINDOW_MS);
    expect(await runDurableObjectAlarm(quota)).toBe(true);
    const left = await runInDurableObject(quota, async (_quota, state) => ({
      keys: [...state.storage.kv.list()],
      alarm: await state.storage.getAlarm(),
    }));
    expect(left).toEqual({ keys: [], alarm: null });
    await createMany(address, 1);
    expect(await runDurableObjectAlarm(quota)).toBe(true);
  });

  it("an out-of-range value is an error naming the var", async () => {
    expect(readListsPerHour({})).toBe(20);
    expect(readListsPerHour({ LISTS_PER_HOUR: "10000" })).toBe(10_000);
    for (const value of ["0", "-1", "2.5", "10001", "many"]) {
      expect(() => readListsPerHour({ LISTS_PER_HOUR: value })).toThrow(/LISTS_PER_HOUR/);
    }
    // Every creation reads it, exempt or not, so a bad value shows at once.
    overrideVar("LISTS_PER_HOUR", "0");
    await expectRejected(await create("127.0.0.1"), 500, "internal_error");
  });
});

describe("admitCreation", () => {
  const policy = { limit: 2, windowMs: 1_000 };

  it("admits while fewer than the limit are in the window, and forgets those that left it", () => {
    expect(admitCreation([], 5, policy)).toEqual({ admission: { ok: true }, creations: [5] });
    expect(admitCreation([0, 500], 1_000, policy)).toEqual({ admission: { ok: true }, creations: [500, 1_000] });
  });

  it("refuses until enough of the oldest leave, also after the limit was lowered", () => {
    expect(admitCreation([100, 500], 900, policy)).toEqual({ admission: { ok: false, retryAfterMs: 200 }, creations: [100, 500] });
    expect(admitCreation([100, 300, 500], 900, policy)).toEqual({
      admission: { ok: false, retryAfterMs: 400 },
      creations: [100, 300, 500],
    });
  });
});
