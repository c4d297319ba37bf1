/**
 * The page: wires the DOM to the delivery logic. Everything that decides
 * (ordering, acks, reconnects, the outbox) lives in DOM-free modules; this
 * file only finds elements and connects events.
 */
import { SOCKET_PATH } from "../protocol/limits";
import { ItemDialog } from "./itemDialog";
import { ITEMS_ENDPOINT, readItemsPage } from "./itemsApi";
import { fillGap } from "./listModel";
import { ListView } from "./listView";
import { browserScheduler, LiveConnection } from "./liveConnection";
import { PageUpdates } from "./offline/pageUpdates";
import { SavedLists, type StringStore } from "./offline/savedLists";
import { DEFAULT_LIST_ID, listIdFromPath } from "./offline/shell";
import { Outbox, postSave } from "./outbox";
import { StatusLine } from "./statusLine";

const TIME_REFRESH_MS = 30_000;
/** The list as shown is saved on the device at most this often (and when the page is hidden). */
const LIST_SAVE_DELAY_MS = 1_000;

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

/** `localStorage` when the browser lets us have it; otherwise saves live as long as the tab. */
function durableStore(): StringStore {
  try {
    const probe = "listroom.probe";
    localStorage.setItem(probe, probe);
    localStorage.removeItem(probe);
    return localStorage;
  } catch {
    const memory = new Map<string, string>();
    return {
      getItem: (key) => memory.get(key) ?? null,
      setItem: (key, value) => void memory.set(key, value),
      removeItem: (key) => void memory.delete(key),
    };
  }
}

function socketUrl(): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${SOCKET_PATH}`;
}

function start(): void {
  const view = new ListView({
    list: byId("mainlist"),
    emptyState: byId("emptystate"),
    showOlder: byId<HTMLButtonElement>("showolder"),
  });
  const status = new StatusLine({
    message: byId("statusmessage"),
    retryNow: byId<HTMLButtonElement>("retrynow"),
    liveMark: byId("livemark"),
    reloadToUpdate: byId<HTMLButtonElement>("reloadtoupdate"),
  });
  const updates = new PageUpdates(() => status.offerUpdate());
  const store = durableStore();

  // Paint the list as this device last saw it, before anything else happens.
  const listId = listIdFromPath(location.pathname) ?? DEFAULT_LIST_ID;
  const savedLists = new SavedLists(store);
  const saved = savedLists.load(listId);
  if (saved) {
    view.restore(saved);
    status.showingSaved(true);
  }
  let fromServer = false;
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  const saveListNow = () => {
    if (saveTimer !== null) clearTimeout(saveTimer);
    saveTimer = null;
    if (fromServer) savedLists.save(listId, { ...view.model.unbrokenTop(), title: null, savedAt: Date.now() });
  };
  const saveListSoon = () => {
    saveTimer ??= setTimeout(saveListNow, LIST_SAVE_DELAY_MS);
  };
  window.addEventListener("pagehide", saveListNow);

  const outbox: Outbox = new Outbox({
    store,
    post: (save) => postSave(fetch.bind(globalThis), ITEMS_ENDPOINT, save),
    scheduler: browserScheduler,
    onChange: (pending) => view.showPending(pending),
    onSaved: (save, item) => view.confirmPending(save.key, item),
    onRejected: (save, error) => dialog.open(save, error.message),
  });

  const connection = new LiveConnection({
    socketUrl: socketUrl(),
    createSocket: (url) => new WebSocket(url),
    scheduler: browserScheduler,
    onApplied: (applied) => {
      view.apply(applied);
      if (!fromServer) status.showingSaved(false);
      fromServer = true;
      saveListSoon();
      if (view.model.gapCursor() !== null) void closeGap();
    },
    onStatus: (next) => {
      status.show(next);
      if (next.state === "live") {
        void outbox.flush();
        updates.check();
      }
      if (next.state === "outdated") outbox.hold();
    },
  });

  // After a long absence the new snapshot may not reach what is shown; read the items in between.
  let closingGap = false;
  const closeGap = async () => {
    if (closingGap) return;
    closingGap = true;
    try {
      await fillGap(view.model, async (before) => {
        const page = await readPage(before);
        connection.inbox.markShown(page.items);
        return page;
      });
    } catch (error) {
      console.warn("could not load the items missed while away", error);
    } finally {
      closingGap = false;
      view.render();
      saveListSoon();
    }
  };

  const dialog = new ItemDialog(
    {
      dialog: byId<HTMLDialogElement>("itemform"),
      form: byId<HTMLFormElement>("itemformmain"),
      title: byId<HTMLInputElement>("itemtitle"),
      text: byId<HTMLTextAreaElement>("itemtext"),
      titleCounter: byId("itemtitlecounter"),
      textCounter: byId("itemtextcounter"),
      error: byId("formerror"),
      cancel: byId<HTMLButtonElement>("cancelitem"),
    },
    (input) => outbox.add(input, crypto.randomUUID()),
  );

  byId("additem").addEventListener("click", () => dialog.open());
  byId("retrynow").addEventListener("click", () => connection.checkNow());
  byId("reloadtoupdate").addEventListener("click", () => void updates.apply());
  const readPage = (before: string) => readItemsPage(fetch.bind(globalThis), "", before);
  byId<HTMLButtonElement>("showolder").addEventListener("click", async (event) => {
    const button = event.currentTarget as HTMLButtonElement;
    const before = view.model.oldestId();
    if (before === null) return;
    button.disabled = true;
    try {
      const page = await readPage(before);
      connection.inbox.markShown(page.items);
      view.appendOlder(page);
      saveListSoon();
    } catch (error) {
      console.warn("could not load older items", error);
    } finally {
      button.disabled = false;
    }
  });

  const comeBack = () => {
    connection.checkNow();
    void outbox.flush();
  };
  window.addEventListener("online", comeBack);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") comeBack();
    else saveListNow();
  });
  setInterval(() => view.refreshTimes(), TIME_REFRESH_MS);

  view.showPending(outbox.pending());
  connection.start();
  void outbox.flush();
  updates.start();
}

start();
