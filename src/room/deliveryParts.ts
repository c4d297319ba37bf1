/**
 * The delivery machinery a list's object and its relays (src/relay/) both
 * run, built in one place so the two are wired the same way: outbound frames,
 * connection states, abuse limits, sessions, the audience, the one alarm (its
 * resend and presence duties assigned), delivery over the object's log, the
 * head count, arrival (connect.ts) and a client's frames (intake.ts). Each
 * object brings its own log (the list's items, or a relay's replica), where
 * its head count reaches, and the title and tokens its welcomes carry.
 */
import { PING_TEXT, PONG_TEXT } from "../protocol/frames";
import { AbuseLimits } from "./abuseLimits";
import { Alarm } from "./alarm";
import { Audience } from "./audience";
import { ClientStore } from "./clientStore";
import type { RoomConfig } from "./config";
import { Connect, type ResumeTokens } from "./connect";
import { ConnectionStates } from "./connection";
import { Delivery } from "./delivery/delivery";
import type { DeliveryLog } from "./delivery/log";
import { Intake } from "./intake";
import { Outbound } from "./outbound";
import { HeadCount, type WiderAudience } from "./presence";
import { Sessions } from "./sessions";
import type { Sql } from "./sql";
import type { RoomUsage } from "./usage";

export interface DeliveryNeeds {
  ctx: DurableObjectState;
  config: RoomConfig;
  sql: Sql;
  /** The billable work counters the parts add to. */
  usage: RoomUsage;
  /** The log delivery reads frames from. */
  log: DeliveryLog;
  /** The list's title now, for the welcome. */
  listTitle: () => string;
  /** Where the head count reaches past this object's sockets; only here when absent. */
  wider?: WiderAudience;
  /** The resume tokens this object issues and accepts; the list's own when absent. */
  tokens?: ResumeTokens;
}

export interface DeliveryWiring {
  out: Outbound;
  states: ConnectionStates;
  limits: AbuseLimits;
  sessions: Sessions;
  audience: Audience;
  alarms: Alarm;
  delivery: Delivery;
  headCount: HeadCount;
  arrivals: Connect;
  intake: Intake;
}

/** Builds the delivery parts; call it in the object's constructor (it sets the ping auto-response). */
export function buildDeliveryParts(needs: DeliveryNeeds): DeliveryWiring {
  const { ctx, config, sql, usage, log, listTitle, wider, tokens } = needs;
  const out = new Outbound(usage, (ws) => audience.closing(ws));
  const states = new ConnectionStates();
  const limits = new AbuseLimits(config, Date.now());
  const sessions = new Sessions(new ClientStore(sql), ctx, states, out, config.resumeWindowMs, config.resumeTokenGraceMs);
  const audience = new Audience(ctx, states);
  const alarms = new Alarm(ctx.storage, usage);
  const delivery = new Delivery({ log, out, states, config, audience, alarm: alarms, sessions });
  const headCount = new HeadCount(config.presenceIntervalMs, audience, out, alarms, wider);
  alarms.assign("resend", (now) => delivery.resendRound(now));
  alarms.assign("presence", (now) => headCount.onAlarm(now));
  const arrivals = new Connect({ ctx, config, limits, sessions, delivery, audience, headCount, out, tokens, listTitle });
  const intake = new Intake({ limits, out, config, usage, delivery });
  ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING_TEXT, PONG_TEXT));
  return { out, states, limits, sessions, audience, alarms, delivery, headCount, arrivals, intake };
}
