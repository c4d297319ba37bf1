import { evictDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { CloseCode } from "../../../src/protocol/limits";
import { connect, connectFresh, freshRoom, numbered, save } from "../../room/roomHarness";

describe("connection attempts and token rotation", () => {
  it("a late, older attempt is refused with bye and 4009; the live connection is left alone", async () => {
    const room = await freshRoom();
    const first = await connectFresh(room);
    const token = first.welcome.resumeToken;
    // Attempt 2 was abandoned in flight; attempt 3, with the same token, got through first.
    const third = await connect(room, { token, last: first.snapshot.seq, attempt: 3 });
    expect(third.welcome.resumed).toBe(true);

    const late = await connect(room, { token, last: first.snapshot.seq, attempt: 2 }).catch((error: unknown) => error);
    expect(late).toBeInstanceOf(Error); // it never gets a welcome...

    const item = await save(room, numbered(1));
    expect(await third.socket.nextOf("item")).toMatchObject({ item });
    expect(third.socket.closed).toBeNull();
  });

  it("the refused attempt's own socket hears bye, then closes with 4009", async () => {
    const room = await freshRoom();
    const first = await connectFresh(room);
    const token = first.welcome.resumeToken;
    await connect(room, { token, last: first.snapshot.seq, attempt: 3 });
    const response = await room.fetch(`http://room/ws?resume=${encodeURIComponent(token)}&last=1&attempt=3`, {
      headers: { Upgrade: "websocket" },
    });
    const ws = response.webSocket!;
    const heard: string[] = [];
    const closed = new Promise<number>((resolve) => ws.addEventListener("close", (event) => resolve(event.code)));
    ws.addEventListener("message", (event) => heard.push(String(event.data)));
    ws.accept();
    expect(await closed).toBe(CloseCode.Superseded);
    expect(heard.map((text) => JSON.parse(text))).toEqual([
      { type: "bye", code: CloseCode.Superseded, reason: expect.any(String) },
    ]);
  });

  it("a newer attempt takes the session over; the one it replaces hears bye and 4009", async () => {
    const room = await freshRoom();
    const first = await connectFresh(room);
    const second = await connect(room, { token: first.welcome.resumeToken, last: first.snapshot.seq, attempt: 2 });
    expect(second.welcome).toMatchObject({ resumed: true, clientId: first.welcome.clientId });
    expect(await first.socket.nextOf("bye")).toMatchObject({ code: CloseCode.Superseded });
    expect((await first.socket.waitForClose()).code).toBe(CloseCode.Superseded);
  });

  it("a resume without attempt counts as the newest", async () => {
    const room = await freshRoom();
    const first = await connectFresh(room);
    const second = await connect(room, { token: first.welcome.resumeToken, last: first.snapshot.seq, attempt: 7 });
    const third = await connect(room, { token: second.welcome.resumeToken, last: first.snapshot.seq });
    expect(third.welcome.resumed).toBe(true);
    expect((await second.socket.waitForClose()).code).toBe(CloseCode.Superseded);
  });

  it("attempt numbers survive the object restarting", async () => {
    const room = await freshRoom();
    const first = await connectFresh(room);
    const token = first.welcome.resumeToken;
    const fifth = await connect(room, { token, last: first.snapshot.seq, attempt: 5 });
    // Closing sockets on eviction stands in for a restart: the object never hears a close.
    await evictDurableObject(room, { webSockets: "close" });

    const late = await connect(room, { token, last: first.snapshot.seq, attempt: 4 }).catch((error: unknown) => error);
    expect(late).toBeInstanceOf(Error);
    const sixth = await connect(room, { token: fifth.welcome.resumeToken, last: first.snapshot.seq, attempt: 6 });
    expect(sixth.welcome).toMatchObject({ resumed: true, clientId: first.welcome.clientId });
  });

  it("every resume rotates the token; a token stops working once its successor has been used", async () => {
    const room = await freshRoom();
    const first = await connectFresh(room);
    const t1 = first.welcome.resumeToken;
    const second = await connect(room, { token: t1, last: 1, attempt: 2 });
    const t2 = second.welcome.resumeToken;
    expect(t2).not.toBe(t1);
    const third = await connect(room, { token: t2, last: 1, attempt: 3 });
    expect(third.welcome.resumed).toBe(true);

    const stolen = await connect(room, { token: t1, last: 1, attempt: 99 });
    expect(stolen.welcome.resumed).toBe(false);
    expect(stolen.welcome.clientId).not.toBe(first.welcome.clientId);
    expect(third.socket.closed).toBeNull();
  });

  it("a client whose welcome was lost resumes with the token it used, on a newer attempt", async () => {
    const room = await freshRoom();
    const first = await connectFresh(room);
    const t1 = first.welcome.resumeToken;
    // Attempt 2's welcome (carrying t2) never reached the client.
    await connect(room, { token: t1, last: 1, attempt: 2 });
    const third = await connect(room, { token: t1, last: 1, attempt: 3 });
    expect(third.welcome).toMatchObject({ resumed: true, clientId: first.welcome.clientId });
  });
});
