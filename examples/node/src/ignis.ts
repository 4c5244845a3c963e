// A thin typed layer over the ignis SQL functions for node-postgres:
//
//   const ignis = new Ignis(pool);
//   const users = ignis.repository<User>('User');
//   await users.find({ filter: { where: { role: 'member' } }, options: { shouldQueryRange: true } });
//
// Every method is one call of the ignis function of the same name (find ->
// ignis.find, updateById -> ignis.update_by_id, ...) with the filter, data and
// options as jsonb parameters; the jsonb result comes back as a JavaScript
// value. Errors that ignis raises become IgnisError subclasses chosen by
// their SQLSTATE, with the path into the argument (filter.where.or[1].age.gtx)
// and the hint taken from the server's error.
import type { Pool, PoolClient, QueryResult } from 'pg';

// ---------------------------------------------------------------------------
// Filters and options (the shapes of the Ignis filter language)
// ---------------------------------------------------------------------------
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Where = { [property: string]: Json | undefined };
export type Order = string | string[];
export type Fields = string[] | { [property: string]: boolean };
export type Inclusion = string | {
  relation: string;
  scope?: Filter;
  /** the number of related rows instead of the rows */
  count?: boolean;
  strategy?: 'correlated' | 'batched';
  shouldSkipDefaultFilter?: boolean;
};
export interface Filter {
  where?: Where;
  fields?: Fields;
  order?: Order;
  limit?: number;
  skip?: number;
  offset?: number;
  include?: Inclusion | Inclusion[];
  /** keyset pages: the order keys (and primary key) of the row to start after / before */
  after?: Row | null;
  before?: Row | null;
}
/** ignis.aggregate's spec */
export interface AggregateSpec {
  where?: Where;
  groupBy?: string[];
  count?: boolean;
  sum?: string[];
  avg?: string[];
  min?: string[];
  max?: string[];
  having?: Where;
  order?: Order;
  limit?: number;
}
export interface Options {
  shouldSkipDefaultFilter?: boolean;
  shouldQueryRange?: boolean;
  shouldReturn?: boolean;
  shouldHardDelete?: boolean;
  force?: boolean;
  isStrict?: boolean;
  log?: boolean;
  countStrategy?: 'exact' | 'planned' | 'estimated';
}
export type Row = { [property: string]: Json };
export interface Range {
  start: number;
  end: number;
  total: number;
  /** keyset pages: the "after" of the next page, null at the end */
  next?: Row | null;
}
export interface RangeResult<T> {
  data: T[];
  range: Range;
}
export interface WriteResult<T> {
  count: number;
  data: T | T[] | null;
}
export type Id = string | number | bigint;

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------
/** An error raised by ignis (its message starts with "ignis: "), or by
 *  PostgreSQL while running an ignis call (constraint violations...). */
export class IgnisError extends Error {
  /** SQLSTATE, e.g. "22023" */
  readonly code: string;
  /** the path into the argument the error is about, e.g. "filter.where.or[1].age.gtx" */
  readonly path: string | null;
  readonly hint: string | null;
  readonly detail: string | null;
  /** the constraint a 23xxx error names */
  readonly constraint: string | null;
  constructor(message: string, code: string, fields: { path?: string | null; hint?: string | null;
    detail?: string | null; constraint?: string | null; cause?: unknown } = {}) {
    super(message, { cause: fields.cause });
    this.name = new.target.name;
    this.code = code;
    this.path = fields.path ?? null;
    this.hint = fields.hint ?? null;
    this.detail = fields.detail ?? null;
    this.constraint = fields.constraint ?? null;
  }
}
/** 22023, 22004: a malformed filter, option, operator, value, or a NULL argument */
export class InvalidArgumentError extends IgnisError {}
/** 42704, 42P01: unknown model or relation, or a model whose table is gone */
export class UnknownModelError extends IgnisError {}
/** 42703: unknown property */
export class UnknownPropertyError extends IgnisError {}
/** 42710: a model or relation registered twice */
export class DuplicateError extends IgnisError {}
/** 42883: relation keys that cannot be compared */
export class IncomparableKeysError extends IgnisError {}
/** 42501: not allowed by the model's operationScope, or by privileges */
export class PermissionError extends IgnisError {}
/** 55000: the model lacks what the call needs (a primary key, soft delete) */
export class PrerequisiteError extends IgnisError {}
/** P0002: find_by_id with isStrict found nothing */
export class NotFoundError extends IgnisError {}
/** 2BP01: relations of other models still target the model */
export class DependentObjectsError extends IgnisError {}
/** 0A000: a feature ignis does not have */
export class UnsupportedError extends IgnisError {}
/** 54xxx: a filter nested deeper than the limits allow */
export class LimitExceededError extends IgnisError {}
/** 23xxx: a constraint of the table refused the write */
export class ConstraintError extends IgnisError {}
/** 22xxx other than the above: a value the column's type does not accept */
export class InvalidValueError extends IgnisError {}

const BY_SQLSTATE: Record<string, typeof IgnisError> = {
  '22023': InvalidArgumentError,
  '22004': InvalidArgumentError,
  '42704': UnknownModelError,
  '42P01': UnknownModelError,
  '42703': UnknownPropertyError,
  '42710': DuplicateError,
  '42883': IncomparableKeysError,
  '42501': PermissionError,
  '55000': PrerequisiteError,
  P0002: NotFoundError,
  '2BP01': DependentObjectsError,
  '0A000': UnsupportedError,
};
const BY_CLASS: Record<string, typeof IgnisError> = {
  '54': LimitExceededError,
  '23': ConstraintError,
  '22': InvalidValueError,
};

