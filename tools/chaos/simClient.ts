/**
 * One simulated person with the page open: the page's own `LiveConnection`
 * (and so its Inbox, acks, heartbeat, reconnect and resume) over a
 * FaultySocket, a MirrorList standing in for the page's list, and the page's
 * "Show older" paging. Everything it sees and does goes into the History.
 * Faults are done to it from outside: its socket terminated or abandoned, or
 * its acks swallowed for a while.
 */
import type { Applied } from "../../src/client/core/inbox";
import { LiveConnection, type Scheduler } from "../../src/client/core/liveConnection";
import { parseServerFrame, type SequencedFrame } from "../../src/protocol/frames";
import { readItemsPage } from "../../src/client/core/itemsApi";
import type { ItemsPage } from "../../src/client/core/listModel";
import { CloseCode } from "../../src/protocol/limits";
import { contentOf, mayFollow } from "./frameContent";
import { FaultySocket } from "./faultySocket";
import type {
  ClientRecord,
  ClientRole,
  ConnectionRecord,
  Dispatch,
  History,
  SilenceEpisode,
  SilenceKind,
} from "./history";
import { MirrorList } from "./mirrorList";
import type { Prng } from "./random";

/** Pages fetched per "Show older" burst at most; the list never gets near 200 × this. */
const OLDER_PAGES_MAX = 100;
const OLDER_PAGE_TIMEOUT_MS = 5_000;

export interface SimClientOptions {
  index: number;
  role: ClientRole;
  socketUrl: string;
  apiBase: string;
  itemsPath: string;
  prng: Prng;
  history: History;
  /** Called whenever the client's connection goes live (the page flushes its outbox then). */
  onLive(): void;
}

export class SimClient {
  readonly record: ClientRecord;
  readonly list: MirrorList;
  readonly connection: LiveConnection;
  private socket: FaultySocket | null = null;
  private current: ConnectionRecord | null = null;
  private silence: SilenceEpisode | null = null;
  private appliedNow: Applied[] | null = null;
  private loadingOlder = false;
  private stopped = false;
  /** Closed the page for a while (see `leave`). */
  private away = false;
  /** Its next resume attempt is abandoned this long after its TCP connection is up (see `abandonNextAttempt`). */
  private abandonArmed: { afterMs: number; why: string } | null = null;
  private pausedUntil = 0;

  constructor(private readonly options: SimClientOptions) {
    this.record = options.history.addClient(options.index, options.role);
    this.list = new MirrorList(this.record.shown);
    const scheduler: Scheduler = {
      setTimeout: (callback, ms) => setTimeout(callback, ms),
      clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
      now: () => Date.now(),
      random: () => options.prng.next(),
    };
    this.connection = new LiveConnection({
      socketUrl: options.socketUrl,
      createSocket: (url) => this.openSocket(url),
      scheduler,
      onApplied: (applied) => this.onApplied(applied),
      onStatus: (status) => {
        if (status.state !== "live") return;
        options.onLive();
        if (this.list.showOlderVisible) void this.loadOlder();
      },
      onServerError: (frame) => this.current?.errors.push(frame),
    });
  }

  get index(): number {
    return this.options.index;
  }

  get isLive(): boolean {
    return !this.stopped && !this.away && this.connection.currentStatus.state === "live";
  }

  get isAway(): boolean {
    return this.away;
  }

