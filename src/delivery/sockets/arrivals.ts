/**
 * A socket's arrival and departure. Arrival is the WebSocket upgrade: the
 * query read, tokens hashed, the per-address cap, the resume judged
 * (sessions/sessions.ts), the socket accepted with its state, the welcome,
 * what it is owed (rounds/delivery.ts), and the head count. Departure
 * detaches its session so the client may resume, and tells the others.
 */
import { errorBody, ErrorCode } from "../../protocol/errors";
import { PROTOCOL_VERSION, type WelcomeFrame } from "../../protocol/frames";
import { ATTEMPT_PARAM, BROWSER_PARAM, CloseCode, FIRST_SEQ, LAST_SEQ_PARAM, RESUME_TOKEN_PARAM } from "../../protocol/limits";
import { addressTag, CLIENT_GROUP_HEADER } from "../../shared/clientGroup";
import { hashToken, isWellFormedToken, newToken } from "../../shared/tokens";
import type { DeliveryConfig } from "../config";
import type { SocketLimits } from "../limits/socketLimits";
import type { Delivery } from "../rounds/delivery";
import type { ResumeRequest, Sessions } from "../sessions/sessions";
import type { Audience } from "./audience";
import type { ConnectionState } from "./connection";
import type { HeadCount } from "./headCount";
import type { Outbound } from "./outbound";

/** Close codes a peer may send but an endpoint must never send back (RFC 6455 §7.4.1). */
const RESERVED_CLOSE_CODES = new Set([1005, 1006, 1015]);

export interface ArrivalParts {
  ctx: DurableObjectState;
  config: DeliveryConfig;
  limits: SocketLimits;
  sessions: Sessions;
  delivery: Delivery;
  audience: Audience;
  headCount: HeadCount;
  outbound: Outbound;
  /** The resume tokens this object issues and accepts; a relay's name the relay (src/shared/relays.ts). */
  tokens?: ResumeTokens;
  /** The title the welcome carries now (the list's). */
  title: () => string;
}

export interface ResumeTokens {
  issue(): string;
  accepts(token: string): boolean;
}

const ROOM_TOKENS: ResumeTokens = { issue: newToken, accepts: isWellFormedToken };

/** The resume a URL asks for, without its token: the token is hashed before anything else is read. */
function resumeQuery(url: URL): { token: string | null; last: number; attempt: number | null } {
  const attempt = url.searchParams.get(ATTEMPT_PARAM);
  return {
    token: url.searchParams.get(RESUME_TOKEN_PARAM),
    last: Number(url.searchParams.get(LAST_SEQ_PARAM) ?? FIRST_SEQ - 1),
    attempt: attempt === null ? null : Number(attempt),
  };
}

export class Arrivals {
  constructor(private readonly parts: ArrivalParts) {}

  async arrive(request: Request): Promise<Response> {
    const { ctx, config, sessions, delivery, outbound } = this.parts;
    const url = new URL(request.url);
    const query = resumeQuery(url);
    // The Worker checked its form (src/worker/schemas.ts); it is used for the head count only.
    const browserId = url.searchParams.get(BROWSER_PARAM);
    const tokens = this.parts.tokens ?? ROOM_TOKENS;
    const resumeHash = query.token !== null && tokens.accepts(query.token) ? await hashToken(query.token) : null;
    // Every welcome carries a new token: a token seen in a URL (and so perhaps in a log) soon stops working.
    const freshToken = tokens.issue();
    const freshHash = await hashToken(freshToken);

    // No awaits from here on: the log position read below is the one this
    // connection's seq numbers are derived from, so no save may slip in.
    const now = Date.now();
    const group = request.headers.get(CLIENT_GROUP_HEADER);
    if (!this.parts.limits.mayConnect(group, group === null ? 0 : this.parts.audience.fromGroup(group))) {
      const message = `too many connections from your address; the limit is ${config.connectionsPerAddress}`;
      return Response.json(errorBody(ErrorCode.TooManyConnections, message), { status: 429 });
    }
    const resume: ResumeRequest | null =
      resumeHash === null ? null : { tokenHash: resumeHash, last: query.last, attempt: query.attempt };
    const resumption = resume === null ? ({ kind: "fresh" } as const) : sessions.resume(resume, freshHash, now, delivery.lastPos);
    const { 0: client, 1: server } = new WebSocketPair();
    if (resumption.kind === "stale") {
      // A late, older attempt: it gets its goodbye, the connection holding the session is left alone.
      ctx.acceptWebSocket(server);
      outbound.closeWithBye(server, CloseCode.Superseded, "a newer connection attempt holds this session");
      return new Response(null, { status: 101, webSocket: client });
    }
    const resumed = resumption.kind === "resumed";
    const record = resumed ? resumption.record : sessions.register(freshHash, now, delivery.lastPos);
    ctx.acceptWebSocket(server, group === null ? [record.clientId] : [record.clientId, addressTag(group)]);
    const state: ConnectionState = {
      v: 2,
      clientId: record.clientId,
      connectionId: record.connectionId,
      basePos: record.basePos,
      connectedAt: now,
      acked: resumed ? record.acked : FIRST_SEQ - 1,
      ackedAt: now,
      resendRounds: [],
      ...(browserId === null ? {} : { browserId }),
    };
    outbound.frame(server, {
      type: "welcome",
      protocol: PROTOCOL_VERSION,
      clientId: record.clientId,
      resumeToken: freshToken,
      resumed,
      seq: state.acked + 1,
      resendIntervalMs: config.resendIntervalMs,
      window: config.sendWindow,
      title: this.parts.title(),
    } satisfies WelcomeFrame);
    delivery.open(server, state, now);
    this.parts.audience.joined(server, group);
    this.parts.headCount.arrived(server, now);
    return new Response(null, { status: 101, webSocket: client });
  }

  /** The socket closed or failed: its client may resume within the window, and the others hear the new count. */
  leave(ws: WebSocket, now: number): void {
    this.parts.audience.gone(ws);
    this.parts.sessions.detach(ws, now);
    this.parts.headCount.changed(now);
  }

  /** Completes the closing handshake the peer started. */
  answerClose(ws: WebSocket, code: number, reason: string): void {
    try {
      if (!RESERVED_CLOSE_CODES.has(code)) ws.close(code, reason);
    } catch {
      // Already closed.
    }
  }
}
