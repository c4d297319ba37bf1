import { beforeEach, describe, expect, it } from "vitest";
import type { Applied } from "../../../src/client/core/inbox";
import { ackDelayFor, LiveConnection, type ConnectionStatus } from "../../../src/client/core/liveConnection";
import { CloseCode } from "../../../src/protocol/limits";
import { PROTOCOL_VERSION, type ServerFrame } from "../../../src/protocol/frames";
import { item, itemFrame, snapshotFrame, welcome } from "../frames";
import { ManualScheduler } from "../manualScheduler";
import { ScriptedSocket } from "../scriptedSocket";

const URL = "ws://listroom.test/ws";

let scheduler: ManualScheduler;
let sockets: ScriptedSocket[];
let applied: Applied[];
let statuses: ConnectionStatus[];
let presences: number[];
let connection: LiveConnection;

function current(): ScriptedSocket {
  return sockets.at(-1)!;
}

/** Opens the current socket and plays a fresh welcome, snapshot and the pong that ends catch-up. */
function goLive(token = "a".repeat(43)): void {
  current().open();
  current().deliver(welcome(1, false, token), snapshotFrame(1, [item(0)]), { type: "pong" });
}

beforeEach(() => {
  scheduler = new ManualScheduler();
  sockets = [];
  applied = [];
  statuses = [];
  presences = [];
  connection = new LiveConnection({
    socketUrl: URL,
    createSocket: (url) => {
      const socket = new ScriptedSocket(url);
      sockets.push(socket);
      return socket;
    },
    scheduler,
    onApplied: (changes) => applied.push(...changes),
    onStatus: (status) => statuses.push(status),
    onPresence: (count) => presences.push(count),
  });
  connection.start();
});

describe("LiveConnection", () => {
  it("says opening connection, then catching up, then live once the catch-up pong is in", () => {
    expect(statuses).toEqual([{ state: "connecting" }]);
    current().open();
    current().deliver(welcome(1, false), snapshotFrame(1, []));
    expect(connection.currentStatus).toEqual({ state: "catching-up" });
    current().deliver({ type: "pong" });
    expect(connection.currentStatus).toEqual({ state: "live" });
  });

  it("stops for good, even on a welcome shaped differently, when the server speaks a newer protocol", () => {
    current().open();
    current().deliver({ type: "welcome", protocol: PROTOCOL_VERSION + 1 } as unknown as ServerFrame);
    expect(connection.currentStatus).toEqual({ state: "outdated", protocol: PROTOCOL_VERSION + 1 });
  });

  it("stops for good, without reconnecting, when the server speaks a newer protocol", () => {
    current().open();
    current().deliver({ ...welcome(1, false), protocol: PROTOCOL_VERSION + 1 }, snapshotFrame(1, [item(0)]));
    expect(connection.currentStatus).toEqual({ state: "outdated", protocol: PROTOCOL_VERSION + 1 });
    expect(applied).toEqual([]);
    expect(current().closedByClient).toBe(1000);
    scheduler.advance(600_000);
    expect(sockets).toHaveLength(1);
  });

  it("acknowledges a burst with one cumulative ack, well within the resend interval", () => {
    goLive();
    scheduler.advance(150);
    expect(current().acks()).toEqual([1]);
    current().deliver(itemFrame(2), itemFrame(3), itemFrame(4));
    scheduler.advance(99);
    expect(current().acks()).toEqual([1]);
    scheduler.advance(1);
    expect(current().acks()).toEqual([1, 4]);
  });

  it("acknowledges only up to the gap, and acks again when a resend shows the ack was lost", () => {
    goLive();
    current().deliver(itemFrame(2), itemFrame(4));
    scheduler.advance(100);
    expect(current().acks()).toEqual([2]);
    current().deliver(itemFrame(2));
    scheduler.advance(100);
    expect(current().acks()).toEqual([2, 2]);
  });

  it("after a drop, waits a jittered backoff, says when it will retry, and resumes from the last applied seq", () => {
    goLive("b".repeat(43));
    current().deliver(itemFrame(2));
    current().serverClose(1006);
    const down = connection.currentStatus;
    expect(down).toEqual({ state: "down", retryAt: scheduler.now() + 250 });
    expect(sockets).toHaveLength(1);
    scheduler.advance(250);
    expect(sockets).toHaveLength(2);
    expect(current().url).toBe(`${URL}?resume=${"b".repeat(43)}&last=2&attempt=2`);
  });

  it("backs off further on each failed try and starts over once connected", () => {
    scheduler.randomValue = 0.999;
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      current().serverClose(1006);
      const status = connection.currentStatus;
      if (status.state !== "down") throw new Error("expected down");
      delays.push(status.retryAt - scheduler.now());
      scheduler.advance(status.retryAt - scheduler.now());
    }
    expect(delays).toEqual([499, 999, 1998, 3996, 7992, 14985, 14985]);
    goLive();
    current().serverClose(1006);
    const status = connection.currentStatus;
    expect(status.state === "down" && status.retryAt - scheduler.now()).toBe(499);
  });

  it("a replay after resume is applied once, and a fresh snapshot is merged without repeats", () => {
    goLive();
    current().deliver(itemFrame(2));
    current().serverClose(1006);
    scheduler.advance(1000);
    current().open();
    current().deliver(welcome(1, false), snapshotFrame(1, [item(3), item(2), item(0)]), itemFrame(2, 3));
    const ids = applied.flatMap((change) => (change.kind === "item" ? [change.item.id] : []));
    expect(ids).toEqual(["item-2"]);
    expect(applied.at(-1)).toMatchObject({ kind: "snapshot" });
  });

  it("after a 4008 drop it reconnects without the forgotten token", () => {
    goLive();
    current().serverClose(CloseCode.AckTimeout);
    scheduler.advance(1000);
    expect(current().url).toBe(URL);
  });

  it("pings on a heartbeat and gives up on a connection that stays silent", () => {
    goLive();
    const first = current();
    scheduler.advance(20_000);
    expect(first.pings()).toBe(2);
    scheduler.advance(7_999);
    expect(sockets).toHaveLength(1);
    scheduler.advance(1);
    expect(first.closedByClient).not.toBeNull();
    expect(connection.currentStatus.state).toBe("down");
  });

  it("a pong keeps a quiet connection alive", () => {
    goLive();
    for (let i = 0; i < 5; i++) {
      scheduler.advance(20_000);
      current().deliver({ type: "pong" });
    }
    expect(sockets).toHaveLength(1);
    expect(connection.currentStatus).toEqual({ state: "live" });
  });

  it("checkNow reconnects at once when down", () => {
    goLive();
    current().serverClose(1006);
    connection.checkNow();
    expect(sockets).toHaveLength(2);
  });

  it("a suspected link is pinged and given up within the short check deadline, not a heartbeat and a pong timeout", () => {
    goLive();
    const first = current();
    scheduler.advance(5_000);
    connection.suspect(); // the network went, say
    expect(first.pings()).toBe(2);
    scheduler.advance(1_999);
    expect(first.closedByClient).toBeNull();
    scheduler.advance(1);
    expect(first.closedByClient).not.toBeNull();
    expect(connection.currentStatus.state).toBe("down");
  });

  it("a suspected link that answers stays, and doubts in a row send one ping", () => {
    goLive();
    connection.suspect();
    connection.suspect();
    connection.checkNow();
    expect(current().pings()).toBe(2);
    scheduler.advance(1_000);
    current().deliver({ type: "pong" });
    scheduler.advance(10_000);
    expect(sockets).toHaveLength(1);
    expect(connection.currentStatus).toEqual({ state: "live" });
  });

  it("a socket still opening keeps its connect patience when the link is suspected", () => {
    connection.suspect();
    scheduler.advance(5_000);
    expect(sockets).toHaveLength(1);
    expect(current().closedByClient).toBeNull();
  });
});

