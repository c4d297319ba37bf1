/**
 * Everything a run observed, kept for the checks that follow it: each save's,
 * edit's and removal's requests and answers, every version of every item each
 * client's list showed, each client connection with the frames that arrived
 * on it (every copy), what the client applied after each frame, the acks it
 * sent or was made to swallow, and how the connection ended; the restarts and
 * what was durable after each; the harness's own stalls.
 */
import type { ErrorFrame } from "../../src/protocol/frames";
import type { FieldChangeRecord } from "./fieldWriter";
import { ATTEMPT_PARAM } from "../../src/protocol/limits";

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

/** What one edit, tick or removal asked for (see writer.ts); the item is named once its save is answered. */
export interface ChangeRecord {
  number: number;
  kind: "edit" | "tick" | "remove";
  /** The Outbox entry's name. */
  key: string;
  writer: number;
  /** The save whose item it changes, and the item once known. */
  saveKey: string;
  itemId: string | null;
  /** The writer's own edit key for its own items, the list's owner key for anyone's; none for a tick. */
  credential: "edit key" | "owner key" | "no key";
  /** For an edit: the text it sets (a field left out keeps the item's); for a tick, `done`. */
  patch: { title?: string; body?: string; done?: boolean } | null;
  ifMatch: number | null;
  faults: ChangeFaults;
  addedAt: number;
  attempts: ChangeAttempt[];
  /** How the Outbox finished with it: done (with the version an edit answered), or refused. */
  outcome: { kind: "done"; version: number | null } | { kind: "rejected"; code: string; status: number | null } | null;
}

export type ChangeFaults = {
  /** The first answer is thrown away as if the network lost it; the Outbox must send it again. */
  loseFirstAnswer: boolean;
  /** A second request, the same change, races the Outbox's first one. */
  raceDuplicate: boolean;
};

export interface ChangeAttempt {
  purpose: "outbox" | "race";
  startedAt: number;
  endedAt: number | null;
  status: number | null;
  /** The item's version in a 200 answer to an edit. */
  version: number | null;
  answerLost: boolean;
  error: string | null;
}

/**
 * A moment the client's list started showing an item at a version, or
 * stopped showing it, or the client applied the item's removal (shown or not).
 */
export type ShownEvent =
  | { at: number; kind: "shown"; version: number; title: string; body: string; done: boolean; via: ShownVia }
  | { at: number; kind: "hidden"; via: ShownVia }
  | { at: number; kind: "removal applied" };

/** What changed the list: frames the Inbox handed over, a snapshot, or a "Show older" page. */
export type ShownVia = "frames" | "snapshot" | "older page";

export interface SaveRecord {
  number: number;
  key: string;
  title: string;
  body: string;
  /** The writer client that saved it; -1 for a field writer's item (fieldWriter.ts). */
  writer: number;
  /** Saved by a field writer, and changed only by field writers (so the regular writers leave it alone). */
  fieldItem: boolean;
  faults: SaveFaults;
  addedAt: number;
  attempts: SaveAttempt[];
  /** Item ids the Outbox reported saved (twice for a repeated save). */
  confirmedIds: string[];
  rejection: string | null;
}

/** What a sequenced frame carried, as far as the checks need it (an item's text is checked through the list). */
export type FrameContent =
  | { kind: "snapshot"; ids: string[]; hasOlder: boolean }
  | { kind: "item" | "edited"; id: string; version: number }
  | { kind: "removed"; id: string };

export interface FrameCopies {
  messageId: string;
  /** What the first copy carried (the one the Inbox applies). */
  content: FrameContent;
  /** What the latest copy carried, when there were more (a resend carries the item as it is then). */
  latest?: FrameContent;
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
  /** Items new to the client, from item frames. */
  appliedItemIds: string[];
  appliedSnapshots: string[][];
  /** Edits and removals the Inbox handed over. */
  appliedChanges: { kind: "edited" | "removed"; id: string }[];
}

export interface WelcomeRecord {
  at: number;
  sessionId: string;
  resumed: boolean;
  seq: number;
  lastAppliedBefore: number;
}

