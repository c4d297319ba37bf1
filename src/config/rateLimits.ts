/**
 * The per-address limits on requests, the other half of the configuration:
 * Workers Rate Limiting bindings, which wrangler.toml sets (`[[ratelimits]]`,
 * read by the platform, not as vars), counted at the edge in fixed windows of
 * 10 or 60 seconds before a request reaches a list. This table is their one
 * description: src/worker/addressLimits.ts reads the periods from it (the
 * binding does not say how much of a window is left, so `Retry-After` is the
 * period), test/config checks that wrangler.toml sets each as written here,
 * and README's and docs/PROTOCOL.md's tables are this table rendered.
 *
 * Sized for a household behind one address (issue 30): three people adding a
 * 60-item list and ticking it off, all 120 changes in one window, land with no
 * `429` (test/e2e/householdLimits.test.ts). Ticks count apart from saves,
 * with a higher limit: they are what a household sends most, in a shop, and
 * they write no text.
 */

export interface RateLimit {
  limit: number;
  periodSeconds: 10 | 60;
  /** What counts against it, as the docs' tables say it. */
  counts: string;
}

export const RATE_LIMITS = {
  READ_LIMITER: {
    limit: 30,
    periodSeconds: 10,
    counts: "`GET /api/items` (a search too), `GET` on one item, `GET /list`, `GET /api/lists/{id}` (and its items and owner check), `GET /l/{id}` (the 404 page of an unknown list too), and `GET /api/usage` when served",
  },
  CONNECT_LIMITER: {
    limit: 20,
    periodSeconds: 10,
    counts: "`GET /ws` upgrade attempts",
  },
  SAVE_LIMITER: {
    limit: 90,
    periodSeconds: 60,
    counts: "`POST /api/items`, `POST /save`, every edit (a change of the title or body, with or without `done`) and removal, every `POST /api/lists` and `PATCH /api/lists/{id}`, refused ones included (a bad body, a wrong key)",
  },
  TICK_LIMITER: {
    limit: 120,
    periodSeconds: 60,
    counts: "ticks and unticks: a `PATCH` of an item whose body is `done` alone, refused ones included",
  },
} as const satisfies Record<string, RateLimit>;

export type RateLimitName = keyof typeof RATE_LIMITS;
