import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { Alarms } from "../../../src/delivery/platform/alarms";
import type { ListRoom } from "../../../src/room/ListRoom";
import { emptyUsage } from "../../../src/delivery/platform/usage";
import { freshRoom } from "../../room/roomHarness";

const FAR = Date.now() + 3_600_000;

/** The alarm over a real object's storage, with duties that answer what the test says. */
async function withAlarm(test: (alarm: Alarms, storage: DurableObjectStorage, usage: ReturnType<typeof emptyUsage>) => Promise<void>) {
  await runInDurableObject(await freshRoom(), async (_: ListRoom, state) => {
    // The room's own alarm (a new list's deletion if it is never written to) is not this test's.
    await state.storage.deleteAlarm();
    const usage = emptyUsage();
    const alarm = new Alarms(state.storage, usage);
    await alarm.load();
    await test(alarm, state.storage, usage);
    await state.storage.deleteAlarm();
  });
}

describe("one alarm for several duties", () => {
  it("is set for the earliest due time, and a later one changes nothing", async () => {
    await withAlarm(async (alarm, storage, usage) => {
      const resend = alarm.register("resend", () => null);
      const presence = alarm.register("presence", () => null);
      resend.dueBy(FAR + 2_000);
      presence.dueBy(FAR + 1_000);
      resend.dueBy(FAR + 5_000);
      expect(await storage.getAlarm()).toBe(FAR + 1_000);
      expect(usage.setAlarmCalls).toBe(2);
    });
  });

  it("when it fires every duty runs, and it is set again once, for the earliest duty still pending", async () => {
    await withAlarm(async (alarm, storage, usage) => {
      const ran: string[] = [];
      alarm.register("resend", () => (ran.push("resend"), FAR + 3_000));
      alarm.register("presence", () => (ran.push("presence"), FAR + 1_000));
      alarm.fire(FAR);
      expect(ran).toEqual(["resend", "presence"]);
      expect(await storage.getAlarm()).toBe(FAR + 1_000);
      expect(usage).toMatchObject({ alarmRuns: 1, setAlarmCalls: 1 });
    });
  });

  it("firing twice runs the duties twice and sets nothing when none is pending", async () => {
    await withAlarm(async (alarm, storage, usage) => {
      let runs = 0;
      alarm.register("resend", () => (runs++, null));
      alarm.fire(FAR);
      alarm.fire(FAR);
      expect(runs).toBe(2);
      expect(await storage.getAlarm()).toBeNull();
      expect(usage.setAlarmCalls).toBe(0);
    });
  });

  it("a new instance learns the alarm already set, so a later due time does not set it again", async () => {
    await withAlarm(async (first, storage) => {
      first.register("resend", () => null).dueBy(FAR + 1_000);
      const usage = emptyUsage();
      const restarted = new Alarms(storage, usage);
      await restarted.load();
      const presence = restarted.register("presence", () => null);
      presence.dueBy(FAR + 2_000);
      expect(usage.setAlarmCalls).toBe(0);
      presence.dueBy(FAR + 500);
      expect(await storage.getAlarm()).toBe(FAR + 500);
    });
  });

  it("refuses a second duty under a key already registered", async () => {
    await withAlarm(async (alarm) => {
      alarm.register("resend", () => null);
      expect(() => alarm.register("resend", () => null)).toThrow(/resend/);
    });
  });
});
