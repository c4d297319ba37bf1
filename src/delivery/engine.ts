/**
 * The engine, built: everything an object needs to serve sockets over a log
 * (docs/PROTOCOL.md), in the order each part needs the ones before it. The
 * list's object (src/room/) and each relay (src/relay/) build one the same
 * way, each over its own log (the list's items, or a relay's replica), with
 * the title and resume tokens its welcomes carry, and then route the
 * platform's hooks to it: an upgrade to `arrivals`, a frame to `intake`, a
 * close to `arrivals`, the alarm to `alarms`. What else the object does
 * registers with it: duties with the alarm, a wider audience with the head
 * count.
 */
import { PING_TEXT, PONG_TEXT } from "../protocol/frames";
import type { DeliveryConfig } from "./config";
import { SocketLimits } from "./limits/socketLimits";
import type { DeliveryLog } from "./log/deliveryLog";
import { Alarms } from "./platform/alarms";
import type { Sql } from "./platform/sql";
import type { RoomUsage } from "./platform/usage";
import { Delivery } from "./rounds/delivery";
import { ClientStore } from "./sessions/clientStore";
import { Sessions } from "./sessions/sessions";
import { Arrivals, type ResumeTokens } from "./sockets/arrivals";
import { Audience } from "./sockets/audience";
import { ConnectionStates } from "./sockets/connection";
import { HeadCount } from "./sockets/headCount";
import { Intake } from "./sockets/intake";
import { Outbound } from "./sockets/outbound";

export interface EngineNeeds {
  ctx: DurableObjectState;
  config: DeliveryConfig;
  sql: Sql;
  /** The billable work counters the parts add to. */
  usage: RoomUsage;
  /** The log delivery reads frames from. */
  log: DeliveryLog;
  /** The title the welcome carries now. */
  title: () => string;
  /** The resume tokens this object issues and accepts; plain tokens when absent. */
  tokens?: ResumeTokens;
}

export interface Engine {
  states: ConnectionStates;
  audience: Audience;
  outbound: Outbound;
  limits: SocketLimits;
  sessions: Sessions;
  alarms: Alarms;
  delivery: Delivery;
  headCount: HeadCount;
  arrivals: Arrivals;
  intake: Intake;
}

/** Builds the engine; call it in the object's constructor (it sets the ping auto-response). */
export function buildEngine({ ctx, config, sql, usage, log, title, tokens }: EngineNeeds): Engine {
  const states = new ConnectionStates();
  const audience = new Audience(ctx, states);
  const outbound = new Outbound(usage, (ws) => audience.closing(ws));
  const limits = new SocketLimits(config);
  const sessions = new Sessions(new ClientStore(sql), ctx, states, outbound, config.resumeWindowMs, config.resumeTokenGraceMs);
  const alarms = new Alarms(ctx.storage, usage);
  const delivery = new Delivery({ log, outbound, states, config, audience, alarms, sessions });
  const headCount = new HeadCount(config.presenceIntervalMs, audience, outbound, alarms);
  const arrivals = new Arrivals({ ctx, config, limits, sessions, delivery, audience, headCount, outbound, tokens, title });
  const intake = new Intake({ limits, outbound, config, usage, delivery });
  ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING_TEXT, PONG_TEXT));
  return { states, audience, outbound, limits, sessions, alarms, delivery, headCount, arrivals, intake };
}

/**
 * Storage is set up (at start, or when a list is created): delivery learns
 * where the log ends, and sessions whose sockets went with a restart are
 * detached, so their resume window starts now.
 */
export function startEngine(engine: Engine, now: number): void {
  engine.delivery.readPosition();
  engine.sessions.detachThoseWithoutSocket(now);
}
