/**
 * The web platform as the client's core may use it: the few globals that
 * browsers, Node and workerd all have (fetch, URL, timers, random bytes,
 * text encoding), and nothing of the page. Only core/tsconfig.json reads this
 * file (it says why core has no lib of TypeScript's for them). The page's
 * tsconfig compiles the same modules against the full DOM lib, and
 * tools/chaos against Node's, so every declaration here is a subset of
 * theirs, and code that type-checks here type-checks there. Anything new
 * that core needs from its environment is declared here, where a reviewer
 * sees it.
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
