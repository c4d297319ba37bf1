/**
 * Test helpers for talking to a ListRoom directly: a fresh object per test,
 * sockets whose frames can be awaited one by one, and a clock that moves
 * only when a test says so (the object shares the test's isolate, so a faked
 * `Date` is its clock too).
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { onTestFinished, vi } from "vitest";
import {
  parseServerFrame,
  type ItemFrame,
  type ServerFrame,
  type SnapshotFrame,
  type WelcomeFrame,
} from "../../src/protocol/frames";
import type { NewItem } from "../../src/protocol/item";
import { readDeliveryConfig } from "../../src/delivery/config";
import { readListConfig } from "../../src/room/listConfig";
import type { ListRoom } from "../../src/room/ListRoom";
import { hashToken } from "../../src/shared/tokens";

/** The room's settings (the engine's and the list's) as wrangler.toml (and the test pool) give them. */
export const CONFIG = { ...readDeliveryConfig(env), ...readListConfig(env) };

const WAIT_MS = 2_000;

/** The owner key of every list {@link freshRoom} creates. */
export const TEST_OWNER_KEY = "owner-key-of-every-test-list";

export function roomNamed(name: string) {
  return env.LIST_ROOM.getByName(name);
}
export type RoomStub = ReturnType<typeof roomNamed>;

/** A list of its own for one test, created as `POST /api/lists` creates one (a room never created answers "no such list"). */
export async function freshRoom(): Promise<RoomStub> {
  const id = `test-${crypto.randomUUID()}`;
  const stub = roomNamed(id);
  const created = await stub.createList({ id, title: "Test list", createdAt: new Date().toISOString() }, await hashToken(TEST_OWNER_KEY));
  if (!created) throw new Error(`list ${id} existed already`);
  return stub;
}

export interface Closed {
  code: number;
  reason: string;
}

/** A frame as parsed, and the exact text it came in (to check what the parser would fill in or drop). */
export interface Received {
  frame: ServerFrame;
  text: string;
}

export class TestSocket {
  private readonly received: Received[] = [];
  /** Head counts heard, kept apart from the other frames: only presence tests look at them. */
  readonly presence: number[] = [];
  private waiter: (() => void) | null = null;
  closed: Closed | null = null;

  constructor(readonly ws: WebSocket) {
    ws.addEventListener("message", (event) => {
      const text = String(event.data);
      const parsed = parseServerFrame(text);
      if (!parsed.ok) throw new Error(`server sent a bad frame: ${text}`);
      if (parsed.frame.type === "presence") this.presence.push(parsed.frame.count);
      else this.received.push({ frame: parsed.frame, text });
      this.waiter?.();
    });
    ws.addEventListener("close", (event) => {
      this.closed = { code: event.code, reason: event.reason };
      this.waiter?.();
    });
    ws.accept();
  }

  // Timed with setTimeout, not Date: tests freeze Date to drive the resend clock.
  private async until(ready: () => boolean, what: string): Promise<void> {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      this.waiter?.();
    }, WAIT_MS);
    try {
      while (!ready()) {
        if (timedOut) throw new Error(`timed out waiting for ${what}`);
        await new Promise<void>((resolve) => (this.waiter = resolve));
      }
    } finally {
      clearTimeout(timer);
      this.waiter = null;
    }
  }

  async next(): Promise<ServerFrame> {
    return (await this.nextReceived()).frame;
  }

  /** The next frame with the exact text it arrived as. */
  async nextReceived(): Promise<Received> {
    await this.until(() => this.received.length > 0 || this.closed !== null, "a frame");
    const received = this.received.shift();
    if (!received) throw new Error(`socket closed (${this.closed?.code}) instead of sending a frame`);
    return received;
  }

  async nextOf<T extends ServerFrame["type"]>(type: T): Promise<Extract<ServerFrame, { type: T }>> {
    const frame = await this.next();
    if (frame.type !== type) throw new Error(`expected ${type}, got ${JSON.stringify(frame)}`);
    return frame as Extract<ServerFrame, { type: T }>;
  }

  /** The next `count` frames, which must all be item frames. */
  async items(count: number): Promise<ItemFrame[]> {
    const frames: ItemFrame[] = [];
    for (let i = 0; i < count; i++) frames.push(await this.nextOf("item"));
    return frames;
  }

  async waitForClose(): Promise<Closed> {
    await this.until(() => this.closed !== null, "the socket to close");
    return this.closed!;
  }

  /** Takes every frame received so far. */
  async drain(): Promise<void> {
    this.received.length = 0;
  }

  /** Frames received but not yet taken with `next`. */
  unread(): ServerFrame[] {
    return this.received.map(({ frame }) => frame);
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" || frame instanceof ArrayBuffer ? frame : JSON.stringify(frame));
  }

  ack(seq: number): void {
    this.send({ type: "ack", seq });
  }

  /**
   * Sends a ping and waits for its pong: everything the server sent in answer
   * to earlier frames is then in. The ping is spelled so that it reaches the
   * object and queues behind those frames; the exact `{"type":"ping"}` would
   * be answered by the runtime at once, possibly ahead of them.
   */
  async settle(): Promise<void> {
    this.send({ type: "ping", barrier: true });
    const isPong = (frame: ServerFrame) => frame.type === "pong";
    await this.until(() => this.received.some(({ frame }) => isPong(frame)) || this.closed !== null, "a pong");
    const index = this.received.findIndex(({ frame }) => isPong(frame));
    if (index < 0) throw new Error("socket closed while settling");
    this.received.splice(index, 1);
  }

  close(): void {
    this.ws.close(1000, "test done");
  }
}

