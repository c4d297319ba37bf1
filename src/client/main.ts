/**
 * The page: wires the DOM to the delivery logic. Everything that decides
 * (ordering, acks, reconnects, the outbox, which list this is) lives in
 * DOM-free modules; this file only finds elements and connects events. The
 * same page serves every list: `/` is the default list, `/l/{id}` any other.
 */
import { DEFAULT_LIST_ID, listPaths } from "../protocol/lists";
import { ItemDialog } from "./itemDialog";
import { readItemsPage } from "./itemsApi";
import { listIdFromPath, ownerKeyFromFragment, socketUrl } from "./listAddress";
import { ListHeader } from "./listHeader";
import { fillGap } from "./listModel";
import { createList, readList, renameList } from "./listsApi";
import { ListView } from "./listView";
import { browserScheduler, LiveConnection } from "./liveConnection";
import { LocalLists } from "./localLists";
import { NewListDialog } from "./newListDialog";
import { Outbox, postSave, type KeyValueStore } from "./outbox";
import { StatusLine } from "./statusLine";

const TIME_REFRESH_MS = 30_000;

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

/** `localStorage` when the browser lets us have it; otherwise saves live as long as the tab. */
function durableStore(): KeyValueStore {
  try {
    const probe = "listroom.probe";
    localStorage.setItem(probe, probe);
    localStorage.removeItem(probe);
    return localStorage;
  } catch {
    const memory = new Map<string, string>();
    return { getItem: (key) => memory.get(key) ?? null, setItem: (key, value) => void memory.set(key, value) };
  }
}

/** The list's title, owner controls, share links, "Your lists" and "New list". */
function startLists(listId: string, store: KeyValueStore, fetchImpl: typeof fetch): void {
  const local = new LocalLists(store);
  // An owner link: keep the key, then take it out of the address bar (and so out of history).
  const { ownerKey, rest } = ownerKeyFromFragment(location.hash);
  if (ownerKey !== null) local.keepOwnerKey(listId, ownerKey);
  if (rest !== location.hash) history.replaceState(history.state, "", location.pathname + location.search + rest);

  // The server writes a list's title into the page's one <h1> (src/worker/lists.ts), so it goes without an id.
  const title = document.querySelector<HTMLElement>("h1");
  if (!title) throw new Error("the page has no <h1>");
  const header = new ListHeader(
    {
      title,
      rename: byId<HTMLButtonElement>("renamelist"),
      renameForm: byId<HTMLFormElement>("renameform"),
      renameInput: byId<HTMLInputElement>("renametitle"),
      renameSave: byId<HTMLButtonElement>("saverename"),
      renameCancel: byId<HTMLButtonElement>("cancelrename"),
      renameError: byId("renameerror"),
      copyLink: byId<HTMLButtonElement>("copylink"),
      copyOwnerLink: byId<HTMLButtonElement>("copyownerlink"),
      linkField: byId<HTMLInputElement>("linkfield"),
      note: byId("sharenote"),
      yourListsMenu: byId<HTMLDetailsElement>("yourlists"),
      yourLists: byId("yourlistsitems"),
    },
    {
      listId,
      origin: location.origin,
      rename: (newTitle, key) => renameList(fetchImpl, listId, newTitle, key),
      onRenamed: (list) => header.showYourLists(local.retitle(list.id, list.title)),
    },
  );
  header.setOwnerKey(local.ownerKey(listId));
  header.showYourLists(local.remember({ id: listId, title: title.textContent ?? "", seenAt: Date.now() }));
  // A named list's page comes with its title; the default list's is static, and its owner may have renamed it.
  if (listId === DEFAULT_LIST_ID) {
    void readList(fetchImpl, listId).then((answer) => {
      if (!answer.ok) return;
      header.showTitle(answer.list.title);
      header.showYourLists(local.retitle(listId, answer.list.title));
    });
  }

  const newList = new NewListDialog(
    {
      dialog: byId<HTMLDialogElement>("newlistform"),
      form: byId<HTMLFormElement>("newlistformmain"),
      title: byId<HTMLInputElement>("newlisttitle"),
      create: byId<HTMLButtonElement>("createlist"),
      cancel: byId<HTMLButtonElement>("cancelnewlist"),
      error: byId("newlisterror"),
    },
    (newTitle) => createList(fetchImpl, newTitle),
    (list, key) => {
      local.keepOwnerKey(list.id, key);
      local.remember({ id: list.id, title: list.title, seenAt: Date.now() });
      location.assign(listPaths(list.id).page);
    },
  );
  byId("newlist").addEventListener("click", () => newList.open());
}

function start(): void {
  const listId = listIdFromPath(location.pathname) ?? DEFAULT_LIST_ID;
  const paths = listPaths(listId);
  const store = durableStore();
  const fetchImpl = fetch.bind(globalThis);
  startLists(listId, store, fetchImpl);

  const view = new ListView({
    list: byId("mainlist"),
    emptyState: byId("emptystate"),
    showOlder: byId<HTMLButtonElement>("showolder"),
  });
  const status = new StatusLine({
    message: byId("statusmessage"),
    retryNow: byId<HTMLButtonElement>("retrynow"),
    liveMark: byId("livemark"),
    presence: byId("presence"),
  });

  const outbox: Outbox = new Outbox({
    store,
    listId,
    post: (save) => postSave(fetchImpl, paths.items, save),
    scheduler: browserScheduler,
    onChange: (pending) => view.showPending(pending),
    onSaved: (save, item) => view.confirmPending(save.key, item),
    onRejected: (save, error) => dialog.open(save, error.message),
  });

  const connection = new LiveConnection({
    socketUrl: socketUrl(location, listId),
    createSocket: (url) => new WebSocket(url),
    scheduler: browserScheduler,
    onApplied: (applied) => {
      view.apply(applied);
      if (view.model.gapCursor() !== null) void closeGap();
    },
    onStatus: (next) => {
      status.show(next);
      if (next.state === "live") void outbox.flush();
    },
    onPresence: (count) => status.showPresence(count),
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
  const readPage = (before: string) => readItemsPage(fetchImpl, "", before, paths.items);
  byId<HTMLButtonElement>("showolder").addEventListener("click", async (event) => {
    const button = event.currentTarget as HTMLButtonElement;
    const before = view.model.oldestId();
    if (before === null) return;
    button.disabled = true;
    try {
      const page = await readPage(before);
      connection.inbox.markShown(page.items);
      view.appendOlder(page);
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
  });
  setInterval(() => view.refreshTimes(), TIME_REFRESH_MS);

  view.showPending(outbox.pending());
  connection.start();
  void outbox.flush();
}

start();
