/**
 * How the Worker tells a room which address group a socket comes from
 * (src/worker/clientAddress.ts decides the group, and who is exempt), and
 * how the room tags that socket so it can count a group's connections.
 */

/**
 * The header in which the Worker hands the room a socket's address group
 * (absent when the client is exempt). The Worker sets or removes it on every
 * upgrade it forwards, so a client cannot choose it.
 */
export const CLIENT_GROUP_HEADER = "x-listroom-client-group";

/** The tag that groups a connection's socket with others from its address group. */
export function addressTag(group: string): string {
  return `addr:${group}`;
}
