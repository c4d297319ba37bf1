/**
 * The web platform as the client's core may use it: the few globals that
 * browsers, Node and workerd all have (fetch, URL, timers, random bytes,
 * text encoding), and nothing of the page (no `document`, `window`,
 * elements, storage or `navigator`). Only core/tsconfig.json reads this file.
 * The page's tsconfig compiles the same modules against the full DOM lib, and
 * tools/chaos against Node's, so every declaration here is a subset of
 * theirs, and code that type-checks here type-checks there.
 *
 * Why not a lib of TypeScript's: "dom" is what core must not see, and
 * "webworker" (the nearest without it) still brings `navigator`, `location`,
 * `self` and a global `addEventListener`, which core must take from its host
 * through an interface (KeyValueStore, Scheduler, SocketLike) like the rest.
 * And `types: []`, because @types/node declares `localStorage` and
 * `navigator` too. Anything new that core needs from its environment is
 * declared here, where a reviewer sees it.
 */

type RequestHeaders = Record<string, string>;

interface RequestInit {
  method?: string;
  headers?: RequestHeaders;
  body?: string;
  signal?: AbortSignal;
}

interface Response {
  readonly ok: boolean;
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly body: { cancel(): Promise<void> } | null;
  json(): Promise<unknown>;
}

declare function fetch(input: string, init?: RequestInit): Promise<Response>;

interface AbortSignal {
  readonly aborted: boolean;
}

declare var AbortSignal: {
  timeout(milliseconds: number): AbortSignal;
};

interface URL {
  readonly href: string;
  readonly protocol: string;
  readonly hostname: string;
}

declare var URL: {
  new (url: string, base?: string): URL;
};

interface URLSearchParams {
  get(name: string): string | null;
  set(name: string, value: string): void;
  delete(name: string): void;
  toString(): string;
}

declare var URLSearchParams: {
  new (init?: string | Record<string, string>): URLSearchParams;
};

declare var crypto: {
  getRandomValues<T extends Uint8Array>(array: T): T;
};

declare class TextEncoder {
  encode(input?: string): Uint8Array;
}

declare function setTimeout(callback: () => void, ms?: number): number;
declare function clearTimeout(handle: number | undefined): void;