describe("ack batching against the server's resend interval", () => {
  it("waits at most a second, and a fifth of a short interval", () => {
    expect(ackDelayFor(30_000, 1_000)).toBe(1_000);
    expect(ackDelayFor(250, 1_000)).toBe(50);
    expect(ackDelayFor(1, 1_000)).toBe(1);
  });
});

describe("a server that never answers", () => {
  it("a socket with no welcome within the connect timeout is given up and retried", () => {
    expect(connection.currentStatus).toEqual({ state: "connecting" });
    scheduler.advance(9_999);
    expect(sockets).toHaveLength(1);
    scheduler.advance(1);
    expect(sockets[0]!.closedByClient).not.toBeNull();
    expect(connection.currentStatus.state).toBe("down");
  });

  it("waits longer for a welcome on each failed try in a row, up to four times as long", () => {
    const patience: number[] = [];
    for (let i = 0; i < 4; i++) {
      const opened = scheduler.now();
      const socket = current();
      while (socket.closedByClient === null) scheduler.advance(100);
      patience.push(scheduler.now() - opened);
      retryNow();
    }
    expect(patience).toEqual([10_000, 20_000, 40_000, 40_000]);
  });
});

/** Moves the clock to the planned retry, so exactly one new socket is made. */
function retryNow(): void {
  const status = connection.currentStatus;
  if (status.state !== "down") throw new Error(`expected down, got ${status.state}`);
  scheduler.advance(status.retryAt - scheduler.now());
}

