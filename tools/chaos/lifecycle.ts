/**
 * Whatever the run started must stop with it: on success, on a thrown error,
 * on Ctrl-C and on SIGTERM. Cleanups are synchronous (SIGKILL, rm) so that
 * they also run from the `exit` event.
 */
const cleanups: (() => void)[] = [];
let cleaned = false;

export function onCleanup(cleanup: () => void): void {
  cleanups.push(cleanup);
}

export function cleanUp(): void {
  if (cleaned) return;
  cleaned = true;
  for (const cleanup of cleanups.reverse()) {
    try {
      cleanup();
    } catch (error) {
      console.error("cleanup failed:", error);
    }
  }
}

export function installExitHandlers(): void {
  process.once("exit", cleanUp);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping the server and the clients`);
      cleanUp();
      process.exit(130);
    });
  }
  process.once("uncaughtException", (error) => {
    console.error("chaos harness crashed:", error);
    cleanUp();
    process.exit(2);
  });
  process.once("unhandledRejection", (reason) => {
    console.error("chaos harness crashed (unhandled rejection):", reason);
    cleanUp();
    process.exit(2);
  });
}
