/**
 * The one cleanup path for every test and tool that runs the app: whatever a
 * run started (process groups, temporary directories, clients, a proxy)
 * stops with it, on success, on a thrown error, on Ctrl-C, SIGTERM or SIGHUP,
 * and on a crash. Cleanups are synchronous (SIGKILL, rm) so that they also
 * run from the `exit` event; they run once each, newest first.
 *
 * @example
 * runTool("chaos", async () => {
 *   onCleanup(() => proxy.close());
 *   return violations === 0 ? 0 : 1; // the exit code
 * });
 */
const cleanups: (() => void)[] = [];
let exitHookInstalled = false;

/** Runs `cleanup` when the process ends, however it ends (tests get this too: the hook is `exit`). */
export function onCleanup(cleanup: () => void): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once("exit", cleanUp);
  }
  cleanups.push(cleanup);
}

/** Runs every cleanup registered so far, newest first; safe to call more than once. */
export function cleanUp(): void {
  for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) {
    try {
      cleanup();
    } catch (error) {
      console.error("cleanup failed:", error);
    }
  }
}

function exitAfterCleanUp(code: number): never {
  cleanUp();
  process.exit(code);
}

/**
 * A tool's entry point: runs `main`, cleans up, and exits with its code; a
 * signal exits 130, a thrown error or crash 2 (the tool could not do its job).
 */
export function runTool(name: string, main: () => Promise<number>): void {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: ${name} stops everything it started`);
      exitAfterCleanUp(130);
    });
  }
  process.once("uncaughtException", (error) => {
    console.error(`${name} crashed:`, error);
    exitAfterCleanUp(2);
  });
  process.once("unhandledRejection", (reason) => {
    console.error(`${name} crashed (unhandled rejection):`, reason);
    exitAfterCleanUp(2);
  });
  main().then(
    (code) => exitAfterCleanUp(code),
    (error: unknown) => {
      console.error(`${name} failed:`, error instanceof Error ? error.message : error);
      exitAfterCleanUp(2);
    },
  );
}
