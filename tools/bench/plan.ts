/**
 * What one invocation measures: `--quick` (about 6 minutes on the 2-core
 * machine) or the full run. Rates are deliveries per second (saves per second
 * × clients), so the same ladder means the same fan-out work at every client
 * count; it is climbed until the median p99 to the last client passes
 * {@link P99_LIMIT_MS}, reach drops, or the load generator saturates, and
 * then bisected to a bracket (run/ladder.ts). The quick run is shorter by
 * measuring one client count and fewer systems, never by coarser steps.
 */
import type { SystemName } from "./systems/types";

export type Mode = "quick" | "full";

export const P99_LIMIT_MS = 100;
/** Below this reach a step counts as dropping deliveries. */
export const MIN_REACH = 0.999;
/** Connection ramp ceiling. */
export const CONNECTS_PER_SECOND = 500;
/** Growing the pool to a client count gives up after this long. */
export const CONNECT_TIMEOUT_MS = 60_000;

export interface Plan {
  mode: Mode;
  systems: SystemName[];
  /** Client counts with a rate ladder, in the order run; the first is also the idle room. */
  clientCounts: number[];
  /** Target deliveries per second, climbed in order. */
  deliveryLadder: number[];
  repeats: number;
  /** Sending time of one measured repeat. */
  pointSeconds: number;
  warmupSeconds: number;
  /** A point waits at most this long after its last save is due. */
  drainTimeoutMs: number;
  /** Fewest saves in a point, so a slow rate still gives a percentile worth reading… */
  minSavesPerPoint: number;
  /** …unless that would make the point longer than this (many clients, few saves a second). */
  maxPointSeconds: number;
  /** Idle room: clients, and how long it idles (Durable Objects may hibernate; the Node peers cannot). */
  idleClients: number;
  /** The systems that sit idle with `idleClients` connected, then take one save. */
  idleRoom: SystemName[];
  idleSecondsDurableObject: number;
  idleSecondsNode: number;
  /** Idle-then-save cycles on the Durable Object systems (once on the Node peers, which cannot sleep). */
  idleRepeatsDurableObject: number;
  /** Saves with nobody connected: the cost of a save on its own. */
  saveOnly: { perSecond: number; seconds: number };
  /** Also measure through wrangler dev's proxy, at the ladder's first rate and `idleClients` clients. */
  proxyComparison: SystemName[];
  /** Sample workerd with perf while these systems run at `idleClients`. */
  profile: SystemName[];
  profileSeconds: number;
  /** Total time to wait for a busy machine to calm down, over the whole run. */
  quietWaitBudgetMs: number;
  /** Time for all the systems together; ladders stop climbing when their share is spent. */
  deadlineMs: number;
  /** Pause between points, so acks and stragglers settle. */
  settleMs: number;
  /** The longest a ladder waits, after a failing step, for the server's backlog to drain before the next step. */
  backlogTimeoutMs: number;
  /** Failing steps in a row that end a climb (more than one rides out a noisy step). */
  failuresToStop: number;
  /** Extra attempts per step for repeats disturbed by other processes. */
  noisyRetries: number;
  /** Run these again with wrangler dev's local observability on (its default), to price it. */
  observabilityComparison: SystemName[];
  /** A what-if for Listroom: clients batching acks for these delays instead of as the page does, at one rate. */
  ackWhatIf: { system: SystemName; delaysMs: number[]; deliveriesPerSecond: number } | null;
}

/**
 * In the order run: the production-like column first (Listroom, then its two
 * bare floors: the plain broadcast and the one whose clients acknowledge as
 * pages do), then Socket.IO (the cost table sizes its VM from it), then the
 * wrangler dev column.
 */
export const ALL_SYSTEMS: SystemName[] = ["listroom-workerd", "bare-workerd", "bare-acking-workerd", "socketio", "listroom", "bare", "ws"];
/** The quick run leaves out plain ws (the Node ceiling) to stay near 6 minutes. */
export const QUICK_SYSTEMS: SystemName[] = ["listroom-workerd", "bare-workerd", "bare-acking-workerd", "socketio", "listroom", "bare"];

export function defaultSystems(mode: Mode): SystemName[] {
  return mode === "quick" ? QUICK_SYSTEMS : ALL_SYSTEMS;
}

export function planFor(mode: Mode, systems: SystemName[] = defaultSystems(mode)): Plan {
  if (mode === "quick") {
    return {
      mode,
      systems,
      clientCounts: [1_000],
      deliveryLadder: [5_000, 10_000, 20_000, 40_000, 80_000],
      // Each repeat ends when the clients' last batched acks are in (up to the page's 5 s), so three would not fit.
      repeats: 2,
      pointSeconds: 0.8,
      warmupSeconds: 0.8,
      drainTimeoutMs: 1_000,
      minSavesPerPoint: 8,
      maxPointSeconds: 3,
      idleClients: 1_000,
      // Hibernation and memory at rest matter for the cost table, which reads the workerd column.
      idleRoom: ["listroom-workerd"],
      // Past workerd's 10 s without events before a hibernatable object is
      // evicted, counted from the clients' last batched acks (up to 5 s after
      // their snapshots).
      idleSecondsDurableObject: 17,
      idleSecondsNode: 3,
      idleRepeatsDurableObject: 1,
      saveOnly: { perSecond: 200, seconds: 0.3 },
      proxyComparison: [],
      // Profiles: `npm run bench -- cpu-profile` (V8, per function) or the full run (perf).
      profile: [],
      profileSeconds: 3,
      quietWaitBudgetMs: 4_000,
      // A guard, not a plan: ladders are never cut short; this only skips systems not yet started.
      // Five systems took 286 s on 2026-11-29; the acking floor's ladder waits for batched acks as Listroom's does.
      deadlineMs: 400_000,
      settleMs: 200,
      // The full run's 10 s, four times over for a wrangler dev ladder, would not fit the quick run.
      backlogTimeoutMs: 3_000,
      failuresToStop: 1,
      // Disturbed repeats are counted in the tables, not run again: the quick run would not fit on a busy machine.
      noisyRetries: 0,
      observabilityComparison: [],
      ackWhatIf: null,
    };
  }
  return {
    mode,
    systems,
    clientCounts: [1_000, 100, 5_000],
    deliveryLadder: [2_500, 5_000, 10_000, 20_000, 40_000, 80_000],
    repeats: 3,
    pointSeconds: 4,
    warmupSeconds: 2,
    drainTimeoutMs: 2_000,
    minSavesPerPoint: 20,
    maxPointSeconds: 6,
    idleClients: 1_000,
    idleRoom: systems,
    idleSecondsDurableObject: 20,
    idleSecondsNode: 15,
    idleRepeatsDurableObject: 3,
    saveOnly: { perSecond: 200, seconds: 5 },
    proxyComparison: ["listroom", "bare"],
    profile: ["listroom-workerd", "bare-workerd"],
    profileSeconds: 5,
    quietWaitBudgetMs: 2 * 60_000,
    deadlineMs: 40 * 60_000,
    settleMs: 500,
    backlogTimeoutMs: 10_000,
    failuresToStop: 2,
    noisyRetries: 2,
    observabilityComparison: ["listroom", "bare"],
    // 100 ms is what the page did before 97b5efc; 5 s is still well inside the 30 s resend interval.
    ackWhatIf: { system: "listroom-workerd", delaysMs: [100, 5_000], deliveriesPerSecond: 5_000 },
  };
}