describe("protocol 2: window, attempts, rotation, bye", () => {
  it("acks at once when half the send window is outstanding, without waiting for the timer", () => {
    current().open();
    current().deliver(welcome(1, false, "a".repeat(43), { frames: 8, bytes: 1 << 20 }), snapshotFrame(1, []));
    current().deliver(itemFrame(2), itemFrame(3));
    expect(current().acks()).toEqual([]);
    current().deliver(itemFrame(4));
    expect(current().acks()).toEqual([4]);
    current().deliver(itemFrame(5), itemFrame(6), itemFrame(7));
    expect(current().acks()).toEqual([4]);
    current().deliver(itemFrame(8));
    expect(current().acks()).toEqual([4, 8]);
  });

  it("acks at once when half the window's bytes are outstanding", () => {
    current().open();
    current().deliver(welcome(1, false, "a".repeat(43), { frames: 100, bytes: 400 }), snapshotFrame(1, []));
    expect(current().acks()).toEqual([]);
    current().deliver(itemFrame(2), itemFrame(3));
    expect(current().acks().length).toBeGreaterThan(0);
  });

  it("counts its attempts within a session and names each in the resume", () => {
    goLive("b".repeat(43));
    for (const attempt of [2, 3, 4]) {
      current().serverClose(1006);
      retryNow();
      expect(current().url).toBe(`${URL}?resume=${"b".repeat(43)}&last=1&attempt=${attempt}`);
    }
  });

  it("resumes with the token of the latest welcome, and starts counting again in a fresh session", () => {
    goLive("b".repeat(43));
    current().serverClose(1006);
    retryNow();
    current().open();
    current().deliver(welcome(2, true, "c".repeat(43)));
    current().serverClose(1006);
    retryNow();
    expect(current().url).toBe(`${URL}?resume=${"c".repeat(43)}&last=1&attempt=3`);

    current().open();
    current().deliver(welcome(1, false, "d".repeat(43)), snapshotFrame(1, []));
    current().serverClose(1006);
    retryNow();
    expect(current().url).toBe(`${URL}?resume=${"d".repeat(43)}&last=1&attempt=2`);
  });

  it("acts on bye at once: gives the socket up and plans the next try, as on a close", () => {
    goLive();
    const first = current();
    first.deliver({ type: "bye", code: CloseCode.Superseded, reason: "newer connection" });
    expect(first.closedByClient).not.toBeNull();
    expect(connection.currentStatus.state).toBe("down");
    // The close that follows changes nothing more.
    first.serverClose(CloseCode.Superseded);
    retryNow();
    expect(sockets).toHaveLength(2);
  });

  it("bye with 4008 drops the forgotten token", () => {
    goLive();
    current().deliver({ type: "bye", code: CloseCode.AckTimeout, reason: "unacknowledged" });
    retryNow();
    expect(current().url).toBe(URL);
  });

  it("passes the head count on, outside the sequence: nothing to apply or acknowledge", () => {
    current().open();
    current().deliver(welcome(1, false), snapshotFrame(1, [item(0)]), { type: "presence", count: 2 }, { type: "pong" });
    current().deliver({ type: "presence", count: 3 }, itemFrame(2));
    expect(presences).toEqual([2, 3]);
    expect(connection.inbox.lastApplied).toBe(2);
    scheduler.advance(150);
    expect(current().acks()).toEqual([2]);
    expect(connection.currentStatus).toEqual({ state: "live" });
  });
});

describe("the list's title", () => {
  it("comes with every welcome and at once with a renamed frame, outside the sequence", () => {
    connection.stop();
    const titles: string[] = [];
    const named = new LiveConnection({
      socketUrl: URL,
      createSocket: (url) => {
        const socket = new ScriptedSocket(url);
        sockets.push(socket);
        return socket;
      },
      scheduler,
      onApplied: () => {},
      onStatus: () => {},
      onTitle: (title) => titles.push(title),
    });
    named.start();
    current().open();
    current().deliver(welcome(1, false), snapshotFrame(1, [item(0)]), { type: "pong" });
    current().deliver({ type: "renamed", title: "Trip" }, itemFrame(2));
    expect(titles).toEqual(["Listroom", "Trip"]);
    expect(named.inbox.lastApplied).toBe(2);
    named.stop();
  });

  it("a socket URL with a query of its own keeps it when resuming", () => {
    connection.stop();
    const withBrowser = new LiveConnection({
      socketUrl: `${URL}?browser=abcdefgh12`,
      createSocket: (url) => {
        const socket = new ScriptedSocket(url);
        sockets.push(socket);
        return socket;
      },
      scheduler,
      onApplied: () => {},
      onStatus: () => {},
    });
    withBrowser.start();
    expect(current().url).toBe(`${URL}?browser=abcdefgh12`);
    current().open();
    current().deliver(welcome(1, false, "b".repeat(43)), snapshotFrame(1, [item(0)]), { type: "pong" });
    current().serverClose(1006);
    const status = withBrowser.currentStatus;
    if (status.state !== "down") throw new Error(`expected down, got ${status.state}`);
    scheduler.advance(status.retryAt - scheduler.now());
    expect(current().url).toBe(`${URL}?browser=abcdefgh12&resume=${"b".repeat(43)}&last=1&attempt=2`);
    withBrowser.stop();
  });
});
