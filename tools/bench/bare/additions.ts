/**
 * What a Listroom connection does on arrival, one thing at a time, as the bare
 * room can imitate it (`GET /ws?with=tags,attachment,…`): the memory bench
 * (run/memory.ts) prices each beside the plain bare socket.
 */
export const ADDITIONS = ["tags", "attachment", "frames", "auto-response", "session-row", "token-hash"] as const;
export type Addition = (typeof ADDITIONS)[number];
