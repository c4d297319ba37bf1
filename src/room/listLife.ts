/**
 * Whether the list exists, and its storage, set up once: the default list
 * exists always (set up on first use), a named list once it is created, and
 * neither once a list never written to is deleted (unusedList.ts). Every
 * command asks {@link ListLife.exists} first, so a list never created answers
 * "no such list" and writes nothing. Built last of the list's parts (it sets
 * up each of them); the parts built before it read {@link StorageState}.
 */
import { startEngine, type Engine } from "../delivery/engine";
import { hasSchema, runMigrations, setUpAt } from "../delivery/platform/migrate";
import { ErrorCode } from "../protocol/errors";
import type { RenamedFrame } from "../protocol/frames";
import { DEFAULT_LIST_ID, type ListInfo } from "../protocol/lists";
import type { Outcome } from "../shared/outcome";
import type { EditKeys } from "./editKeys";
import type { ListMeta, OwnerCheck } from "./listMeta";
import { LIST_SCHEMAS } from "./migrations";
import type { ListRelays } from "./relays/listRelays";
import type { Tombstones } from "./tombstones";
import type { UnusedList } from "./unusedList";

/** Whether the list's storage is set up: read by the parts that must not touch it before, set by {@link ListLife} alone. */
export class StorageState {
  ready = false;
}

export interface LifeParts {
  ctx: DurableObjectState;
  listId: string;
  state: StorageState;
  engine: Engine;
  meta: ListMeta;
  editKeys: EditKeys;
  relays: ListRelays;
  unused: UnusedList;
  tombstones: Tombstones;
}

export class ListLife {
  constructor(private readonly parts: LifeParts) {}

  /** Whether storage is set up; a named list's is set up when it is created, so asking about others writes nothing. */
  get ready(): boolean {
    return this.parts.state.ready;
  }

  /** The object starts (under `blockConcurrencyWhile`): the alarm it had, and storage set up if there is a list. */
  async start(): Promise<void> {
    await this.parts.engine.alarms.load();
    if (this.parts.listId === DEFAULT_LIST_ID || hasSchema(this.parts.ctx.storage)) this.setUp();
  }

  /** Whether this list exists (the default list is set up here on first use). */
  exists(): boolean {
    if (this.parts.listId === DEFAULT_LIST_ID) this.setUp();
    return this.ready;
  }

  /** Creates this list; false if it exists already. */
  create(info: ListInfo, ownerKeyHash: string): boolean {
    const { meta, unused, listId } = this.parts;
    if (this.ready && meta.info(listId, 0) !== null) return false;
    this.setUp();
    meta.create(info, ownerKeyHash);
    unused.scheduleIfUnused();
    return true;
  }

  /** The list, or null for one never created. Reads only, so asking about any id writes nothing. */
  info(): ListInfo | null {
    return this.ready ? this.parts.meta.info(this.parts.listId, setUpAt(this.parts.ctx.storage)) : null;
  }

  /** Whether `key` is this list's owner key, changing nothing; null for a list never created. */
  async checkOwner(key: string): Promise<OwnerCheck | null> {
    return this.info() === null ? null : this.parts.meta.checkOwner(this.parts.listId, key);
  }

  /** Renames the list, for its owner; every open page, here and on the relays, shows the new title at once. */
  async rename(title: string, ownerKey: string): Promise<Outcome<ListInfo>> {
    const { ctx, listId, meta, engine, relays } = this.parts;
    if (!this.ready || this.info() === null) return { ok: false, error: { code: ErrorCode.NotFound, message: "no such list" } };
    const renamed = await meta.renameAsOwner(listId, title, ownerKey, setUpAt(ctx.storage));
    if (!renamed.ok) return renamed;
    // A page that is away learns it from its next welcome.
    engine.outbound.toEach(engine.audience.open(), { type: "renamed", title: renamed.value.title } satisfies RenamedFrame);
    relays.feed.tellRenamed(renamed.value.title);
    return renamed;
  }

  /** After the alarm's duties ran: a list they found unused is deleted, storage and all, and exists no more. */
  async afterAlarm(): Promise<void> {
    if (!this.parts.unused.due) return;
    await this.parts.unused.deleteList();
    this.parts.state.ready = false;
  }

  /** Sets storage up (once): the default list on first use, a named list when it is created. */
  private setUp(): void {
    if (this.ready) return;
    const { ctx, state, engine, editKeys, relays, unused, tombstones } = this.parts;
    runMigrations(ctx.storage, LIST_SCHEMAS);
    editKeys.ensureSecret();
    startEngine(engine, Date.now());
    relays.feed.load(Date.now());
    state.ready = true;
    unused.scheduleIfUnused();
    tombstones.resumeAfterStart(Date.now());
  }
}
