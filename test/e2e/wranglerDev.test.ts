/**
 * The real app under `wrangler dev`, driven over HTTP and WebSocket the way a
 * browser would. One server for the file (with a fresh persistence dir), tuned
 * by DEV_VARS so resends take a fraction of a second.
 */
import { request as httpRequest } from "node:http";
import { WebSocket } from "ws";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ItemFrame, SnapshotFrame, WelcomeFrame } from "../../src/protocol/frames";
import type { Item } from "../../src/protocol/item";
import type { WranglerDev } from "../../tools/harness/wranglerDev";
import { DEV_VARS, startDevServer } from "./devServer";
import { FrameQueue } from "./frameQueue";

/** Close code for a client dropped after MAX_SEND_ATTEMPTS unacknowledged sends (docs/PROTOCOL.md). */
const ACK_TIMEOUT_CLOSE = 4008;
/**
 * A bound on waits that depend on the server's timers (resends, drops): long,
 * because these tests check what happens, not how soon; how soon is the
 * benchmark's business. Two of them fit in the e2e test timeout (60 s).
 */
const SLOW_SERVER_MS = 25_000;
/** `{"type":"ping"}` is answered by the platform without the room reading anything (docs/PROTOCOL.md). */
const ROOM_PING = '{ "type": "ping" }';

let server: WranglerDev;
/** Sockets a test opened; whatever is still open afterwards is closed in afterEach. */
const sockets: FrameQueue[] = [];

beforeAll(async () => {
  server = await startDevServer();
});

afterAll(async () => {
  await server?.dispose();
});

afterEach(async () => {
  const open = sockets.splice(0).filter((socket) => socket.closed === null);
  await Promise.all(open.map((socket) => socket.close().catch(() => undefined)));
});

async function connect(query = ""): Promise<FrameQueue> {
  const socket = await FrameQueue.open(`${server.wsUrl}${query}`);
  sockets.push(socket);
  return socket;
}

/** A fresh client: welcome, then its snapshot, acknowledged unless told otherwise. */
async function connectFresh({ ack = true } = {}) {
  const socket = await connect();
  const welcome = await socket.nextOfType<WelcomeFrame>("welcome");
  expect(welcome).toMatchObject({ type: "welcome", resumed: false });
  const snapshot = await socket.nextOfType<SnapshotFrame>("snapshot");
  expect(snapshot.seq).toBe(welcome.seq);
  if (ack) socket.ack(snapshot.seq);
  return { socket, welcome, snapshot };
}

let itemCounter = 0;
function newItem(label: string) {
  itemCounter += 1;
  return { title: `${label} ${itemCounter}`, body: `body of ${label} ${itemCounter}\nsecond line` };
}

async function postItem(input: { title: string; body: string }): Promise<Item> {
  const response = await fetch(`${server.baseUrl}/api/items`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as { item: Item };
  expect(response.status, JSON.stringify(body)).toBe(201);
  expect(body.item).toMatchObject(input);
  return body.item;
}

async function listItems(): Promise<{ items: Item[]; nextBefore: string | null }> {
  const response = await fetch(`${server.baseUrl}/api/items`);
  expect(response.status).toBe(200);
  return (await response.json()) as { items: Item[]; nextBefore: string | null };
}

/**
 * Reads `count` distinct item frames, acknowledging each as it arrives. A
 * frame the server sent again because our ack had not reached it within the
 * resend interval (a slow machine) must be the same frame, and is skipped.
 */
async function readItems(socket: FrameQueue, count: number): Promise<ItemFrame[]> {
  const frames: ItemFrame[] = [];
  while (frames.length < count) {
    const frame = await socket.nextOfType<ItemFrame>("item");
    socket.ack(frame.seq);
    const earlier = frames.find((seen) => seen.seq === frame.seq);
    if (earlier) expect(frame).toEqual(earlier);
    else frames.push(frame);
  }
  return frames;
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A WebSocket opening handshake by hand, so the Origin header is ours to set
 * and a refusal's status and body can be read (a WebSocket client hides both).
 */
function rawUpgrade(path: string, origin: string): Promise<RawResponse> {
  const url = new URL(path, server.baseUrl);
  return new Promise((resolveResponse, reject) => {
    const req = httpRequest({
      host: url.hostname,
      port: url.port,
      path: url.pathname + url.search,
      method: "GET",
      headers: {
        Connection: "Upgrade",
        Upgrade: "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64"),
        Origin: origin,
      },
      timeout: 5_000,
    });
    req.on("timeout", () => req.destroy(new Error(`no answer to the upgrade of ${url} within 5 s`)));
    req.on("error", reject);
    req.on("upgrade", (response, socket) => {
      socket.destroy();
      resolveResponse({ status: response.statusCode ?? 0, headers: response.headers, body: "" });
    });
    req.on("response", (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolveResponse({ status: response.statusCode ?? 0, headers: response.headers, body }));
      response.on("error", reject);
    });
    req.end();
  });
}