// filter.where.or[1].age.gtx, data["metadata.bad key"], options.shouldReturn
const PATH = /\b(?:filter|conditions|data|options|settings)(?:\.[A-Za-z_][A-Za-z0-9_]*|\[(?:\d+|"(?:[^"\\]|\\.)*")\])*/g;

/** The path an ignis message names: the longest argument path in it. */
export function errorPath(message: string): string | null {
  let best: string | null = null;
  for (const m of message.matchAll(PATH)) {
    if (best === null || m[0].length > best.length) best = m[0];
  }
  return best;
}

interface PgError {
  code?: string;
  message: string;
  hint?: string;
  detail?: string;
  constraint?: string;
}
function isPgError(e: unknown): e is PgError {
  return e instanceof Error && typeof (e as PgError).code === 'string' && (e as PgError).code!.length === 5;
}

/** The IgnisError for an error of an ignis call; other errors unchanged. */
export function toIgnisError(e: unknown): unknown {
  if (!isPgError(e)) return e;
  const code = e.code!;
  const cls = BY_SQLSTATE[code] ?? BY_CLASS[code.slice(0, 2)] ?? IgnisError;
  return new cls(e.message, code, {
    path: e.message.startsWith('ignis: ') ? errorPath(e.message) : null,
    hint: e.hint ?? null,
    detail: e.detail ?? null,
    constraint: e.constraint ?? null,
    cause: e,
  });
}

// ---------------------------------------------------------------------------
// Repositories
// ---------------------------------------------------------------------------
type Queryable = Pool | PoolClient;

export class Ignis {
  constructor(private readonly db: Queryable) {}

  repository<T extends Row = Row>(model: string): Repository<T> {
    return new Repository<T>(this.db, model);
  }

  /** One ignis function with the given arguments: SELECT ignis.fn($1, $2::jsonb, ...) */
  async call<R>(fn: string, args: { value: unknown; type: string }[]): Promise<R> {
    const params = args.map((a, i) => `$${i + 1}::${a.type}`).join(', ');
    const values = args.map((a) => (a.type === 'jsonb' ? JSON.stringify(a.value ?? {}) : a.value));
    let result: QueryResult<{ r: R }>;
    try {
      result = await this.db.query<{ r: R }>(`SELECT ignis.${fn}(${params}) AS r`, values);
    } catch (e) {
      throw toIgnisError(e);
    }
    return result.rows[0].r;
  }
}

const jsonb = (value: unknown) => ({ value, type: 'jsonb' });
const text = (value: unknown) => ({ value, type: 'text' });
const id = (value: Id) => ({ value: typeof value === 'bigint' ? value.toString() : value,
  type: typeof value === 'string' ? 'text' : 'bigint' });

export class Repository<T extends Row = Row> {
  private readonly ignis: Ignis;
  constructor(db: Queryable, readonly model: string) {
    this.ignis = new Ignis(db);
  }

  find(args: { filter?: Filter; options: Options & { shouldQueryRange: true } }): Promise<RangeResult<T>>;
  find(args?: { filter?: Filter; options?: Options }): Promise<T[]>;
  find({ filter = {}, options = {} }: { filter?: Filter; options?: Options } = {}): Promise<T[] | RangeResult<T>> {
    return this.ignis.call('find', [text(this.model), jsonb(filter), jsonb(options)]);
  }
  findOne({ filter = {}, options = {} }: { filter?: Filter; options?: Options } = {}): Promise<T | null> {
    return this.ignis.call('find_one', [text(this.model), jsonb(filter), jsonb(options)]);
  }
  findById(key: Id, { filter = {}, options = {} }: { filter?: Filter; options?: Options } = {}): Promise<T | null> {
    return this.ignis.call('find_by_id', [text(this.model), id(key), jsonb(filter), jsonb(options)]);
  }
  async count(where: Where = {}, options: Options = {}): Promise<number> {
    const r = await this.ignis.call<{ count: number }>('count', [text(this.model), jsonb(where), jsonb(options)]);
    return r.count;
  }
  /** one object of figures, or one per group with spec.groupBy */
  aggregate(spec: AggregateSpec = {}, options: Options = {}): Promise<Row | Row[]> {
    return this.ignis.call('aggregate', [text(this.model), jsonb(spec), jsonb(options)]);
  }
  existsWith(where: Where = {}, options: Options = {}): Promise<boolean> {
    return this.ignis.call('exists_with', [text(this.model), jsonb(where), jsonb(options)]);
  }
  create(data: Partial<T>, options: Options = {}): Promise<WriteResult<T>> {
    return this.ignis.call('create', [text(this.model), jsonb(data), jsonb(options)]);
  }
  createAll(data: Partial<T>[], options: Options = {}): Promise<WriteResult<T[]>> {
    return this.ignis.call('create_all', [text(this.model), jsonb(data), jsonb(options)]);
  }
  updateById(key: Id, data: Row, options: Options = {}): Promise<WriteResult<T>> {
    return this.ignis.call('update_by_id', [text(this.model), id(key), jsonb(data), jsonb(options)]);
  }
  updateAll(data: Row, where: Where = {}, options: Options = {}): Promise<WriteResult<T[]>> {
    return this.ignis.call('update_all', [text(this.model), jsonb(data), jsonb(where), jsonb(options)]);
  }
  deleteById(key: Id, options: Options = {}): Promise<WriteResult<T>> {
    return this.ignis.call('delete_by_id', [text(this.model), id(key), jsonb(options)]);
  }
  deleteAll(where: Where = {}, options: Options = {}): Promise<WriteResult<T[]>> {
    return this.ignis.call('delete_all', [text(this.model), jsonb(where), jsonb(options)]);
  }
  restoreById(key: Id, options: Options = {}): Promise<WriteResult<T>> {
    return this.ignis.call('restore_by_id', [text(this.model), id(key), jsonb(options)]);
  }
}
