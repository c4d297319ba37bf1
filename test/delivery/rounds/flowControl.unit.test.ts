import { describe, expect, it } from "vitest";
import { fitsWindow, InFlight, inFlightFrom } from "../../../src/delivery/rounds/flowControl";

const WINDOW = { frames: 3, bytes: 100 };

describe("send window (pure)", () => {
  it("admits frames until the frame count is reached", () => {
    expect(inFlightFrom(10, [1, 1, 1, 1, 1], WINDOW).sentThrough).toBe(13);
  });

  it("admits frames until the byte budget is reached", () => {
    const inFlight = inFlightFrom(0, [40, 40, 40], WINDOW);
    expect(inFlight.sentThrough).toBe(2);
    expect(inFlight.bytes).toBe(80);
  });

  it("always admits the first frame, even one larger than the byte window", () => {
    expect(inFlightFrom(0, [500, 1], WINDOW).sentThrough).toBe(1);
    expect(fitsWindow(WINDOW, new InFlight(7), 10_000)).toBe(true);
  });

  it("an ack frees what it covers, and a lower ack frees nothing", () => {
    const inFlight = inFlightFrom(0, [30, 30, 30], WINDOW);
    inFlight.acknowledge(2);
    expect(inFlight).toMatchObject({ acked: 2, sentThrough: 3, bytes: 30 });
    inFlight.acknowledge(1);
    expect(inFlight).toMatchObject({ acked: 2, sentThrough: 3, bytes: 30 });
    expect(fitsWindow(WINDOW, inFlight, 70)).toBe(true);
    expect(fitsWindow(WINDOW, inFlight, 71)).toBe(false);
  });

  it("an ack past what was sent leaves nothing in flight", () => {
    const inFlight = inFlightFrom(0, [30], WINDOW);
    inFlight.acknowledge(9);
    expect(inFlight).toMatchObject({ acked: 9, sentThrough: 9, bytes: 0 });
  });
});
