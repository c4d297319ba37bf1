/**
 * The page: wires the DOM to the delivery logic. Everything that decides
 * (ordering, acks, reconnects, the outbox, which list this is) lives in
 * core/, which has no DOM (its own tsconfig), and each part of the page in a
 * module of its own in view/; this file builds them and connects their
 * events. The same page serves every list: `/` is the default list,
 * `/l/{id}` any other.
 *
 * The client's classes keep their insides in `#private` members rather than
 * TypeScript's `private`: the minifier renames the former, not the latter,
 * and that is part of what keeps the page script within its 21.5 KiB
 * (gzipped) budget (tools/build.mjs).
 */
import { DEFAULT_LIST_ID, listPaths } from "../protocol/lists";
import { BROWSER_PARAM } from "../protocol/limits";
import { touchesText, type ItemPatch } from "../protocol/item";
import { Announcer, arrivalsText, quoted } from "./view/announcer";
import { changeProblem, saveProblem } from "./core/changeProblems";
import { asPatch, changedFields } from "./core/changeRefusals";
import { CollisionDesk } from "./view/collisionDesk";
import { DeviceCopy } from "./view/deviceCopy";
import { browserId } from "./core/browserId";
import { EditKeys } from "./core/editKeys";
import { HideDone } from "./core/hideDone";
import { dialogElements, ItemDialog } from "./view/itemDialog";
import { itemPath, postBatch, postSave, readItemsPage, searchItemsPage, sendChange } from "./core/itemsApi";
import { listIdFromPath, socketUrl } from "./core/listAddress";
import { showNoSuchList, startLists } from "./view/startLists";
import { ListView } from "./view/listView";
import { SearchBar } from "./view/searchBar";
import { browserScheduler, LiveConnection } from "./core/liveConnection";
import { LocalLists } from "./core/localLists";
import { NeverOpenedNote } from "./view/neverOpenedNote";
import { NewAbove } from "./view/newAbove";
import { PageUpdates } from "./offline/pageUpdates";
import { reloadedForNewerProtocol, shouldReloadFor } from "./offline/reloadOnce";
import { changedItemId, lineKey, Outbox, type ChangeOutcome } from "./core/outbox";
import { AddedLines } from "./view/addedLines";
import { linesText } from "./core/titleLines";
import { byId, showNote } from "./view/pageElements";
import { durableStore, sessionStore } from "./view/pageStores";
import { Removals } from "./view/removals";
import { wireShowOlder } from "./view/showOlder";
import { wireHideDone } from "./view/hideDoneSwitch";
import { onKey } from "./view/shortcuts";
import { StatusLine } from "./view/statusLine";
import { UndoWindow } from "./core/undoWindow";

const TIME_REFRESH_MS = 30_000;

