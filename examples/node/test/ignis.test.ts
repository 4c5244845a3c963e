// The typed helper against a real server (the PG* variables; scripts/test.sh
// runs this in its throwaway cluster): every repository call returns what the
// SQL function returns, and ignis' errors arrive as their classes with the
// SQLSTATE, the path into the argument and the hint.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type pg from 'pg';
import {
  ConstraintError, DuplicateError, errorPath, Ignis, IgnisError, InvalidArgumentError, NotFoundError,
  PermissionError, PrerequisiteError, type Row, UnknownModelError, UnknownPropertyError,
} from '../src/ignis.js';
import { sampleDatabase } from '../src/sample.js';

let pool: pg.Pool;
let ignis: Ignis;
before(async () => {
  pool = await sampleDatabase('ignis_node_test');
  ignis = new Ignis(pool);
});
after(async () => {
  await pool?.end();
});

/** the same call straight through SQL */
async function sql(text: string): Promise<unknown> {
  return (await pool.query(text)).rows[0].r;
}

describe('reads', () => {
  test('find with where, fields, order and include is ignis.find', async () => {
    const filter = {
      where: { role: 'member', age: { gte: 20 } }, fields: ['id', 'displayName'], order: 'id',
      include: [{ relation: 'posts', scope: { fields: ['id'], order: 'id' } }],
    };
    const rows = await ignis.repository('User').find({ filter });
    assert.deepEqual(rows, await sql(`SELECT ignis.find('User', '${JSON.stringify(filter)}') AS r`));
    assert.deepEqual(rows, [
      { id: 2, displayName: 'Bob', posts: [{ id: 3 }, { id: 4 }] },
      { id: 6, displayName: 'Zoë', posts: [] },
    ]);
  });

  test('find with shouldQueryRange returns data and range', async () => {
    const r = await ignis.repository('User').find({
      filter: { fields: ['id'], order: 'id', limit: 2, skip: 2 }, options: { shouldQueryRange: true },
    });
    assert.deepEqual(r, { data: [{ id: 3 }, { id: 4 }], range: { start: 2, end: 3, total: 6 } });
  });

  test('count, existsWith, findOne, findById', async () => {
    const posts = ignis.repository('Post');
    assert.equal(await posts.count(), 5);
    assert.equal(await posts.count({}, { shouldSkipDefaultFilter: true }), 6);
    assert.equal(await ignis.repository('User').existsWith({ email: { endsWith: '.fr' } }), true);
    assert.deepEqual(await ignis.repository('User').findOne({ filter: { where: { id: 3 }, fields: ['email'] } }),
      { email: 'carol@example.org' });
    assert.deepEqual(await posts.findById(1, { filter: { fields: ['id', 'title'], include: ['author'] } }),
      await sql(`SELECT ignis.find_by_id('Post', 1, '{"fields": ["id", "title"], "include": ["author"]}') AS r`));
    assert.equal(await posts.findById(999), null);
    assert.equal(await posts.findById('1', { filter: { fields: ['id'] } }).then((r) => r?.id), 1);
  });
});

describe('relational queries (ignis 0.2.0)', () => {
  test('relation filters, relation counts, related order, aggregates, keyset pages, search', async () => {
    const users = ignis.repository('User');
    const posts = ignis.repository('Post');
    // filter by related rows: some / null (no related row)
    assert.deepEqual(await users.find({ filter: { fields: ['id'], where: { posts: { some: { status: 'published' } } } } }),
      [{ id: 1 }, { id: 4 }]);
    assert.deepEqual(await users.find({ filter: { fields: ['id'], where: { posts: null } } }),
      [{ id: 3 }, { id: 5 }, { id: 6 }]);
    assert.equal(await posts.count({ postTags: { some: { tag: { some: { name: 'json' } } } } }), 2);
    // every: a post without a category does not match "categoryId <> 3"
    assert.deepEqual(await users.find({ filter: { fields: ['id'], where: { posts: { every: { categoryId: { neq: 3 } } } } } }),
      [{ id: 1 }, { id: 3 }, { id: 5 }, { id: 6 }]);
    // relation counts, and order by them
    assert.deepEqual(await users.find({ filter: {
      fields: ['id'], where: { id: { lte: 3 } }, order: ['posts.count DESC', 'id'],
      include: [{ relation: 'posts', count: true }] } }),
    [{ id: 1, posts: 2 }, { id: 2, posts: 2 }, { id: 3, posts: 0 }]);
    // order by a related row
    assert.deepEqual((await posts.find({ filter: { fields: ['id'], order: ['author.displayName DESC', 'id'], limit: 2 } }))
      .map((p) => p.id), [5, 3]);
    // aggregates
    assert.deepEqual(await posts.aggregate({ groupBy: ['status'], count: true, sum: ['views'], having: { count: { gt: 1 } } }),
      [{ status: 'published', count: 3, sum: { views: 465 } }]);
    // keyset pages: range.next is the next page's "after"
    const first = await users.find({ filter: { fields: ['id'], order: ['id DESC'], limit: 4, after: null },
      options: { shouldQueryRange: true } });
    assert.deepEqual(first.data, [{ id: 6 }, { id: 5 }, { id: 4 }, { id: 3 }]);
    const second = await users.find({ filter: { fields: ['id'], order: ['id DESC'], limit: 4, after: first.range.next },
      options: { shouldQueryRange: true } });
    assert.deepEqual(second.data, [{ id: 2 }, { id: 1 }]);
    assert.equal(second.range.next, null);
    // full-text search (websearch syntax)
    assert.deepEqual(await posts.find({ filter: { fields: ['id'], where: { title: { search: 'hello' } } } }), [{ id: 1 }]);
  });

  test('a misspelt quantifier: InvalidArgumentError with path and hint', async () => {
    await assert.rejects(ignis.repository('User').find({ filter: { where: { posts: { sme: {} } } } }), (e: unknown) => {
      assert.ok(e instanceof InvalidArgumentError);
      assert.equal(e.code, '22023');
      assert.equal(e.path, 'filter.where.posts.sme');
      assert.equal(e.hint, 'Did you mean "some"?');
      return true;
    });
  });
});

