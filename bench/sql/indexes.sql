-- Indexes and foreign keys, created after the bulk load, then statistics.
SET client_min_messages = warning;
SET maintenance_work_mem = '256MB';
\timing on

CREATE UNIQUE INDEX users_email_key ON public.users (email);
CREATE INDEX posts_author_id_idx ON public.posts (author_id);
CREATE INDEX posts_category_id_idx ON public.posts (category_id);
CREATE INDEX posts_status_idx ON public.posts (status);
CREATE INDEX posts_created_at_idx ON public.posts (created_at);
CREATE INDEX comments_post_id_idx ON public.comments (post_id);
CREATE UNIQUE INDEX tags_name_key ON public.tags (name);
CREATE INDEX post_tags_post_id_idx ON public.post_tags (post_id);
CREATE INDEX post_tags_tag_id_idx ON public.post_tags (tag_id);

ALTER TABLE public.posts ADD CONSTRAINT posts_author_fk
  FOREIGN KEY (author_id) REFERENCES public.users (id);
ALTER TABLE public.comments ADD CONSTRAINT comments_post_fk
  FOREIGN KEY (post_id) REFERENCES public.posts (id);
ALTER TABLE public.comments ADD CONSTRAINT comments_author_fk
  FOREIGN KEY (author_id) REFERENCES public.users (id);
ALTER TABLE public.post_tags ADD CONSTRAINT post_tags_post_fk
  FOREIGN KEY (post_id) REFERENCES public.posts (id);
ALTER TABLE public.post_tags ADD CONSTRAINT post_tags_tag_fk
  FOREIGN KEY (tag_id) REFERENCES public.tags (id);

VACUUM (ANALYZE) public.users, public.posts, public.comments, public.tags, public.post_tags;