function start(): void {
  const listId = listIdFromPath(location.pathname) ?? DEFAULT_LIST_ID;
  const paths = listPaths(listId);
  const store = durableStore();
  const fetchImpl = fetch.bind(globalThis);
  // This browser, as the writer of its changes and in the head count ("N here").
  const writer = browserId(store);
  // A change that cannot reach the server is reason to doubt the socket too.
  const sendImpl: typeof fetch = (...request) =>
    fetchImpl(...request).catch((error: unknown) => {
      connection.suspect();
      throw error;
    });
  // A list that does not exist (an old link, a typo): say so, and stop trying to reach it.
  // An owner link checked: cards painted before its key was kept learn that they may be changed.
  const header = startLists(listId, store, fetchImpl, () => {
    connection.stop();
    outbox.hold();
    showNoSuchList();
  }, () => view.render());

  // Edits and removals: with the item's edit key (saved here) or the owner key (read after an owner link kept it).
  const editKeys = new EditKeys(store, listId);
  // Read on use: an owner link's key is kept once the server has checked it, after the page started.
  const local = new LocalLists(store);
  const credential = (itemId: string) => editKeys.get(itemId) ?? local.ownerKey(listId);
  const undoWindow = new UndoWindow(browserScheduler);
  const changeNote = byId("changenote");
  const say = (text: string) => showNote(changeNote, text);
  /** Queues a change (a removal when `patch` is null) made on the version the person saw. */
  const queueChange = (itemId: string, patch: ItemPatch | null, ifMatch: number) => {
    say("");
    const label = view.shown(itemId)?.title;
    const base = { key: crypto.randomUUID(), target: { itemId }, madeAt: Date.now(), ifMatch, ...(label !== undefined && { label }) };
    outbox.change(patch ? { ...base, kind: "edit", patch } : { ...base, kind: "remove" });
  };

  const announcer = new Announcer(byId("announcer"));
  const newAbove = new NewAbove(byId<HTMLButtonElement>("newabove"), document.querySelector("header")!);
  const view: ListView = new ListView(
    {
      list: byId("mainlist"),
      emptyState: byId("emptystate"),
      showOlder: byId<HTMLButtonElement>("showolder"),
      found: byId("searcholderlist"),
      focusWhenEmpty: byId("additem"),
    },
    {
      canChange: (itemId) => credential(itemId) !== null,
      // Anyone may tick. It names only `done`, so it never collides with an edit of the text made meanwhile.
      tick: (item, done) => queueChange(item.id, { done }, item.version),
      // The dialog opens with what the card shows, this page's unsent edits included.
      edit: (item) => {
        const opened = view.shown(item.id) ?? item;
        dialog.open(opened, undefined, { itemId: item.id, version: item.version, opened });
      },
      remove: (item) => removals.remove(item),
      undoRemove: (itemId) => removals.undo(itemId),
    },
    {
      arrived: (cards, titles, own) => {
        newAbove.arrived(cards);
        if (!own) announcer.say(arrivalsText(titles));
      },
      removedElsewhere: (titles) => announcer.say(titles.map((title) => `${quoted(title)} was removed.`).join(" ")),
    },
  );
  const removals = new Removals(view, undoWindow, announcer, (item) => queueChange(item.id, null, item.version));
  const added = new AddedLines(
    { bar: byId("addedbar"), text: byId("addedtext"), undo: byId<HTMLButtonElement>("undoadded") },
    // The version shown (saved at 1): a change another writer made since is not removed unseen.
    { withdraw: (key) => outbox.withdraw(key), remove: (itemId) => queueChange(itemId, null, view.shown(itemId)?.version ?? 1) },
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
  const copy = new DeviceCopy(store, listId, view, header);
  const painted = copy.paint();
  if (painted) status.showingSaved(true);
  const neverOpened = new NeverOpenedNote(byId("offlinenote"), () => painted || copy.fromServer);
  window.addEventListener("pagehide", () => {
    undoWindow.commitAll();
    copy.saveNow();
  });

  const outbox: Outbox = new Outbox({
    store,
    listId,
    post: (save) => postSave(sendImpl, paths.items, save, writer),
    send: (change, itemId): Promise<ChangeOutcome> => {
      const key = credential(itemId);
      const needsKey = change.kind === "remove" || touchesText(change.patch);
      if (key === null && needsKey) return Promise.resolve({ kind: "rejected", error: { code: "forbidden", message: "no key" } });
      return sendChange(sendImpl, itemPath(paths.items, itemId), change, key, writer);
    },
    scheduler: browserScheduler,
    onChange: (pending, changes) => {
      view.showPending(pending);
      view.showChanges(changes);
      status.showWaiting({ count: pending.length + changes.length });
    },
    onHeld: (heldUntil) => status.showWaiting({ heldUntil }),
    onSaved: (save, item, editKey) => {
      if (editKey !== null) editKeys.keep(item.id, editKey);
      view.confirmPending(save.key, item);
    },
    onRejected: (save, error) => dialog.open(save, saveProblem(error)),
    postBatch: (batch) => postBatch(sendImpl, paths.items, batch, writer),
    onBatchSaved: (batch, items, keys) => {
      items.forEach((item, index) => editKeys.keep(item.id, keys[index]!));
      // A repeat of a batch some of whose items were removed since answers fewer; the rest come in their frames.
      if (items.length === batch.lines.length) items.forEach((item, index) => view.confirmPending(lineKey(batch.key, index), item));
      added.saved(batch.key, items.map((item) => item.id));
    },
    onBatchRejected: (batch, error) => {
      added.clear();
      dialog.open({ title: linesText(batch.lines), body: "" }, error.message);
    },
    // Show the outcome now rather than when its frame comes, so the item never flickers back.
    onChangeDone: (change, item) => {
      const itemId = changedItemId(change);
      if (item) connection.inbox.markShown([item]);
      if (item) view.apply([{ kind: "edited", item }]);
      else if (itemId !== null) view.apply([{ kind: "removed", itemId }]);
    },
    onChangeRejected: (change, error) => {
      const itemId = changedItemId(change);
      say(changeProblem(change, error, change.label ?? (itemId === null ? null : (view.model.find(itemId)?.title ?? null))));
    },
    onChangeCollided: (change, { item }, mine) => {
      connection.inbox.markShown([item]);
      view.apply([{ kind: "edited", item }]);
      collisions.collided(change, item, mine);
    },
  });

  const connection = new LiveConnection({
    // This browser's id, so that its tabs count once in "N here" (and the writer of its changes).
    socketUrl: `${socketUrl(location, listId)}?${BROWSER_PARAM}=${writer}`,
    createSocket: (url) => new WebSocket(url),
    scheduler: browserScheduler,
    onApplied: (applied) => {
      view.apply(applied);
      // A fresh session: what the search found below the list may have changed unheard, so it searches again.
      if (applied.some((change) => change.kind === "snapshot")) search.changed();
      if (!copy.fromServer) status.showingSaved(false);
      copy.heardFromServer();
    },
    onStatus: (next) => {
      status.show(next);
      neverOpened.show(next);
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
    onTitle: (title) => header.showTitle(title),
  });

  const dialog = new ItemDialog(
    dialogElements(),
    (input, editing) => {
      if (!editing) return void outbox.add(input, crypto.randomUUID());
      // Only the fields the person changed: another writer's change to the others merges with it.
      const patch = asPatch(changedFields(editing.opened, input));
      if (patch) queueChange(editing.itemId, patch, editing.version);
    },
    (lines) => added.added(outbox.addBatch(lines, crypto.randomUUID()).key, lines.length),
  );
  const addNew = () => {
    added.clear();
    dialog.open();
  };
  const collisions = new CollisionDesk(view, dialog, say);

  wireHideDone(byId<HTMLInputElement>("hidedone"), new HideDone(store, listId), view);

  byId("additem").addEventListener("click", addNew);
  onKey("n", addNew);
  byId("retrynow").addEventListener("click", () => connection.checkNow());
  byId("reloadtoupdate").addEventListener("click", () => void updates.apply());
  wireShowOlder(byId<HTMLButtonElement>("showolder"), view, {
    read: (before) => readItemsPage(fetchImpl, "", before, paths.items),
    shown: (items) => connection.inbox.markShown(items),
    appended: () => copy.saveSoon(),
  });

  const search = new SearchBar(
    {
      field: byId<HTMLInputElement>("search"),
      count: byId("searchcount"),
      older: byId("searcholder"),
      olderNote: byId("searcholdernote"),
      moreOlder: byId<HTMLButtonElement>("searchmore"),
    },
    view,
    (query, before, signal) => searchItemsPage(fetchImpl, "", query, before, paths.items, signal),
  );
  view.onRendered = () => search.refresh();
  onKey("/", () => search.focus());

  const comeBack = () => {
    connection.checkNow();
    void outbox.flush();
  };
  window.addEventListener("online", comeBack);
  window.addEventListener("focus", comeBack);
  // The network went: the socket may still look open for a long while (nothing closes it), so ask it now.
  window.addEventListener("offline", () => connection.suspect());
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") comeBack();
    else copy.saveNow();
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
