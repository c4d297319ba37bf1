/**
 * The `Hono` every app in the Worker is made with: Hono's base with its
 * TrieRouter alone, as Hono's own presets (`hono/tiny`, `hono/quick`) pick a
 * router. The default `Hono` puts a RegExpRouter in front of the TrieRouter,
 * which matches faster only when routes run to the hundreds; for the
 * Worker's few dozen it would cost 2 KB of the Worker's gzipped budget
 * (tools/workerSize.mjs). The TrieRouter is the one Hono falls back to for
 * every pattern, so paths match exactly as they do there.
 */
import type { Env } from "hono";
import { HonoBase } from "hono/hono-base";
import { TrieRouter } from "hono/router/trie-router";

export class Hono<E extends Env = Env> extends HonoBase<E> {
  constructor() {
    super({ router: new TrieRouter() });
  }
}
