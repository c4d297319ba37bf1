import { describe, expect, it } from "vitest";
import { LocalLists } from "../../../src/client/core/localLists";
import {
  checkOwnerKey,
  NOT_CHECKED_MESSAGE,
  NOT_VALID_MESSAGE,
  takeOwnerLink,
  type OwnerCheckAnswer,
} from "../../../src/client/core/ownerLink";
import { MemoryStore } from "../memoryStore";

const LIST = "Xq3v9V0kP2bT7rWm1sLd8A";
const WORKING = "theKeyThatWorks";

/** A server that knows one owner key, and the keys it was asked about. */
function server(owner: string | null, answer?: OwnerCheckAnswer) {
  const asked: string[] = [];
  const check = async (key: string): Promise<OwnerCheckAnswer> => {
    asked.push(key);
    return answer ?? (key === owner ? "owner" : "not-owner");
  };
  return { asked, check };
}

function browserWith(key: string | null): LocalLists {
  const local = new LocalLists(new MemoryStore());
  if (key !== null) local.keepOwnerKey(LIST, key);
  return local;
}

describe("an owner link", () => {
  it("whose key owns the list is kept on a fresh browser, and leaves the address bar", async () => {
    const local = browserWith(null);
    const { asked, check } = server(WORKING);
    expect(await takeOwnerLink(`#owner=${WORKING}`, LIST, local, check)).toEqual({ fragment: "", message: null });
    expect(asked).toEqual([WORKING]);
    expect(local.ownerKey(LIST)).toBe(WORKING);
  });

  it("whose key does not own the list never replaces the key that works, and says so", async () => {
    const local = browserWith(WORKING);
    const { check } = server(WORKING);
    expect(await takeOwnerLink("#owner=garbage", LIST, local, check)).toEqual({ fragment: "", message: NOT_VALID_MESSAGE });
    expect(local.ownerKey(LIST)).toBe(WORKING);
  });

  it("whose key does not own the list is not kept on a fresh browser either", async () => {
    const local = browserWith(null);
    const { check } = server(WORKING);
    expect((await takeOwnerLink("#owner=garbage", LIST, local, check)).message).toBe(NOT_VALID_MESSAGE);
    expect(local.ownerKey(LIST)).toBeNull();
  });

  it("whose key works replaces a dead one", async () => {
    const local = browserWith("aDeadKey");
    const { check } = server(WORKING);
    expect(await takeOwnerLink(`#owner=${WORKING}`, LIST, local, check)).toEqual({ fragment: "", message: null });
    expect(local.ownerKey(LIST)).toBe(WORKING);
  });

  it("with characters no key holds is not valid, without asking", async () => {
    const local = browserWith(WORKING);
    const { asked, check } = server(WORKING);
    expect(await takeOwnerLink("#owner=not%20a%20key", LIST, local, check)).toEqual({ fragment: "", message: NOT_VALID_MESSAGE });
    expect(asked).toEqual([]);
    expect(local.ownerKey(LIST)).toBe(WORKING);
  });

  it("with the key already kept asks nothing; the rest of the fragment stays", async () => {
    const local = browserWith(WORKING);
    const { asked, check } = server(WORKING);
    expect(await takeOwnerLink(`#owner=${WORKING}&x=1`, LIST, local, check)).toEqual({ fragment: "#x=1", message: null });
    expect(asked).toEqual([]);
  });

  it("that cannot be checked keeps nothing and stays in the address bar, so a reload asks again", async () => {
    const local = browserWith(WORKING);
    const { check } = server(null, "unknown");
    expect(await takeOwnerLink("#owner=maybeAKey", LIST, local, check)).toEqual({ fragment: "#owner=maybeAKey", message: NOT_CHECKED_MESSAGE });
    expect(local.ownerKey(LIST)).toBe(WORKING);
  });

  it("for a list that does not exist keeps nothing and says nothing (the page says there is no such list)", async () => {
    const local = browserWith(null);
    const { check } = server(null, "no-such-list");
    expect(await takeOwnerLink("#owner=someKey", LIST, local, check)).toEqual({ fragment: "", message: null });
    expect(local.ownerKey(LIST)).toBeNull();
  });

  it("a page without one is left alone", async () => {
    const { asked, check } = server(WORKING);
    expect(await takeOwnerLink("#section", LIST, browserWith(null), check)).toEqual({ fragment: "#section", message: null });
    expect(await takeOwnerLink("", LIST, browserWith(null), check)).toEqual({ fragment: "", message: null });
    expect(asked).toEqual([]);
  });
});

describe("checkOwnerKey", () => {
  const answering = (status: number | Error) => {
    const requests: Request[] = [];
    const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
      requests.push(new Request(new URL(String(input), "https://listroom.test"), init));
      if (status instanceof Error) throw status;
      return new Response(status === 204 ? null : "{}", { status });
    }) as typeof fetch;
    return { requests, fetchImpl };
  };

  it.each([
    [204, "owner"],
    [403, "not-owner"],
    [404, "no-such-list"],
    [401, "unknown"],
    [429, "unknown"],
    [500, "unknown"],
  ] as const)("reads %i as %s", async (status, answer) => {
    expect(await checkOwnerKey(answering(status).fetchImpl, LIST, "k")).toBe(answer);
  });

  it("reads a network failure as unknown", async () => {
    expect(await checkOwnerKey(answering(new TypeError("offline")).fetchImpl, LIST, "k")).toBe("unknown");
  });

  it("asks GET /api/lists/{id}/owner with the key as a Bearer token, and /api/lists/main/owner for the default list", async () => {
    const { requests, fetchImpl } = answering(204);
    await checkOwnerKey(fetchImpl, LIST, "theKey");
    await checkOwnerKey(fetchImpl, "main", "theKey");
    expect(requests.map((r) => [r.method, new URL(r.url).pathname, r.headers.get("authorization")])).toEqual([
      ["GET", `/api/lists/${LIST}/owner`, "Bearer theKey"],
      ["GET", "/api/lists/main/owner", "Bearer theKey"],
    ]);
  });
});
