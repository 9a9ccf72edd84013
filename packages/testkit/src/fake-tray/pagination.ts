import { queryError } from './errors.js';

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface Connection<T> {
  edges: Array<{ node: T; cursor: string }>;
  pageInfo: { startCursor: string | null; endCursor: string | null; hasPreviousPage: boolean; hasNextPage: boolean };
  totalCount: number;
}

/** Tray does not document its default page size (§2.5); 25 is a plausible stand-in. */
const DEFAULT_PAGE_SIZE = 25;

const CURSOR_PREFIX = 'fake-tray:';

function encodeCursor(index: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${index}`).toString('base64');
}

function decodeCursor(cursor: string, argName: string): number {
  const decoded = Buffer.from(cursor, 'base64').toString();
  const index = Number(decoded.slice(CURSOR_PREFIX.length));
  if (!decoded.startsWith(CURSOR_PREFIX) || !Number.isSafeInteger(index) || index < 0) {
    throw queryError(`Argument "${argName}" is not a valid cursor: ${cursor}`);
  }
  return index;
}

function checkSize(value: number, argName: string, maxPageSize: number): number {
  if (value < 1 || value > maxPageSize) {
    throw queryError(`Argument "${argName}" must be between 1 and ${maxPageSize}, got ${value}`);
  }
  return value;
}

/** Relay cursor pagination over an already filtered list; cursors are positions in that list. */
export function paginate<T>(items: readonly T[], args: ConnectionArgs, maxPageSize: number): Connection<T> {
  let start = args.after == null ? 0 : decodeCursor(args.after, 'after') + 1;
  let end = args.before == null ? items.length : Math.min(items.length, decodeCursor(args.before, 'before'));
  end = Math.max(start, end);

  const first = args.first ?? (args.last == null ? Math.min(DEFAULT_PAGE_SIZE, maxPageSize) : null);
  if (first !== null) end = Math.min(end, start + checkSize(first, 'first', maxPageSize));
  if (args.last != null) start = Math.max(start, end - checkSize(args.last, 'last', maxPageSize));

  const edges = items.slice(start, end).map((node, offset) => ({ node, cursor: encodeCursor(start + offset) }));
  return {
    edges,
    pageInfo: {
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
      hasPreviousPage: start > 0,
      hasNextPage: end < items.length,
    },
    totalCount: items.length,
  };
}
