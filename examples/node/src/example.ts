// ignis from Node.js: the sample models of docs/sample.sql, the calls an
// Ignis repository makes, and an error as the typed helper reports it.
//
//   PGHOST=... PGPORT=... PGUSER=... npm run example
import { Ignis, IgnisError, type Row } from './ignis.js';
import { sampleDatabase } from './sample.js';

interface User extends Row {
  id: number;
  email: string;
  displayName: string | null;
  role: string;
  age: number | null;
}
interface Post extends Row {
  id: number;
  authorId: number;
  title: string;
  status: string;
}

const show = (title: string, value: unknown) => console.log(`--- ${title}\n${JSON.stringify(value, null, 2)}`);

const pool = await sampleDatabase('ignis_node_example');
try {
  const ignis = new Ignis(pool);
  const users = ignis.repository<User>('User');
  const posts = ignis.repository<Post>('Post');

  show('find with include: members aged 20 or more, with their posts',
    await users.find({
      filter: {
        where: { role: 'member', age: { gte: 20 } },
        fields: ['id', 'displayName', 'age'],
        order: 'id',
        include: [{ relation: 'posts', scope: { fields: ['id', 'title'], order: 'id' } }],
      },
    }));

  show('find with range: the second page of two users, and the total',
    await users.find({ filter: { fields: ['id', 'email'], order: 'id', limit: 2, skip: 2 },
      options: { shouldQueryRange: true } }));

  show('count: posts (soft-deleted ones hidden), and all of them',
    { visible: await posts.count(), all: await posts.count({}, { shouldSkipDefaultFilter: true }) });

  const client = await pool.connect();
  try {
    // the writes run in one transaction that is rolled back at the end
    await client.query('BEGIN');
    const tx = new Ignis(client).repository<Post>('Post');

    const created = await tx.create({ authorId: 2, title: 'Written from Node', status: 'draft', tags: ['node'] });
    show('create', created);
    const id = (created.data as Post).id;

    show('update by id (a JSON path inside metadata)',
      await tx.updateById(id, { status: 'published', 'metadata.seo.title': 'From Node' }));

    show('soft delete by id', await tx.deleteById(id, { shouldReturn: false }));
    show('after the soft delete: hidden by default, there with shouldSkipDefaultFilter',
      { found: await tx.findById(id), skipping: await tx.findById(id, { options: { shouldSkipDefaultFilter: true },
        filter: { fields: ['id', 'deletedAt'] } }) !== null });
    await client.query('ROLLBACK');
  } finally {
    client.release();
  }

  try {
    await users.find({ filter: { where: { or: [{ id: 1 }, { age: { gtx: 5 } }] } } });
  } catch (e) {
    if (!(e instanceof IgnisError)) throw e;
    show('a bad filter becomes a typed error',
      { class: e.name, code: e.code, path: e.path, hint: e.hint, message: e.message });
  }
} finally {
  await pool.end();
}
