import { describe, expect, it } from "vitest";
import { BrowserCount } from "../../../src/delivery/sockets/browserCount";

describe("BrowserCount", () => {
  it("counts a browser's sockets once, and every socket without an id on its own", () => {
    const count = new BrowserCount();
    count.add("browser-a");
    count.add("browser-a");
    count.add("browser-b");
    count.add(null);
    count.add(null);
    expect(count.size).toBe(4);
  });

  it("a browser stays counted until its last socket leaves", () => {
    const count = new BrowserCount();
    count.add("browser-a");
    count.add("browser-a");
    count.remove("browser-a");
    expect(count.size).toBe(1);
    count.remove("browser-a");
    expect(count.size).toBe(0);
  });

  it("a socket without an id leaving lowers the count by one", () => {
    const count = new BrowserCount();
    count.add(null);
    count.add(null);
    count.add("browser-a");
    count.remove(null);
    expect(count.size).toBe(2);
  });

  it("never goes below zero, whatever leaves that never came", () => {
    const count = new BrowserCount();
    count.remove(null);
    count.remove("browser-z");
    expect(count.size).toBe(0);
    count.add("browser-z");
    expect(count.size).toBe(1);
  });
});