describe('writes', () => {
  test('create, update, soft delete and restore in a transaction', async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const posts = new Ignis(client).repository<Row & { id: number }>('Post');
      const created = await posts.create({ authorId: 2, title: 'From Node', tags: ['node'] });
      assert.equal(created.count, 1);
      const id = (created.data as { id: number }).id;
      const updated = await posts.updateById(id, { 'metadata.seo.title': 'Hi' });
      assert.deepEqual((updated.data as Row).metadata, { seo: { title: 'Hi' } });
      assert.deepEqual(await posts.deleteById(id, { shouldReturn: false }), { count: 1, data: null });
      assert.equal(await posts.findById(id), null);
      assert.equal((await posts.restoreById(id)).count, 1);
      assert.notEqual(await posts.findById(id), null);
      const many = await posts.createAll([{ authorId: 1, title: 'a' }, { authorId: 1, title: 'b' }]);
      assert.equal(many.count, 2);
      assert.equal((await posts.updateAll({ views: 7 }, { title: { inq: ['a', 'b'] } })).count, 2);
      assert.equal((await posts.deleteAll({ title: { inq: ['a', 'b'] } })).count, 2);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    assert.equal(await ignis.repository('Post').count({ title: 'From Node' }, { shouldSkipDefaultFilter: true }), 0);
  });
});

describe('errors', () => {
  async function failure(p: Promise<unknown>): Promise<IgnisError> {
    try {
      await p;
    } catch (e) {
      assert.ok(e instanceof IgnisError, `an IgnisError, not ${String(e)}`);
      return e;
    }
    assert.fail('the call succeeded');
  }

  test('an unknown operator: InvalidArgumentError with path and hint', async () => {
    const e = await failure(ignis.repository('User').find({ filter: { where: { or: [{ id: 1 }, { age: { gtx: 5 } }] } } }));
    assert.ok(e instanceof InvalidArgumentError);
    assert.equal(e.name, 'InvalidArgumentError');
    assert.equal(e.code, '22023');
    assert.equal(e.path, 'filter.where.or[1].age.gtx');
    assert.match(e.hint ?? '', /"gt"/);
    assert.match(e.message, /^ignis: /);
    assert.equal((e.cause as { code: string }).code, '22023');
  });

  test('an unknown property: UnknownPropertyError', async () => {
    const e = await failure(ignis.repository('User').find({ filter: { where: { nickname: 'x' } } }));
    assert.ok(e instanceof UnknownPropertyError);
    assert.equal(e.code, '42703');
    assert.equal(e.path, 'filter.where.nickname');
  });

  test('an unknown model: UnknownModelError', async () => {
    const e = await failure(ignis.repository('Nobody').count());
    assert.ok(e instanceof UnknownModelError);
    assert.equal(e.code, '42704');
  });

  test('isStrict without a row: NotFoundError', async () => {
    const e = await failure(ignis.repository('Post').findById(999, { options: { isStrict: true } }));
    assert.ok(e instanceof NotFoundError);
    assert.equal(e.code, 'P0002');
  });

  test('a read-only model refuses writes: PermissionError', async () => {
    const e = await failure(ignis.repository('Tag').create({ name: 'new' }));
    assert.ok(e instanceof PermissionError);
    assert.equal(e.code, '42501');
  });

  test('restore on a model without soft delete: PrerequisiteError', async () => {
    const e = await failure(ignis.repository('User').restoreById(1));
    assert.ok(e instanceof PrerequisiteError);
    assert.equal(e.code, '55000');
  });

  test('a constraint of the table: ConstraintError naming it', async () => {
    const e = await failure(ignis.repository('User').create({ id: 1, email: 'again@example.com' }));
    assert.ok(e instanceof ConstraintError);
    assert.equal(e.code, '23505');
    assert.equal(e.constraint, 'users_pkey');
  });

  test('a model registered twice: DuplicateError', async () => {
    const e = await failure(ignis.call('register_model', [{ value: 'User', type: 'text' },
      { value: 'public.users', type: 'regclass' }, { value: {}, type: 'jsonb' }]));
    assert.ok(e instanceof DuplicateError);
    assert.equal(e.code, '42710');
  });

  test('errors that are not from the server pass unchanged', async () => {
    const bad = new Ignis({ query: async () => { throw new TypeError('boom'); } } as unknown as pg.Pool);
    await assert.rejects(bad.repository('User').find(), TypeError);
  });

  test('errorPath finds quoted keys and array steps', () => {
    assert.equal(errorPath('ignis: bad value at data["metadata.bad key"] (x)'), 'data["metadata.bad key"]');
    assert.equal(errorPath('ignis: options.shouldReturn must be a boolean'), 'options.shouldReturn');
    assert.equal(errorPath('ignis: filter.include[0].scope.order[0] is bad'), 'filter.include[0].scope.order[0]');
    assert.equal(errorPath('no path here'), null);
  });
});
