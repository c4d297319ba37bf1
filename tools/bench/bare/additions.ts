/**
 * What a Listroom connection does on arrival, one thing at a time, as the bare
 * room can imitate it (`GET /ws?with=tags,attachment,…`): the memory bench
 * (run/memory.ts) prices each beside the plain bare socket.
 */
export const ADDITIONS = ["tags", "attachment", "frames", "auto-response", "session-row", "token-hash"] as const;
/** Not part of a Listroom connection: the welcome alone, to tell what sending costs from what each frame costs. */
export const PROBES = ["one-frame"] as const;
export type Probe = (typeof PROBES)[number];
export type Addition = (typeof ADDITIONS)[number];
