/**
 * The page: wires the DOM to the delivery logic. Everything that decides
 * (ordering, acks, reconnects, the outbox, which list this is) lives in
 * DOM-free modules; this file only finds elements and connects events. The
 * same page serves every list: `/` is the default list, `/l/{id}` any other.
 *
 * The client's classes keep their insides in `#private` members rather than
 * TypeScript's `private`: the minifier renames the former, not the latter,
 * and that is what keeps the page script near its 12 KB (gzipped) budget.
 */
import { DEFAULT_LIST_ID, listPaths, MAIN_LIST_TITLE } from "../protocol/lists";
import type { ItemPatch } from "../protocol/item";
import { changeProblem } from "./changeProblems";
import { EditKeys } from "./editKeys";
import { ItemDialog } from "./itemDialog";
import { itemPath, readItemsPage, searchItemsPage, sendChange } from "./itemsApi";
import { listIdFromPath, socketUrl } from "./listAddress";
import { checkOwnerKey, takeOwnerLink } from "./ownerLink";
import { ListHeader } from "./listHeader";
import { createList, readList, renameList } from "./listsApi";
import { ListView } from "./listView";
import { SearchBar } from "./searchBar";
import { browserScheduler, LiveConnection } from "./liveConnection";
import { LocalLists } from "./localLists";
import { NewListDialog } from "./newListDialog";
import { PageUpdates } from "./offline/pageUpdates";
import { reloadedForNewerProtocol, shouldReloadFor } from "./offline/reloadOnce";
import { SavedLists, type StringStore } from "./offline/savedLists";
import { changedItemId, Outbox, postSave, type ChangeOutcome, type KeyValueStore } from "./outbox";
import { StatusLine } from "./statusLine";
import { UndoWindow } from "./undoWindow";

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

/** `sessionStorage`, or null where the browser refuses it (then the page never reloads itself: nothing would stop a loop). */
function sessionStore(): KeyValueStore | null {
  try {
    return sessionStorage;
  } catch {
    return null;
  }
}

/** In place of the list: what the server's own 404 page says, for a page the service worker served. */
function showNoSuchList(): void {
  const main = document.querySelector("main");
  if (!main) return;
  const note = document.createElement("p");
  note.className = "emptystate";
  const home = document.createElement("a");
  home.href = "/";
  home.textContent = "Go to the shared list";
  note.append("This link does not lead to a list. ", home, ".");
  main.replaceChildren(note);
  byId("additem").hidden = true;
  byId("statusmessage").textContent = "no such list";
}

/** The server writes a list's title into the page's one <h1> (src/worker/lists.ts), so it goes without an id. */
function pageTitle(): HTMLElement {
  const title = document.querySelector<HTMLElement>("h1");
  if (!title) throw new Error("the page has no <h1>");
  return title;
}