export type CloseCause = "terminated" | "abandoned" | "abandoned-connecting" | "proxy-cut" | "stopped" | "remote";

/** A while in which the client's socket was not read (its TCP receive side stalled). */
export interface PauseSpan {
  from: number;
  to: number | null;
}

export interface ConnectionRecord {
  client: number;
  ordinal: number;
  tag: string;
  proxied: boolean;
  resumeRequested: boolean;
  openedAt: number;
  /** The attempt number sent with a resume (null on a fresh connection). */
  attempt: number | null;
  /** When its TCP connection was established (null if it never was: the server was down). */
  tcpConnectedAt: number | null;
  welcome: WelcomeRecord | null;
  /** The server's goodbye, when it sent one before closing. */
  bye: { at: number; code: number; reason: string } | null;
  /** A 4009 that reached this connection while it was the client's current one: knocked off by an older attempt. */
  knockedOff: boolean;
  pauses: PauseSpan[];
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
  /** Arrived with the crowd in the middle of the run, rather than at the start. */
  crowd: boolean;
}

export interface ClientRecord {
  index: number;
  role: ClientRole;
  connections: ConnectionRecord[];
  /** Items applied from item frames, in the order applied, over the client's life. */
  itemFrameIds: string[];
  /** Items the client's list received twice. */
  appliedTwice: string[];
  /** Per item id, every version its list showed, every time it stopped showing it, and its removal, in order. */
  shown: Map<string, ShownEvent[]>;
  silences: SilenceEpisode[];
  /** Resume attempts it gave up while their upgrade was in flight, and why (after a restart, or at random). */
  abandonedAttempts: { at: number; why: string; tag: string }[];
  stoppedForGood: boolean;
}

export interface DurabilityCheck {
  label: string;
  at: number;
  /** Keys answered 2xx before the kill (or before the final check). */
  keysChecked: number;
  listSize: number;
  /** Saves answered 2xx before the kill whose item the list did not hold (removed since, or lost). */
  missing: { key: string; itemId: string }[];
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

function attemptOf(url: string): number | null {
  const value = new URL(url).searchParams.get(ATTEMPT_PARAM);
  return value === null ? null : Number(value);
}

export class History {
  readonly saves = new Map<string, SaveRecord>();
  readonly changes = new Map<string, ChangeRecord>();
  /** The field writers' changes (fieldWriter.ts), in the order they were made. */
  readonly fieldChanges: FieldChangeRecord[] = [];
  readonly clients: ClientRecord[] = [];
  readonly restarts: RestartRecord[] = [];
  readonly durability: DurabilityCheck[] = [];
  readonly stalls: Stall[] = [];
  readonly roomLag: RoomLag[] = [];
  /** For frames first sent at `at`, how long after its due time their resend came (see latencyProbe.ts). */
  readonly resendLateness: RoomLag[] = [];
  readonly notes: string[] = [];
  /** When the fault phase ended, and when every running client was live and showed the server's list. */
  faultsEndedAt: number | null = null;
  convergedAt: number | null = null;

  addClient(index: number, role: ClientRole): ClientRecord {
    const record: ClientRecord = {
      index,
      role,
      connections: [],
      itemFrameIds: [],
      appliedTwice: [],
      shown: new Map(),
      silences: [],
      abandonedAttempts: [],
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
      attempt: attemptOf(url),
      tcpConnectedAt: null,
      welcome: null,
      bye: null,
      knockedOff: false,
      pauses: [],
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
   * The longest the room took to answer anything waiting on it in [from, to]:
   * the latency probe's pings, and the writers' saves (each waits in the
   * room's queue like an ack does).
   */
  longestRoomDelayBetween(from: number, to: number): number {
    let longest = 0;
    // A ping or save that was waiting at any moment of [from, to] shows the room behind then, even if
    // it was sent before `from`.
    for (const lag of this.roomLag) if (lag.at <= to && lag.at + lag.ms >= from) longest = Math.max(longest, lag.ms);
    for (const save of this.saves.values()) {
      for (const attempt of save.attempts) {
        if (attempt.status === null || attempt.endedAt === null || attempt.startedAt > to || attempt.endedAt < from) continue;
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
