/**
 * A replaced resume token stops working when its successor is used, or
 * `RESUME_TOKEN_GRACE_MS` after the successor was issued, whichever comes
 * first: a client whose welcome was lost can still resume for a while, and
 * a token read from a log hours later takes nothing over.
 */
import { describe, expect, it } from "vitest";
import { CONFIG, connect, connectFresh, controlClock, freshRoom } from "../../room/roomHarness";

const GRACE = CONFIG.resumeTokenGraceMs;

describe("replaced resume tokens expire", () => {
  it("the grace is 30 s unless configured", () => {
    expect(GRACE).toBe(30_000);
  });

  it("a replaced token still resumes within the grace after its successor was issued", async () => {
    const clock = controlClock();
    const room = await freshRoom();
    const first = await connectFresh(room);
    const t1 = first.welcome.resumeToken;
    // Attempt 2's welcome (carrying its successor) never reached the client.
    await connect(room, { token: t1, last: 1, attempt: 2 });
    clock.advance(GRACE);
    const third = await connect(room, { token: t1, last: 1, attempt: 3 });
    expect(third.welcome).toMatchObject({ resumed: true, clientId: first.welcome.clientId });
  });

  it("past the grace after its successor was issued, a replaced token gets a fresh session, and the live one is left alone", async () => {
    const clock = controlClock();
    const room = await freshRoom();
    const first = await connectFresh(room);
    const t1 = first.welcome.resumeToken;
    const second = await connect(room, { token: t1, last: 1, attempt: 2 });
    clock.advance(GRACE + 1);
    const late = await connect(room, { token: t1, last: 1, attempt: 3 });
    expect(late.welcome.resumed).toBe(false);
    expect(late.welcome.clientId).not.toBe(first.welcome.clientId);
    expect(second.socket.closed).toBeNull();
    // The successor itself is not bound by the grace.
    const third = await connect(room, { token: second.welcome.resumeToken, last: 1, attempt: 4 });
    expect(third.welcome).toMatchObject({ resumed: true, clientId: first.welcome.clientId });
  });

  it("within the grace, once its successor has been used, a replaced token no longer resumes", async () => {
    controlClock();
    const room = await freshRoom();
    const first = await connectFresh(room);
    const t1 = first.welcome.resumeToken;
    const second = await connect(room, { token: t1, last: 1, attempt: 2 });
    const third = await connect(room, { token: second.welcome.resumeToken, last: 1, attempt: 3 });
    const stolen = await connect(room, { token: t1, last: 1, attempt: 9 });
    expect(stolen.welcome.resumed).toBe(false);
    expect(third.socket.closed).toBeNull();
  });
});
