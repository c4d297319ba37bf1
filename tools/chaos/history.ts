/**
 * Everything a run observed, kept for the checks that follow it: each save's
 * requests and answers, each client connection with the frames that arrived
 * on it (every copy), what the client applied after each frame, the acks it
 * sent or was made to swallow, and how the connection ended; the restarts and
 * what was durable after each; the harness's own stalls.
 */
import type { ErrorFrame } from "../../src/protocol/frames";

export type SaveFaults = {
  /** The first answer is thrown away as if the network lost it; the Outbox must retry with the same key. */
  loseFirstAnswer: boolean;
  /** Once saved, the same save is queued again with the same key. */
  repeatAfterSave: boolean;
  /** A second request with the same key races the Outbox's first one. */
  raceDuplicate: boolean;
};

export interface SaveAttempt {
  purpose: "outbox" | "race";
  startedAt: number;
  endedAt: number | null;
  status: number | null;
  itemId: string | null;
  replayed: boolean;
  /** The answer reached the harness but was withheld from the client. */
  answerLost: boolean;
  error: string | null;
}

export interface SaveRecord {
  number: number;
  key: string;
  title: string;
  body: string;
  writer: number;
  faults: SaveFaults;
  addedAt: number;
  attempts: SaveAttempt[];
  /** Item ids the Outbox reported saved (twice for a repeated save). */
  confirmedIds: string[];
  rejection: string | null;
}

export type FrameContent = { kind: "snapshot"; ids: string[]; hasOlder: boolean } | { kind: "item"; id: string };

export interface FrameCopies {
  messageId: string;
  content: FrameContent;
  /** When each copy arrived at the client. */
  arrivals: number[];
}

/** One incoming sequenced frame and what the client applied because of it. */
export interface Dispatch {
  at: number;
  seq: number;
  /** The client's highest gap-free seq before and after the frame. */
  before: number;
  after: number;
  appliedItemIds: string[];
  appliedSnapshots: string[][];
}

export interface WelcomeRecord {
  at: number;
  sessionId: string;
  resumed: boolean;
  seq: number;
  lastAppliedBefore: number;
}

export type CloseCause = "terminated" | "abandoned" | "proxy-cut" | "stopped" | "remote";

export interface ConnectionRecord {
  client: number;
  ordinal: number;
  tag: string;
  proxied: boolean;
  resumeRequested: boolean;
  openedAt: number;
  welcome: WelcomeRecord | null;
  frames: Map<number, FrameCopies>;
  dispatches: Dispatch[];
  acks: { at: number; seq: number; swallowed: boolean }[];
  errors: ErrorFrame[];
  /** Differences between copies of one seq, or other breaches seen as frames arrived. */
  problems: string[];
  /** Whether the client was silent (swallowing acks) when the connection ended. */
  silentAtClose: boolean;
  closedAt: number | null;
  closeCode: number | null;
  /** Who ended it, when the harness did; "remote" for the server or the network. */
  closeCause: CloseCause;
}

/** After the drop: reconnect at once, never come back, or stay away a while (see faults.ts). */
export type SilenceKind = "temporary" | "forever" | "away";

export interface SilenceEpisode {
  kind: SilenceKind;
  startedAt: number;
  endedAt: number | null;
  endedBy: "drop" | "timeout" | "run-end" | null;
}

export interface ClientRole {
  writer: boolean;
  proxied: boolean;
}

export interface ClientRecord {
  index: number;
  role: ClientRole;
  connections: ConnectionRecord[];
  /** Items applied from item frames, in the order applied, over the client's life. */
  itemFrameIds: string[];
  /** Items the client's list received twice. */
  appliedTwice: string[];
  silences: SilenceEpisode[];
  stoppedForGood: boolean;
}

export interface DurabilityCheck {
  label: string;
  at: number;
  /** Keys answered 2xx before the kill (or before the final check). */
  keysChecked: number;
  listSize: number;
  missing: string[];
}

export interface RestartRecord {
  killedAt: number;
  answeringAt: number | null;
}

export interface Stall {
  at: number;
  ms: number;
}

/** How long the room took to answer a frame sent at `at` (see latencyProbe.ts). */
export interface RoomLag {
  at: number;
  ms: number;
}

export class History {
  readonly saves = new Map<string, SaveRecord>();
  readonly clients: ClientRecord[] = [];
  readonly restarts: RestartRecord[] = [];
  readonly durability: DurabilityCheck[] = [];
  readonly stalls: Stall[] = [];
  readonly roomLag: RoomLag[] = [];
  /** For frames first sent at `at`, how long after its due time their resend came (see latencyProbe.ts). */
  readonly resendLateness: RoomLag[] = [];
  readonly notes: string[] = [];

  addClient(index: number, role: ClientRole): ClientRecord {
    const record: ClientRecord = {
      index,
      role,
      connections: [],
      itemFrameIds: [],
      appliedTwice: [],
      silences: [],
      stoppedForGood: false,
    };
    this.clients[index] = record;
    return record;
  }

  openConnection(client: ClientRecord, url: string): ConnectionRecord {
    const ordinal = client.connections.length;
    const connection: ConnectionRecord = {
      client: client.index,
      ordinal,
      tag: `c${client.index}.${ordinal}`,
      proxied: client.role.proxied,
      resumeRequested: url.includes("resume="),
      openedAt: Date.now(),
      welcome: null,
      frames: new Map(),
      dispatches: [],
      acks: [],
      errors: [],
      problems: [],
      silentAtClose: false,
      closedAt: null,
      closeCode: null,
      closeCause: "remote",
    };
    client.connections.push(connection);
    return connection;
  }

  /**
   * The longest the room took to answer anything asked of it in [from, to]:
   * the latency probe's pings, and the writers' saves (each waits in the
   * room's queue like an ack does).
   */
  longestRoomDelayBetween(from: number, to: number): number {
    let longest = 0;
    for (const lag of this.roomLag) if (lag.at >= from && lag.at <= to) longest = Math.max(longest, lag.ms);
    for (const save of this.saves.values()) {
      for (const attempt of save.attempts) {
        if (attempt.status === null || attempt.endedAt === null || attempt.startedAt < from || attempt.startedAt > to) continue;
        longest = Math.max(longest, attempt.endedAt - attempt.startedAt);
      }
    }
    return longest;
  }

  /** The longest harness stall overlapping [from, to]. */
  longestStallBetween(from: number, to: number): number {
    let longest = 0;
    for (const stall of this.stalls) {
      if (stall.at >= from && stall.at - stall.ms <= to) longest = Math.max(longest, stall.ms);
    }
    return longest;
  }
}

/** Records stalls of this process's event loop, so that timing the harness itself lost is not blamed on the server. */
export function watchStalls(history: History, thresholdMs = 100, tickMs = 20): () => void {
  let expected = Date.now() + tickMs;
  const timer = setInterval(() => {
    const now = Date.now();
    const late = now - expected;
    if (late >= thresholdMs) history.stalls.push({ at: now, ms: late });
    expected = now + tickMs;
  }, tickMs);
  return () => clearInterval(timer);
}
