/** A list created for a run, over HTTP as the page creates one (`POST /api/lists`); chaos and soak use it. */
const CREATE_TIMEOUT_MS = 30_000;

export interface CreatedList {
  id: string;
  /** Whoever holds it may rename the list and edit or remove any item on it. */
  ownerKey: string;
}

/** Creates a list titled `title` on the app at `baseUrl`; resolves with its id and owner key. */
export async function createOwnedList(baseUrl: string, title: string): Promise<CreatedList> {
  const response = await fetch(`${baseUrl}/api/lists`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ title }),
    signal: AbortSignal.timeout(CREATE_TIMEOUT_MS),
  });
  const body = (await response.json()) as { list?: { id?: unknown }; ownerKey?: unknown };
  if (response.status !== 201 || typeof body.list?.id !== "string" || typeof body.ownerKey !== "string") {
    throw new Error(`POST /api/lists answered ${response.status}: ${JSON.stringify(body)}`);
  }
  return { id: body.list.id, ownerKey: body.ownerKey };
}

/** Creates a list titled `title` on the app at `baseUrl`; resolves with its id. */
export async function createList(baseUrl: string, title: string): Promise<string> {
  return (await createOwnedList(baseUrl, title)).id;
}
