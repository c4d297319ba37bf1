/**
 * What a page says to the server, watched from outside through Playwright:
 * its live socket (the highest seq it received and the highest it
 * acknowledged) and its calls to /api. A page is caught up when its socket is
 * open, every sequenced frame on it has been acknowledged, and no API call is
 * in flight: a condition to wait for instead of a pause.
 */
import type { Page, Request } from "playwright-core";

interface SocketWatch {
  highestReceived: number;
  highestAcked: number;
  closed: boolean;
}

/** The seq of a sequenced frame (snapshot or item) or of an ack; null for anything else. */
function seqOf(payload: string | Buffer, type: "sequenced" | "ack"): number | null {
  let frame: { type?: unknown; seq?: unknown };
  try {
    frame = JSON.parse(String(payload)) as typeof frame;
  } catch {
    return null;
  }
  const matches = type === "ack" ? frame.type === "ack" : frame.type === "snapshot" || frame.type === "item";
  return matches && typeof frame.seq === "number" ? frame.seq : null;
}

export class PageTraffic {
  private socket: SocketWatch | null = null;
  private apiCallsInFlight = 0;
  /** WebSockets the page has opened so far. */
  socketsOpened = 0;

  constructor(page: Page) {
    page.on("websocket", (ws) => {
      const watch: SocketWatch = { highestReceived: -1, highestAcked: -1, closed: false };
      this.socket = watch;
      this.socketsOpened++;
      ws.on("framereceived", ({ payload }) => {
        watch.highestReceived = Math.max(watch.highestReceived, seqOf(payload, "sequenced") ?? -1);
      });
      ws.on("framesent", ({ payload }) => {
        watch.highestAcked = Math.max(watch.highestAcked, seqOf(payload, "ack") ?? -1);
      });
      ws.on("close", () => (watch.closed = true));
    });
    const isApi = (url: string) => new URL(url).pathname.startsWith("/api/");
    page.on("request", (request) => {
      if (isApi(request.url())) this.apiCallsInFlight++;
    });
    const settled = (request: Request) => {
      if (isApi(request.url())) this.apiCallsInFlight--;
    };
    page.on("requestfinished", settled);
    page.on("requestfailed", settled);
  }

  get caughtUp(): boolean {
    const socket = this.socket;
    return socket !== null && !socket.closed && socket.highestAcked >= socket.highestReceived && this.apiCallsInFlight === 0;
  }
}