export interface Opened {
  socket: TestSocket;
  welcome: WelcomeFrame;
}

export interface ResumeWith {
  token: string;
  last: number;
  /** Left out, as clients of protocol 1 do, it counts as the newest attempt. */
  attempt?: number;
}

/** `browser`: the per-browser id a page sends, for the head count. */
export async function connect(stub: RoomStub, resume?: ResumeWith, browser?: string): Promise<Opened> {
  const params = new URLSearchParams();
  if (resume) {
    params.set("resume", resume.token);
    params.set("last", String(resume.last));
    if (resume.attempt !== undefined) params.set("attempt", String(resume.attempt));
  }
  if (browser !== undefined) params.set("browser", browser);
  const query = params.size > 0 ? `?${params}` : "";
  const response = await stub.fetch(`http://room/ws${query}`, { headers: { Upgrade: "websocket" } });
  if (!response.webSocket) throw new Error(`upgrade failed with ${response.status}`);
  const socket = new TestSocket(response.webSocket);
  const welcome = await socket.nextOf("welcome");
  return { socket, welcome };
}

/** Connects fresh and takes the snapshot. */
export async function connectFresh(stub: RoomStub): Promise<Opened & { snapshot: SnapshotFrame }> {
  const opened = await connect(stub);
  const snapshot = await opened.socket.nextOf("snapshot");
  return { ...opened, snapshot };
}

export async function save(stub: RoomStub, input: NewItem, key: string | null = null) {
  const result = await stub.addItem(input, key);
  if (!result.ok) throw new Error(`save failed: ${result.error.message}`);
  return result.value.item;
}

export function numbered(n: number): NewItem {
  return { title: `item ${n}`, body: `body ${n}` };
}

/** Freezes `Date` for the rest of the test (the object included) and returns a way to move it. */
export function controlClock(): { advance(ms: number): void; now(): number } {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(Date.now());
  onTestFinished(() => {
    vi.useRealTimers();
  });
  return {
    advance(ms) {
      vi.setSystemTime(Date.now() + ms);
    },
    now: () => Date.now(),
  };
}

/**
 * Waits until `condition` holds, asking again every few milliseconds, for
 * state that only an RPC can show (the room's counters, say). Timed with
 * setTimeout, so a frozen `Date` does not stop it.
 */
export async function eventually(condition: () => Promise<boolean>, what: string): Promise<void> {
  let timedOut = false;
  const timer = setTimeout(() => (timedOut = true), WAIT_MS);
  try {
    while (!(await condition())) {
      if (timedOut) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    clearTimeout(timer);
  }
}

/** When the room's alarm is set for (ms since epoch), or null when none is. */
export function alarmTime(stub: RoomStub): Promise<number | null> {
  return runInDurableObject(stub, (_room: ListRoom, state) => state.storage.getAlarm());
}

/** The Worker's vars: every binding that is a string. */
type VarName = { [Name in keyof Cloudflare.Env]-?: Cloudflare.Env[Name] extends string | undefined ? Name : never }[keyof Cloudflare.Env];

/**
 * Sets a Worker var for the rest of the test, as `wrangler dev --var` would
 * for a run. Objects read their vars when they start, so it reaches only
 * rooms that start (or restart) after this; the Worker's routes read theirs
 * on every request. The object, the Worker and the test share one `env`, so
 * this is the runtime's own configuration, not a stand-in.
 * Returns a way to put the var back before the test ends.
 */
export function overrideVar(name: VarName, value: string): () => void {
  const vars = env as Record<VarName, string | undefined>;
  const previous = vars[name];
  vars[name] = value;
  const restore = () => {
    vars[name] = previous;
  };
  onTestFinished(restore);
  return restore;
}