/** The list's title, owner controls, share links, "Your lists" and "New list". */
function startLists(listId: string, store: KeyValueStore, fetchImpl: typeof fetch, onMissing: () => void): void {
  const local = new LocalLists(store);

  const title = pageTitle();
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
  // An owner link: its key is kept only once the server says it owns the list
  // (ownerLink.ts); either way it leaves the address bar (and so history).
  void takeOwnerLink(location.hash, listId, local, (key) => checkOwnerKey(fetchImpl, listId, key)).then((outcome) => {
    if (outcome.fragment !== location.hash) history.replaceState(history.state, "", location.pathname + location.search + outcome.fragment);
    header.setOwnerKey(local.ownerKey(listId));
    if (outcome.message !== null) byId("sharenote").textContent = outcome.message;
  });
  header.showYourLists(local.remember({ id: listId, title: title.textContent ?? "", seenAt: Date.now() }));
  // The page may be the service worker's cached shell, which does not know the list's current title.
  void readList(fetchImpl, listId).then((answer) => {
    if (!answer.ok) {
      if (answer.status === 404) onMissing();
      return;
    }
    header.showTitle(answer.list.title);
    header.showYourLists(local.retitle(listId, answer.list.title));
  });

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
  // A list that does not exist (an old link, a typo): say so, and stop trying to reach it.
  startLists(listId, store, fetchImpl, () => {
    connection.stop();
    outbox.hold();
    showNoSuchList();
  });
  const title = pageTitle();

  // Edits and removals: with the item's edit key (saved here) or the owner key (read after an owner link kept it).
  const editKeys = new EditKeys(store, listId);
  // Read on use: an owner link's key is kept once the server has checked it, after the page started.
  const local = new LocalLists(store);
  const credential = (itemId: string) => editKeys.get(itemId) ?? local.ownerKey(listId);
  const undoWindow = new UndoWindow(browserScheduler);
  const changeNote = byId("changenote");
  const say = (text: string) => {
    changeNote.textContent = text;
    changeNote.hidden = text === "";
  };
  const queueChange = (itemId: string, edit: { patch: ItemPatch; ifMatch: number } | null) => {
    say("");
    const base = { key: crypto.randomUUID(), target: { itemId }, madeAt: Date.now() };
    outbox.change(edit ? { ...base, kind: "edit", ...edit } : { ...base, kind: "remove" });
  };

  const view: ListView = new ListView(
    {
      list: byId("mainlist"),
      emptyState: byId("emptystate"),
      showOlder: byId<HTMLButtonElement>("showolder"),
    },
    {
      canChange: (itemId) => credential(itemId) !== null,
      edit: (item) => dialog.open(item, undefined, { itemId: item.id, version: item.version }),
      remove: (item) => {
        view.showUndoable(item.id, true);
        undoWindow.start(item.id, () => {
          view.showUndoable(item.id, false);
          queueChange(item.id, null);
        });
      },
      undoRemove: (itemId) => {
        if (undoWindow.undo(itemId)) view.showUndoable(itemId, false);
      },
    },
  );
  const status = new StatusLine({
    message: byId("statusmessage"),
    retryNow: byId<HTMLButtonElement>("retrynow"),
    liveMark: byId("livemark"),
    presence: byId("presence"),
    reloadToUpdate: byId<HTMLButtonElement>("reloadtoupdate"),
  });
  const updates = new PageUpdates(() => status.offerUpdate());

  // Paint the list as this device last saw it, before anything else happens.
  const savedLists = new SavedLists(store);
  const saved = savedLists.load(listId);
  if (saved) {
    view.restore(saved);
    status.showingSaved(true);
    // Offline, a named list's page is the cached shell, which does not know the list's title.
    if (saved.title !== null && listId !== DEFAULT_LIST_ID && title.textContent === MAIN_LIST_TITLE) {
      title.textContent = saved.title;
    }
  }
  let fromServer = false;
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  const saveListNow = () => {
    if (saveTimer !== null) clearTimeout(saveTimer);
    saveTimer = null;
    if (fromServer) savedLists.save(listId, { ...view.model.shownList(), title: title.textContent, savedAt: Date.now() });
  };
  const saveListSoon = () => {
    saveTimer ??= setTimeout(saveListNow, LIST_SAVE_DELAY_MS);
  };
  window.addEventListener("pagehide", () => {
    undoWindow.commitAll();
    saveListNow();
  });

  const outbox: Outbox = new Outbox({
    store,
    listId,
    post: (save) => postSave(fetchImpl, paths.items, save),
    send: (change, itemId): Promise<ChangeOutcome> => {
      const key = credential(itemId);
      if (key === null) return Promise.resolve({ kind: "rejected", error: { code: "forbidden", message: "no key" } });
      return sendChange(fetchImpl, itemPath(paths.items, itemId), change, key);
    },
    scheduler: browserScheduler,
    onChange: (pending, changes) => {
      view.showPending(pending);
      view.showChanges(changes);
    },
    onSaved: (save, item, editKey) => {
      if (editKey !== null) editKeys.keep(item.id, editKey);
      view.confirmPending(save.key, item);
    },
    onRejected: (save, error) => dialog.open(save, error.message),
    // Show the outcome now rather than when its frame comes, so the item never flickers back.
    onChangeDone: (change, item) => {
      const itemId = changedItemId(change);
      if (item) connection.inbox.markShown([item]);
      if (item) view.apply([{ kind: "edited", item }]);
      else if (itemId !== null) view.apply([{ kind: "removed", itemId }]);
    },
    onChangeRejected: (change, error) => {
      const itemId = changedItemId(change);
      say(changeProblem(change, error, itemId === null ? null : (view.model.find(itemId)?.title ?? null)));
    },
  });

  const connection = new LiveConnection({
    socketUrl: socketUrl(location, listId),
    createSocket: (url) => new WebSocket(url),
    scheduler: browserScheduler,
    onApplied: (applied) => {
      view.apply(applied);
      if (!fromServer) status.showingSaved(false);
      fromServer = true;
      saveListSoon();
    },
    onStatus: (next) => {
      status.show(next);
      if (next.state === "live") {
        void outbox.flush();
        updates.check();
      }
      if (next.state === "outdated") {
        // Held first: the removals still in their Undo window are queued for the updated page, not sent by this one.
        outbox.hold();
        undoWindow.commitAll();
        // Once per protocol version: if the reload brings back this same code, it offers "Reload to update" instead.
        const session = sessionStore();
        if (session && shouldReloadFor(session, next.protocol)) void updates.apply();
      }
    },
    onPresence: (count) => status.showPresence(count),
  });

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
      heading: byId("itemformheading"),
    },
    (input, editing) => {
      if (!editing) return void outbox.add(input, crypto.randomUUID());
      const shown = view.model.find(editing.itemId);
      if (shown?.title === input.title && shown.body === input.body) return;
      queueChange(editing.itemId, { patch: input, ifMatch: editing.version });
    },
  );

  byId("additem").addEventListener("click", () => dialog.open());
  byId("retrynow").addEventListener("click", () => connection.checkNow());
  byId("reloadtoupdate").addEventListener("click", () => void updates.apply());
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
      saveListSoon();
    } catch (error) {
      console.warn("could not load older items", error);
    } finally {
      button.disabled = false;
    }
  });

  const search = new SearchBar(
    {
      field: byId<HTMLInputElement>("search"),
      count: byId("searchcount"),
      older: byId("searcholder"),
      olderList: byId("searcholderlist"),
      olderNote: byId("searcholdernote"),
      moreOlder: byId<HTMLButtonElement>("searchmore"),
    },
    {
      setFilter: (match) => view.setFilter(match),
      counts: () => view.counts(),
      loadedRange: () => ({ oldestId: view.model.oldestId(), olderExist: view.model.olderExist }),
      has: (itemId) => view.model.has(itemId),
    },
    (query, before, signal) => searchItemsPage(fetchImpl, "", query, before, paths.items, signal),
  );
  view.onRendered = () => search.refresh();

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

  // This tab already reloaded for a newer server and got this same code back: nothing goes out until it updates.
  if (reloadedForNewerProtocol(sessionStore())) outbox.hold();
  view.showPending(outbox.pending());
  view.showChanges(outbox.changes());
  connection.start();
  void outbox.flush();
  updates.start();
}

start();
