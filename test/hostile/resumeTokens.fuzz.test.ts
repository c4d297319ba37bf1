/** Property: no token but the one issued resumes a session; forged ones get a fresh session. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { connect, connectFresh, freshRoom } from "../room/roomHarness";

describe("forged and replayed resume tokens", () => {
  it("random, truncated and altered tokens never resume someone's session", async () => {
    const room = await freshRoom();
    const owner = await connectFresh(room);
    owner.socket.close();
    await owner.socket.waitForClose();
    const real = owner.welcome.resumeToken;
    const forged = fc.oneof(
      fc.string({ unit: "binary-ascii", minLength: 0, maxLength: 60 }),
      fc.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      fc.nat(real.length - 1).map((cut) => real.slice(0, cut)),
      fc.tuple(fc.nat(real.length - 1), fc.constantFrom("A", "b", "-", "_")).map(
        ([at, ch]) => real.slice(0, at) + (real[at] === ch ? "Z" : ch) + real.slice(at + 1),
      ),
    );
    await fc.assert(
      fc.asyncProperty(forged, async (token) => {
        fc.pre(token !== real);
        const { socket, welcome } = await connect(room, { token, last: 1 });
        expect(welcome.resumed).toBe(false);
        expect(welcome.clientId).not.toBe(owner.welcome.clientId);
        socket.close();
      }),
      { numRuns: 60 },
    );
    const { welcome } = await connect(room, { token: real, last: 1 });
    expect(welcome).toMatchObject({ resumed: true, clientId: owner.welcome.clientId });
  });
});
