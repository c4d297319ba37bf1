/**
 * The writers: saves sent open loop at a fixed rate. Save i is due at
 * `startAt + i / rate`; it is sent when due whether or not earlier saves have
 * been answered, and every latency is measured from that due time, so a slow
 * server cannot slow the writers down and hide its own slowness (coordinated
 * omission). Requests go over a small pool of keep-alive HTTP connections,
 * as a few busy browsers would.
 */
import { randomUUID } from "node:crypto";
import { Agent, request } from "node:http";
import { delay, now } from "../../harness/wait";

const WRITER_CONNECTIONS = 16;
const SAVE_TIMEOUT_MS = 10_000;

export interface SaveOutcome {
  index: number;
  ok: boolean;
  /** Milliseconds from the due time to the response (or the failure). */
  latencyMs: number;
  problem: string | null;
}

export class SaveClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: WRITER_CONNECTIONS });
  private readonly url: URL;

  constructor(
    origin: string,
    /** Sent with every save (see RunningSystem.requestHeaders). */
    private readonly headers: Record<string, string> = {},
    /** Where saves go: `/api/items`, or with a query the bare room reads (`?with=durable`). */
    path = "/api/items",
  ) {
    this.url = new URL(path, origin);
  }

  /** POSTs one item with a fresh Idempotency-Key, as the page does. */
  save(title: string, body: string): Promise<{ ok: boolean; problem: string | null }> {
    const payload = JSON.stringify({ title, body });
    return new Promise((resolve) => {
      const req = request(
        this.url,
        {
          method: "POST",
          agent: this.agent,
          headers: {
            ...this.headers,
            "content-type": "application/json",
            "content-length": Buffer.byteLength(payload),
            "idempotency-key": randomUUID(),
          },
          timeout: SAVE_TIMEOUT_MS,
        },
        (response) => {
          response.resume();
          response.on("end", () => {
            const ok = response.statusCode === 201;
            resolve({ ok, problem: ok ? null : `status ${response.statusCode}` });
          });
          response.on("error", (error) => resolve({ ok: false, problem: error.message }));
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer within ${SAVE_TIMEOUT_MS} ms`)));
      req.on("error", (error) => resolve({ ok: false, problem: error.message }));
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface OpenLoopPlan {
  count: number;
  perSecond: number;
  /** Monotonic ms at which save 0 is due. */
  startAt: number;
  send(index: number): Promise<{ ok: boolean; problem: string | null }>;
  /** Called as each save is sent: how late it went out, in ms. */
  onSent(index: number, lagMs: number): void;
}

export function dueAt(plan: Pick<OpenLoopPlan, "startAt" | "perSecond">, index: number): number {
  return plan.startAt + (index * 1000) / plan.perSecond;
}

/** Sends every save of the plan when due; resolves with every outcome once all are answered. */
export async function runOpenLoop(plan: OpenLoopPlan): Promise<SaveOutcome[]> {
  const pending: Promise<SaveOutcome>[] = [];
  let next = 0;
  while (next < plan.count) {
    const current = now();
    while (next < plan.count && dueAt(plan, next) <= current) {
      const index = next++;
      const due = dueAt(plan, index);
      plan.onSent(index, current - due);
      pending.push(
        plan.send(index).then((answer) => ({ index, ...answer, latencyMs: now() - due })),
      );
    }
    if (next < plan.count) await delay(Math.max(0, Math.min(dueAt(plan, next) - now(), 5)));
  }
  return Promise.all(pending);
}
