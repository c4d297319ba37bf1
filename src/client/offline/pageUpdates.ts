/**
 * New versions of the page, from the page's side. It registers the service
 * worker, asks it to look for a new build when the page reconnects, and says
 * when one is installed and waiting. Applying an update is all or nothing:
 * the waiting worker takes over (it holds the new build's HTML, script and
 * style together), then the page reloads, so old code never runs beside new
 * files. Until the person chooses to, the old worker keeps serving the old
 * build whole. A page whose code is older than the server's protocol asks for
 * the same reload; if no new worker has been found yet, it looks first.
 */
import { SERVICE_WORKER_PATH, SKIP_WAITING_MESSAGE } from "./shell";

/** Resolves once `worker` reaches `state`, or has gone past it (or was discarded). */
function reached(worker: ServiceWorker, state: "installed" | "activated"): Promise<void> {
  const done = () => worker.state === state || worker.state === "activated" || worker.state === "redundant";
  return new Promise((resolve) => {
    if (done()) return resolve();
    worker.addEventListener("statechange", () => done() && resolve());
  });
}

export class PageUpdates {
  #registration: ServiceWorkerRegistration | null = null;

  /** Called when a new version is installed and waiting. */
  readonly #onReady: () => void;

  constructor(onReady: () => void) {
    this.#onReady = onReady;
  }

  start(): void {
    if (!("serviceWorker" in navigator)) return;
    // Another tab applied an update: this one still runs the old code.
    const hadController = navigator.serviceWorker.controller !== null;
    navigator.serviceWorker.addEventListener("controllerchange", () => {
      if (hadController) this.#onReady();
    });
    navigator.serviceWorker.register(SERVICE_WORKER_PATH).then(
      (registration) => {
        this.#registration = registration;
        if (registration.waiting && registration.active) this.#onReady();
        registration.addEventListener("updatefound", () => {
          const worker = registration.installing;
          // With no active worker this is the first install, not an update.
          if (!worker || !registration.active) return;
          void reached(worker, "installed").then(() => {
            if (registration.waiting === worker) this.#onReady();
          });
        });
      },
      (error: unknown) => console.warn("the page will not open offline: no service worker", error),
    );
  }

  /** Looks for a new version now (the browser also looks on every navigation). */
  check(): void {
    void this.#registration?.update().catch(() => undefined);
  }

  /** Lets the newest installed version take over, then reloads the page from it. */
  async apply(): Promise<void> {
    const registration = this.#registration;
    if (registration) {
      await registration.update().catch(() => undefined);
      const installing = registration.installing;
      if (installing) await reached(installing, "installed");
      const waiting = registration.waiting;
      if (waiting) {
        waiting.postMessage(SKIP_WAITING_MESSAGE);
        await reached(waiting, "activated");
      }
    }
    location.reload();
  }
}
