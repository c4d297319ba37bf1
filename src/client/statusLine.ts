/**
 * The connection status as people read it: "opening connection", "no
 * connection... retrying in 4 s" (with Retry now), "catching up", or a quiet
 * "live" mark. `#statusmessage` holds the words, as in the seed.
 */
import type { ConnectionStatus } from "./liveConnection";

export interface StatusElements {
  message: HTMLElement;
  retryNow: HTMLButtonElement;
  liveMark: HTMLElement;
}

export function statusText(status: ConnectionStatus, now: number): string {
  switch (status.state) {
    case "connecting":
      return "opening connection";
    case "catching-up":
      return "catching up";
    case "live":
      return "";
    case "down": {
      const seconds = Math.ceil((status.retryAt - now) / 1000);
      return seconds > 0 ? `no connection... retrying in ${seconds} s` : "no connection... retrying";
    }
  }
}

export class StatusLine {
  private status: ConnectionStatus = { state: "connecting" };
  private ticker: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly elements: StatusElements) {}

  show(status: ConnectionStatus): void {
    this.status = status;
    if (this.ticker !== null) clearInterval(this.ticker);
    this.ticker = status.state === "down" ? setInterval(() => this.paint(), 1000) : null;
    this.paint();
  }

  private paint(): void {
    const { message, retryNow, liveMark } = this.elements;
    message.textContent = statusText(this.status, Date.now());
    retryNow.hidden = this.status.state !== "down";
    liveMark.hidden = this.status.state !== "live";
  }
}