describe("wrangler dev end to end", () => {
  it("GET / serves the page with #mainlist and #statusmessage", async () => {
    const response = await fetch(`${server.baseUrl}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toMatch(/<[a-z]+[^>]*\bid="mainlist"/);
    expect(html).toMatch(/<[a-z]+[^>]*\bid="statusmessage"/);
  });

  it("a save over HTTP reaches two sockets with contiguous seq", async () => {
    const a = await connectFresh();
    const b = await connectFresh();
    expect(a.welcome.clientId).not.toBe(b.welcome.clientId);

    const saved: Item[] = [];
    for (const label of ["first", "second", "third"]) saved.push(await postItem(newItem(label)));

    for (const { socket, snapshot, welcome } of [a, b]) {
      const frames = await readItems(socket, 3);
      expect(frames.map((frame) => frame.seq)).toEqual([snapshot.seq + 1, snapshot.seq + 2, snapshot.seq + 3]);
      expect(frames.map((frame) => frame.item)).toEqual(saved);
      expect(frames.map((frame) => frame.messageId)).toEqual(
        frames.map((frame) => `${welcome.clientId}:${frame.seq}`),
      );
      expect(socket.unread).toEqual([]);
    }
  });

  it("an unacknowledged snapshot is sent MAX_SEND_ATTEMPTS times as the same frame (seq, messageId), then the socket is closed with 4008", async () => {
    const { socket, snapshot } = await connectFresh({ ack: false });
    const { MAX_SEND_ATTEMPTS: attempts } = DEV_VARS;
    const types = () => socket.received.map((frame) => (frame as { type: string }).type);

    // Every attempt arrives as the same frame again: same seq, same content.
    await socket.waitForClosing(SLOW_SERVER_MS);
    // Then bye says what comes: the close, with the same code.
    expect(types()).toEqual(["welcome", ...Array<string>(attempts).fill("snapshot"), "bye"]);
    for (const frame of socket.received.slice(1, -1)) expect(frame).toEqual(snapshot);
    expect(socket.received.at(-1)).toMatchObject({ type: "bye", code: ACK_TIMEOUT_CLOSE });

    // The close event comes later: a client fires it only once the server
    // ends the TCP connection, and under wrangler dev (workerd) a socket closed
    // from the object's alarm handler has its connection ended about 10 s
    // after the closing handshake (closes from fetch or webSocketMessage end
    // at once). Nothing was sent after the Close frame.
    const closed = await socket.waitForClose(SLOW_SERVER_MS);
    expect(closed.code).toBe(ACK_TIMEOUT_CLOSE);
    expect(closed.reason).not.toBe("");
    expect(socket.received.at(-1)).toEqual({ type: "bye", code: closed.code, reason: closed.reason });
    expect(types()).toHaveLength(1 + attempts + 1);
  });

  it("an item frame left unacknowledged comes again with the same seq and messageId, and an ack stops the resends", async () => {
    const { socket } = await connectFresh();
    const saved = await postItem(newItem("resent"));
    const first = await socket.nextOfType<ItemFrame>("item");
    expect(first.item).toEqual(saved);
    const again = await socket.nextOfType<ItemFrame>("item", SLOW_SERVER_MS);
    expect(again).toEqual(first);

    socket.ack(first.seq);
    // A ping spelled otherwise than the platform's auto-response, so that the room itself answers it,
    // after reading the ack. A copy already on its way when the ack went out may come first; none after.
    socket.ws.send(ROOM_PING);
    let frame = await socket.next<{ type: string }>();
    for (let copies = 2; frame.type === "item" && copies < DEV_VARS.MAX_SEND_ATTEMPTS; copies++) {
      expect(frame).toEqual(first);
      frame = await socket.next<{ type: string }>(SLOW_SERVER_MS);
    }
    expect(frame).toEqual({ type: "pong" });
    const later = await postItem(newItem("after the ack"));
    const next = await socket.nextOfType<ItemFrame>("item");
    expect(next).toMatchObject({ seq: first.seq + 1, item: later });
  });

  it("resume after a dropped connection replays exactly the missed items", async () => {
    const { socket, welcome, snapshot } = await connectFresh();
    const closed = await socket.close(1000, "going away for a moment");
    expect(closed.code).toBe(1000);

    const missed = [await postItem(newItem("missed")), await postItem(newItem("missed"))];

    const resumed = await connect(`?resume=${encodeURIComponent(welcome.resumeToken)}&last=${snapshot.seq}`);
    const again = await resumed.nextOfType<WelcomeFrame>("welcome");
    expect(again).toMatchObject({
      type: "welcome",
      resumed: true,
      clientId: welcome.clientId,
      seq: snapshot.seq + 1,
    });
    // Tokens rotate on every welcome.
    expect(again.resumeToken).not.toBe(welcome.resumeToken);
    const frames = await readItems(resumed, 2);
    expect(frames.map((frame) => frame.seq)).toEqual([snapshot.seq + 1, snapshot.seq + 2]);
    expect(frames.map((frame) => frame.messageId)).toEqual([
      `${welcome.clientId}:${snapshot.seq + 1}`,
      `${welcome.clientId}:${snapshot.seq + 2}`,
    ]);
    expect(frames.map((frame) => frame.item)).toEqual(missed);

    // Nothing else was replayed (no snapshot, no extra item): the next thing on
    // the socket is the item saved now, with the next seq.
    const later = await postItem(newItem("later"));
    const [next] = await readItems(resumed, 1);
    expect(next).toMatchObject({ type: "item", seq: snapshot.seq + 3, item: later });
    expect(resumed.received.map((frame) => (frame as { type: string }).type)).toEqual([
      "welcome",
      "item",
      "item",
      "item",
    ]);
  });

  it("a cross-site upgrade is refused with 403", async () => {
    const refused = await rawUpgrade("/ws", "https://evil.example");
    expect(refused.status).toBe(403);
    expect(String(refused.headers["content-type"])).toMatch(/^application\/json/);
    const body = JSON.parse(refused.body) as { error: { code: string; message: string } };
    expect(body).toEqual({ error: { code: "forbidden_origin", message: expect.any(String) } });

    // The same handshake from the page's own origin is accepted, so the 403 is about the origin.
    const accepted = await rawUpgrade("/ws", server.baseUrl);
    expect(accepted.status).toBe(101);
  });

  it("invalid input gets 400 with a JSON error and stores nothing", async () => {
    const { socket, snapshot } = await connectFresh();
    const before = await listItems();

    const attempts: { body: string; code: string }[] = [
      { body: JSON.stringify({ title: "   ", body: "a body" }), code: "invalid_input" },
      { body: JSON.stringify({ body: "a body without a title" }), code: "invalid_input" },
      { body: JSON.stringify({ title: "a title", body: null }), code: "invalid_input" },
      { body: JSON.stringify({ title: "x".repeat(201), body: "a body" }), code: "invalid_input" },
      { body: JSON.stringify({ title: "bell\u0007", body: "a body" }), code: "invalid_input" },
      { body: '{"title": "a title", "body": ', code: "invalid_json" },
    ];
    for (const attempt of attempts) {
      const response = await fetch(`${server.baseUrl}/api/items`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: attempt.body,
      });
      expect(response.status, attempt.body).toBe(400);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expect(await response.json()).toEqual({ error: { code: attempt.code, message: expect.any(String) } });
    }

    expect(await listItems()).toEqual(before);
    // No frame went out for the refused saves: the next item frame is the next valid save, one past the snapshot.
    const valid = await postItem(newItem("valid"));
    const [frame] = await readItems(socket, 1);
    expect(frame).toMatchObject({ type: "item", seq: snapshot.seq + 1, item: valid });
    expect((await listItems()).items[0]).toEqual(valid);
  });

  it("a text frame that is not valid UTF-8 gets an error frame or a 1007 close, and changes nothing", async () => {
    const bystander = await connectFresh();
    const before = await listItems();
    const raw = new WebSocket(server.wsUrl, { perMessageDeflate: false });
    const frames: { type: string; code?: string; seq?: number }[] = [];
    let closedWith: number | null = null;
    raw.on("message", (data) => {
      const frame = JSON.parse(String(data)) as { type: string; code?: string; seq?: number };
      frames.push(frame);
      if (frame.type === "snapshot") raw.send(JSON.stringify({ type: "ack", seq: frame.seq }));
    });
    const closed = new Promise<void>((resolveClose) =>
      raw.once("close", (code) => {
        closedWith = code;
        resolveClose();
      }),
    );
    await new Promise<void>((resolveOpen, reject) => {
      raw.once("open", () => resolveOpen());
      raw.once("error", reject);
    });
    // 0xC3 0x28 is an invalid two-byte sequence; `binary: false` sends it as a text frame.
    raw.send(Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), { binary: false });
    await expect.poll(() => closedWith !== null || frames.some((frame) => frame.type === "error")).toBe(true);
    if (closedWith === null) {
      expect(frames.find((frame) => frame.type === "error")).toMatchObject({ code: "invalid_frame" });
      raw.close(1000);
    } else {
      expect(closedWith).toBe(1007);
    }
    await closed;

    expect(await listItems()).toEqual(before);
    const valid = await postItem(newItem("after invalid UTF-8"));
    const [frame] = await readItems(bystander.socket, 1);
    expect(frame).toMatchObject({ seq: bystander.snapshot.seq + 1, item: valid });
  });
});
