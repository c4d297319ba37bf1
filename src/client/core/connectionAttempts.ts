/**
 * Which session a client resumes and how its tries have gone: the resume
 * token (it rotates on every welcome), the connections made in the session
 * (each resume names its number, so a late, older attempt cannot win), and
 * the tries that failed in a row (for the backoff and the connect timeout).
 */
import { ATTEMPT_PARAM, LAST_SEQ_PARAM, RESUME_TOKEN_PARAM } from "../../protocol/limits";

export class ConnectionAttempts {
  #resumeToken: string | null = null;
  /** Connections of this session so far, its first (fresh) one included. */
  #connectionsInSession = 0;
  /** Tries since the last welcome, none of which reached one. */
  #failuresInARow = 0;

  /**
   * The URL of the next try: a resume of the session when there is one (and
   * then one more connection in it), else `socketUrl` for a fresh session.
   *
   * @example
   * attempts.nextUrl("wss://host/ws", 7) // "wss://host/ws?resume=…&last=7&attempt=2", the session's second connection
   * attempts.nextUrl("wss://host/ws?browser=b", 7) // "wss://host/ws?browser=b&resume=…&last=7&attempt=3"
   */
  nextUrl(socketUrl: string, lastApplied: number): string {
    if (this.#resumeToken === null) return socketUrl;
    this.#connectionsInSession++;
    const query =
      `${RESUME_TOKEN_PARAM}=${encodeURIComponent(this.#resumeToken)}&${LAST_SEQ_PARAM}=${lastApplied}` +
      `&${ATTEMPT_PARAM}=${this.#connectionsInSession}`;
    return `${socketUrl}${socketUrl.includes("?") ? "&" : "?"}${query}`;
  }

  get failuresInARow(): number {
    return this.#failuresInARow;
  }

  /** A welcome arrived: its token is the one to resume with; a fresh session's first connection is its connection 1. */
  welcomed(resumeToken: string, resumed: boolean): void {
    this.#resumeToken = resumeToken;
    if (!resumed) this.#connectionsInSession = 1;
    this.#failuresInARow = 0;
  }

  /** A try ended without a welcome after it; answers how many had failed in a row before this one. */
  failed(): number {
    return this.#failuresInARow++;
  }

  /** The server has forgotten the session (it dropped the client): the next try asks for a fresh one. */
  forgetSession(): void {
    this.#resumeToken = null;
  }
}
