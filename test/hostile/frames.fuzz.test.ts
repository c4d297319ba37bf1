/**
 * Property: whatever a client sends, it gets the answer docs/PROTOCOL.md
 * gives for it (an error frame with the documented code, a pong, or nothing
 * for a good ack; never a crash or a close below the size limit), another
 * client on the same room keeps its exact stream, and the list does not
 * change. The expected answer comes from a small oracle written from the
 * document (documentedRules.ts), not from the server's parser.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CONFIG, connect, connectFresh, controlClock, freshRoom, numbered, save } from "../room/roomHarness";
import { hostileText } from "./arbitraries";
import { documentedReply } from "./documentedRules";

const RUNS = 300;

describe("hostile frames", () => {
  it(`${RUNS} random and malformed frames each get the documented answer, and change nothing`, async () => {
    const clock = controlClock();
    const room = await freshRoom();
    const attacker = await connectFresh(room);
    const bystander = await connectFresh(room);
    const before = await room.listItems({ before: null, limit: 200 });

    await fc.assert(
      fc.asyncProperty(hostileText, async (text) => {
        // Stay under the frame rate limit (two frames per input, with the
        // settling ping): this test is about content, not volume.
        clock.advance((2 * 1000) / CONFIG.framesPerSecond);
        attacker.socket.send(text);
        const allowed = documentedReply(text, attacker.snapshot.seq);
        if (allowed.includes("pong")) await attacker.socket.nextOf("pong");
        await attacker.socket.settle();
        expect(attacker.socket.closed).toBeNull();
        const replies = attacker.socket.unread();
        while (attacker.socket.unread().length > 0) await attacker.socket.next();
        if (allowed.includes("pong") || allowed.includes("nothing")) {
          expect(replies).toEqual([]);
        } else {
          expect(replies).toHaveLength(1);
          expect(replies[0]).toMatchObject({ type: "error" });
          expect(allowed).toContain((replies[0] as { code: string }).code);
        }
      }),
      { numRuns: RUNS },
    );

    expect(await room.listItems({ before: null, limit: 200 })).toEqual(before);
    const item = await save(room, numbered(1));
    expect(await bystander.socket.nextOf("item")).toMatchObject({ seq: bystander.snapshot.seq + 1, item });
    expect(await attacker.socket.nextOf("item")).toMatchObject({ seq: attacker.snapshot.seq + 1, item });
  });

  it("acks aimed at another client's seq numbers move only the sender's own state", async () => {
    const clock = controlClock();
    const room = await freshRoom();
    const victim = await connectFresh(room);
    const attacker = await connectFresh(room);
    await save(room, numbered(1));
    await save(room, numbered(2));
    const victimFrames = await victim.socket.items(2);
    await attacker.socket.items(2);
    await fc.assert(
      fc.asyncProperty(fc.nat(10), async (seq) => {
        clock.advance((2 * 1000) / CONFIG.framesPerSecond);
        attacker.socket.ack(seq);
        await attacker.socket.settle();
        while (attacker.socket.unread().length > 0) await attacker.socket.next();
      }),
      { numRuns: 40 },
    );
    // The victim never acked: its frames are still owed to it, and a resume replays them.
    victim.socket.close();
    await victim.socket.waitForClose();
    const resumed = await connect(room, { token: victim.welcome.resumeToken, last: victim.snapshot.seq });
    expect(await resumed.socket.items(2)).toEqual(victimFrames);
  });
});