  get isSilent(): boolean {
    return this.silence !== null;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  get silenceKind(): SilenceKind | null {
    return this.silence?.kind ?? null;
  }

  get isPaused(): boolean {
    return Date.now() < this.pausedUntil;
  }

  /** Whether a fault may be done to it now: live, acking, reading, and its socket open. */
  get canTakeFault(): boolean {
    return this.isLive && !this.isSilent && !this.isPaused && this.socket?.isOpen === true;
  }

  get currentTag(): string | null {
    return this.current?.tag ?? null;
  }

  start(): void {
    this.connection.start();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.abandonArmed = null;
    if (this.current && this.current.closedAt === null) this.current.closeCause = "stopped";
    this.connection.stop();
  }

  /** Closes the page for a while; `comeBack` opens it again with what it showed (a laptop lid, say). */
  leave(): void {
    this.away = true;
    this.connection.stop();
  }

  comeBack(): void {
    this.away = false;
    this.connection.start();
  }

  /** Pulls the cable: the TCP connection ends without a Close frame; the client notices and resumes. */
  terminate(): void {
    if (this.current) this.current.closeCause = "terminated";
    this.socket?.terminate();
  }

  /** The client gives up on its socket, as its heartbeat does when pongs stop. */
  abandon(): void {
    if (this.current) this.current.closeCause = "abandoned";
    this.connection.abandonSocket();
  }

  /**
   * Its next resume attempt is given up `afterMs` after its TCP connection is
   * up, while the upgrade is still in flight (as the page does when a welcome
   * is late, or as a phone does when its network changes), and it resumes
   * again with the next attempt number. The server may still act on the
   * abandoned attempt, late: it must not take the session back.
   */
  abandonNextAttempt(afterMs: number, why: string): void {
    this.abandonArmed = { afterMs, why };
  }

  /** Its socket stops being read for `ms` (the TCP receive side stalls), then reads again. */
  pauseReading(ms: number): void {
    const socket = this.socket;
    const connection = this.current;
    if (!socket || !connection) return;
    const span = { from: Date.now(), to: null as number | null };
    connection.pauses.push(span);
    this.pausedUntil = span.from + ms;
    socket.pauseReading();
    setTimeout(() => {
      span.to = Date.now();
      socket.resumeReading();
    }, ms);
  }

  markProxyCut(): void {
    if (this.current) this.current.closeCause = "proxy-cut";
  }

  /** From now on its acks are swallowed, until the server drops it (or `endSilence`). */
  goSilent(kind: SilenceKind): void {
    this.silence = { kind, startedAt: Date.now(), endedAt: null, endedBy: null };
    this.record.silences.push(this.silence);
  }

  endSilence(endedBy: "drop" | "timeout" | "run-end"): void {
    if (!this.silence) return;
    this.silence.endedAt = Date.now();
    this.silence.endedBy = endedBy;
    this.silence = null;
  }

  /** The page's "Show older", pressed until the button goes away (or a request fails). */
  async loadOlder(): Promise<void> {
    if (this.loadingOlder) return;
    this.loadingOlder = true;
    try {
      for (let page = 0; page < OLDER_PAGES_MAX && this.list.showOlderVisible && !this.stopped; page++) {
        const before = this.list.oldestId();
        if (before === null) return;
        const page = await this.readPage(before);
        this.list.appendOlder(page);
      }
    } catch {
      // The server is down or slow; the next time the client goes live it tries again.
    } finally {
      this.loadingOlder = false;
    }
  }

  /** A page of older items, as the page reads it; what it returns is marked shown in the inbox. */
  private async readPage(before: string): Promise<ItemsPage> {
    const timed: typeof fetch = (input, init) =>
      fetch(input, { ...init, signal: AbortSignal.timeout(OLDER_PAGE_TIMEOUT_MS) });
    const page = await readItemsPage(timed, this.options.apiBase, before, this.options.itemsPath);
    this.connection.inbox.markShown(page.items);
    return page;
  }

  private openSocket(url: string): FaultySocket {
    const connection = this.options.history.openConnection(this.record, url);
    const socket = new FaultySocket(url, {
      tag: connection.tag,
      isSilent: () => this.isSilent,
      observer: {
        onIncoming: (text, deliver) => this.onIncoming(connection, text, deliver),
        onOutgoing: (text, swallowed) => {
          if (!text.startsWith('{"type":"ack"')) return;
          const { seq } = JSON.parse(text) as { seq: number };
          connection.acks.push({ at: Date.now(), seq, swallowed });
        },
        onClose: (code) => this.onClose(connection, code),
        onTcpConnect: () => this.onTcpConnect(connection, socket),
      },
    });
    this.socket = socket;
    this.current = connection;
    return socket;
  }

  private onTcpConnect(connection: ConnectionRecord, socket: FaultySocket): void {
    connection.tcpConnectedAt = Date.now();
    const armed = this.abandonArmed;
    if (!armed || !connection.resumeRequested) return;
    this.abandonArmed = null;
    setTimeout(() => {
      if (this.socket !== socket || !socket.isConnecting || this.stopped) return;
      connection.closeCause = "abandoned-connecting";
      this.record.abandonedAttempts.push({ at: Date.now(), why: armed.why, tag: connection.tag });
      this.connection.abandonSocket();
    }, armed.afterMs);
  }

  private onIncoming(connection: ConnectionRecord, text: string, deliver: () => void): void {
    const wasCurrent = connection === this.current;
    const before = this.connection.inbox.lastApplied;
    this.appliedNow = [];
    deliver();
    const applied = this.appliedNow;
    this.appliedNow = null;
    const after = this.connection.inbox.lastApplied;
    const at = Date.now();
    const parsed = parseServerFrame(text);
    if (!parsed.ok) {
      connection.problems.push(`a frame the client cannot parse: ${text.slice(0, 120)}`);
      return;
    }
    const frame = parsed.frame;
    if (frame.type === "bye") {
      connection.bye = { at, code: frame.code, reason: frame.reason };
      if (frame.code === CloseCode.Superseded && wasCurrent) connection.knockedOff = true;
      this.onEnded(connection, frame.code, wasCurrent);
    } else if (frame.type === "welcome") {
      const { clientId: sessionId, resumed, seq } = frame;
      connection.welcome = { at, sessionId, resumed, seq, lastAppliedBefore: before };
    } else if ("seq" in frame) {
      this.recordCopy(connection, frame, at);
      if (before !== after || applied.length > 0) {
        connection.dispatches.push({
          at,
          seq: frame.seq,
          before,
          after,
          appliedItemIds: applied.flatMap((change) => (change.kind === "item" ? [change.item.id] : [])),
          appliedSnapshots: applied.flatMap((change) => (change.kind === "snapshot" ? [change.items.map((item) => item.id)] : [])),
          appliedChanges: applied.flatMap((change): Dispatch["appliedChanges"] =>
            change.kind === "edited" ? [{ kind: "edited", id: change.item.id }] : change.kind === "removed" ? [{ kind: "removed", id: change.itemId }] : [],
          ),
        });
      }
    }
  }

  private recordCopy(connection: ConnectionRecord, frame: SequencedFrame, at: number): void {
    const content = contentOf(frame);
    const known = connection.frames.get(frame.seq);
    if (!known) {
      connection.frames.set(frame.seq, { messageId: frame.messageId, content, arrivals: [at] });
      return;
    }
    known.arrivals.push(at);
    if (known.messageId !== frame.messageId || !mayFollow(known.latest ?? known.content, content)) {
      connection.problems.push(
        `seq ${frame.seq} arrived again with a different messageId or a different change: ${JSON.stringify(known.latest ?? known.content).slice(0, 120)}, then ${JSON.stringify(content).slice(0, 120)}`,
      );
    }
    known.latest = content;
  }

  private onApplied(applied: Applied[]): void {
    this.appliedNow?.push(...applied);
    this.record.appliedTwice.push(...this.list.apply(applied));
    for (const change of applied) if (change.kind === "item") this.record.itemFrameIds.push(change.item.id);
    if (this.list.showOlderVisible && this.isLive) void this.loadOlder();
  }

  /** The ws close event: the end of the connection, unless a `bye` ended it already. */
  private onClose(connection: ConnectionRecord, code: number): void {
    if (code === CloseCode.Superseded && connection === this.current) connection.knockedOff = true;
    if (connection.bye !== null) return;
    this.onEnded(connection, code, connection === this.current);
  }

  /**
   * The connection is over for the client: at its `bye` (the page acts on it
   * at once and may be on a new connection before the close itself arrives)
   * or at its close. `wasCurrent`: it was the client's connection then.
   */
  private onEnded(connection: ConnectionRecord, code: number, wasCurrent: boolean): void {
    connection.closedAt = Date.now();
    connection.closeCode = code;
    connection.silentAtClose = this.isSilent && wasCurrent;
    if (!wasCurrent || code !== CloseCode.AckTimeout || !this.silence) return;
    const kind = this.silence.kind;
    this.endSilence("drop");
    // After LiveConnection has handled the close or bye and before its reconnect timer fires,
    // a client that never comes back goes, and one that stays away leaves.
    if (kind === "forever") {
      setImmediate(() => {
        this.record.stoppedForGood = true;
        this.stop();
      });
    } else if (kind === "away") {
      setImmediate(() => this.leave());
    }
  }
}
