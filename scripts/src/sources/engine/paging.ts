/**
 * Paging loops, so connectors only say how to fetch one page. Each yields pages with the state
 * needed to resume after them (the connector turns it into a checkpoint after yielding the
 * page's records).
 *
 * - `pageByCursor`: next-link / cursor paging (Clio `meta.paging.next` with `page_token`).
 *   `fetchPage(undefined)` is the first page; a page without `next` is the last.
 * - `pageByNumber`: page/pageSize paging (Actionstep `page`, `pageSize` ≤ 200). The last page is
 *   a short one, or the one the source says is last.
 */
export interface CursorPage<T> {
  items: T[];
  /** Cursor or URL of the next page; absent on the last page. */
  next?: string;
}

export async function* pageByCursor<T>(
  fetchPage: (cursor: string | undefined) => Promise<CursorPage<T>>,
  start?: string,
): AsyncGenerator<{ items: T[]; next?: string }> {
  let cursor = start;
  for (;;) {
    const page = await fetchPage(cursor);
    yield { items: page.items, next: page.next };
    if (!page.next || page.next === cursor) return;
    cursor = page.next;
  }
}

export interface NumberedPage<T> {
  items: T[];
  /** Set when the source says whether more pages follow (Actionstep `meta.paging.*.nextPage`). */
  hasMore?: boolean;
}

export async function* pageByNumber<T>(
  fetchPage: (page: number, pageSize: number) => Promise<NumberedPage<T>>,
  options: { pageSize: number; startPage?: number },
): AsyncGenerator<{ items: T[]; page: number; nextPage?: number }> {
  for (let page = options.startPage ?? 1; ; page++) {
    const result = await fetchPage(page, options.pageSize);
    const last = result.hasMore === undefined ? result.items.length < options.pageSize : !result.hasMore;
    yield { items: result.items, page, nextPage: last ? undefined : page + 1 };
    if (last) return;
  }
}
