/**
 * Who is asking, for the per-address limits: the `CF-Connecting-IP` header
 * that Cloudflare sets, read strictly and grouped so that one party counts
 * once. An IPv4 address is its own group; an IPv6 address counts as its /64,
 * since anyone holding a /64 (the usual allocation for one home or phone) can
 * rotate through 2^64 addresses. A request without the header is one shared
 * group, not unlimited; a header that is not an IP address is refused.
 *
 * Loopback clients are exempt when `exemptLoopback` is on (the default: plain
 * `wrangler dev`, tests and tools). That is safe only where Cloudflare sets
 * the header, because at the edge no client is loopback and a client cannot
 * set the header itself; under `wrangler dev` or self-hosted workerd a client
 * can send any `CF-Connecting-IP`, so a self-hosted deployment turns it off.
 */

export type ClientAddress =
  | { kind: "exempt" }
  | { kind: "limited"; group: string }
  | { kind: "invalid"; message: string };

/** The group of every request that arrives without an address. */
export const UNKNOWN_ADDRESS_GROUP = "unknown";

/** The longest textual IPv6 address (with an IPv4 tail) is 45 characters. */
const ADDRESS_MAX_CHARS = 45;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6_CHARS = /^[0-9a-fA-F:.]+$/;

/**
 * The eight 16-bit groups of an IPv6 address, or null when `text` is not one.
 * The URL parser does the strict reading (`::`, IPv4 tails, group counts).
 */
function ipv6Groups(text: string): number[] | null {
  if (!text.includes(":") || !IPV6_CHARS.test(text)) return null;
  let host: string;
  try {
    host = new URL(`http://[${text}]/`).hostname;
  } catch {
    return null;
  }
  // The serialised form is lower-case hex groups with at most one "::".
  const inner = host.slice(1, -1);
  const [head, tail] = inner.includes("::") ? inner.split("::") : [inner, undefined];
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const zeros = tail === undefined ? [] : new Array<string>(8 - headGroups.length - tailGroups.length).fill("0");
  const groups = [...headGroups, ...zeros, ...tailGroups].map((group) => parseInt(group, 16));
  return groups.length === 8 && groups.every((group) => group >= 0 && group <= 0xffff) ? groups : null;
}

function isLoopbackV4(address: string): boolean {
  return address.startsWith("127.");
}

/**
 * Reads a `CF-Connecting-IP` value.
 *
 * @example
 * classifyAddress("2001:db8:1:2::7", { exemptLoopback: true })
 * // { kind: "limited", group: "2001:db8:1:2::/64" }
 * classifyAddress(null, { exemptLoopback: true }) // { kind: "limited", group: "unknown" }
 * classifyAddress("127.0.0.1", { exemptLoopback: false }) // { kind: "limited", group: "127.0.0.1" }
 */
export function classifyAddress(header: string | null, options: { exemptLoopback: boolean }): ClientAddress {
  if (header === null) return { kind: "limited", group: UNKNOWN_ADDRESS_GROUP };
  const text = header.trim();
  if (text.length === 0 || text.length > ADDRESS_MAX_CHARS) {
    return { kind: "invalid", message: `the client address must be an IP address of at most ${ADDRESS_MAX_CHARS} characters` };
  }
  if (IPV4.test(text)) {
    return options.exemptLoopback && isLoopbackV4(text) ? { kind: "exempt" } : { kind: "limited", group: text };
  }
  const groups = ipv6Groups(text);
  if (groups === null) return { kind: "invalid", message: "the client address is not an IP address" };
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups as [number, number, number, number, number, number, number, number];
  // An IPv4 address written as IPv6 (::ffff:a.b.c.d) is that IPv4 address.
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff) {
    const v4 = [g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff].join(".");
    return options.exemptLoopback && isLoopbackV4(v4) ? { kind: "exempt" } : { kind: "limited", group: v4 };
  }
  const isLoopbackV6 = groups.slice(0, 7).every((group) => group === 0) && g7 === 1;
  if (options.exemptLoopback && isLoopbackV6) return { kind: "exempt" };
  return { kind: "limited", group: `${[g0, g1, g2, g3].map((group) => group.toString(16)).join(":")}::/64` };
}
