// The benchmark schema (bench/sql/schema.sql) as Ignis models and
// repositories: Drizzle tables, @model settings mirroring bench/sql/models.sql
// (hidden passwordHash, soft delete of posts on deletedAt), relations for the
// two-level include (users -> posts -> comments).  TABLE_NAME is the key under
// which Ignis looks a model up from its table (default filter, relations).
import 'reflect-metadata';
import { Pool } from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { bigint, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import {
  BaseDataSource,
  BaseEntity,
  DefaultCRUDRepository,
  SoftDeletableRepository,
  datasource,
  model,
  repository,
} from '@venizia/ignis';

const tz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export interface PgSettings {
  connectionString?: string;
  max: number;
}

@datasource({ driver: 'node-postgres' })
export class BenchDataSource extends BaseDataSource<PgSettings> {
  constructor(settings: PgSettings) {
    super({ name: BenchDataSource.name, config: settings });
  }

  override configure(): void {
    const schema = this.getSchema();
    this.pool = new Pool({ max: this.settings.max });
    this.connector = drizzle({ client: this.pool, schema }) as any;
  }

  override getConnectionString(): string {
    return '';
  }

  async end(): Promise<void> {
    await this.pool.end();
  }
}

@model({ type: 'entity', settings: { hiddenProperties: ['passwordHash'] } })
export class User extends BaseEntity<typeof User.schema> {
  static TABLE_NAME = 'users';
  static override schema = pgTable('users', {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    passwordHash: text('password_hash').notNull(),
    country: text('country').notNull(),
    createdAt: tz('created_at').notNull().defaultNow(),
  });

  static override relations = () => [
    { name: 'posts', type: 'many', schema: Post.schema, metadata: { relationName: 'post_author' } },
  ];
}

@model({ type: 'entity', settings: { defaultFilter: { where: { deletedAt: null } } } })
export class Post extends BaseEntity<typeof Post.schema> {
  static TABLE_NAME = 'posts';
  static override schema = pgTable('posts', {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    authorId: integer('author_id').notNull(),
    categoryId: integer('category_id').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    status: text('status').notNull().default('draft'),
    views: integer('views').notNull().default(0),
    tags: text('tags').array().notNull().default([]),
    metadata: jsonb('metadata'),
    createdAt: tz('created_at').notNull().defaultNow(),
    deletedAt: tz('deleted_at'),
  });

  static override relations = () => [
    {
      name: 'author', type: 'one', schema: User.schema,
      metadata: { relationName: 'post_author', fields: [Post.schema.authorId], references: [User.schema.id] },
    },
    { name: 'comments', type: 'many', schema: Comment.schema, metadata: { relationName: 'comment_post' } },
  ];
}

@model({ type: 'entity', settings: {} })
export class Comment extends BaseEntity<typeof Comment.schema> {
  static TABLE_NAME = 'comments';
  static override schema = pgTable('comments', {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    postId: integer('post_id').notNull(),
    authorId: integer('author_id').notNull(),
    body: text('body').notNull(),
    createdAt: tz('created_at').notNull().defaultNow(),
  });

  static override relations = () => [
    {
      name: 'post', type: 'one', schema: Post.schema,
      metadata: { relationName: 'comment_post', fields: [Comment.schema.postId], references: [Post.schema.id] },
    },
  ];
}

@model({ type: 'entity', settings: {} })
export class Tag extends BaseEntity<typeof Tag.schema> {
  static TABLE_NAME = 'tags';
  static override schema = pgTable('tags', {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    name: text('name').notNull(),
  });
}

@model({ type: 'entity', settings: {} })
export class PostTag extends BaseEntity<typeof PostTag.schema> {
  static TABLE_NAME = 'post_tags';
  static override schema = pgTable('post_tags', {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    postId: integer('post_id').notNull(),
    tagId: integer('tag_id').notNull(),
  });
}

@repository({ model: User, dataSource: BenchDataSource })
export class UserRepository extends DefaultCRUDRepository<typeof User.schema> {}

@repository({ model: Post, dataSource: BenchDataSource })
export class PostRepository extends SoftDeletableRepository<typeof Post.schema> {}

@repository({ model: Comment, dataSource: BenchDataSource })
export class CommentRepository extends DefaultCRUDRepository<typeof Comment.schema> {}

@repository({ model: Tag, dataSource: BenchDataSource })
export class TagRepository extends DefaultCRUDRepository<typeof Tag.schema> {}

@repository({ model: PostTag, dataSource: BenchDataSource })
export class PostTagRepository extends DefaultCRUDRepository<typeof PostTag.schema> {}

// The repositories without the application container: the datasource is
// configured by hand and handed to each repository's constructor, which is
// what the container does at boot.
export function connectIgnis(max: number) {
  const ds = new BenchDataSource({ max });
  ds.configure();
  return {
    ds,
    users: new UserRepository(ds as any),
    posts: new PostRepository(ds as any),
    comments: new CommentRepository(ds as any),
  };
}
