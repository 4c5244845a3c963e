# ignis — PGXS build.  `make`, `make install`, `make installcheck` (needs a server),
# or the all-in-one scripts/test.sh documented in README.md.
EXTENSION   = ignis
MODULE_big  = ignis
DATA        = $(wildcard sql/ignis--*.sql)
SRCS        = $(wildcard src/*.c)
OBJS        = $(SRCS:.c=.o)
PG_CPPFLAGS = -I$(srcdir)/src
# -Wextra without -Wunused-parameter: PostgreSQL's own headers (inline
# functions of ilist.h, bufpage.h, fmgr.h) and the callback signatures ignis
# implements have parameters a body need not use.
PG_CFLAGS   = -Wall -Wextra -Wno-unused-parameter -Werror -Wmissing-prototypes

# pg_regress suites: sql/<name>.sql against expected/<name>.out, run in this order
# in one database (the first one loads the fixture of the behaviour spec).
REGRESS = fixture catalog find_where find_lists find_patterns find_logic \
          find_arrays find_json find_fields_order find_range read_functions \
          default_filter include batched results page_sizes search discover errors build_query guards limits \
          plan_cache security relation_filters relation_counts relation_order aggregate keyset \
          create update json_path_update update_operators upsert nested_create delete soft_delete \
          write_errors transactions \
          locking scope_filter
REGRESS_OPTS = --load-extension=plpgsql --encoding=UTF8 --no-locale

# isolation specs: specs/<name>.spec against expected/<name>.out, run by
# pg_isolation_regress in their own database (isolation_regression)
ISOLATION = concurrent_writes ddl_invalidation lock_queue concurrent_increments concurrent_upserts
ISOLATION_OPTS = --load-extension=ignis

PG_CONFIG ?= $(shell command -v pg_config 2>/dev/null || echo /usr/lib/postgresql/15/bin/pg_config)
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# only the SQL entry points, _PG_init and the module magic are exported
# (PGDLLEXPORT, src/ignis.h); PostgreSQL 16+ adds this flag itself
ifeq ($(GCC),yes)
override CFLAGS += -fvisibility=hidden
endif

# every stage shares the declarations of src/ignis.h (after the include, so
# that PGXS' "all" stays the default goal)
$(OBJS): src/ignis.h
src/convert.o src/where_parse.o src/where_emit.o: src/where.h

# the release archives ignis-<version>.zip and .tar.gz (PGXN takes the zip):
# the committed tree (git archive of HEAD) under ignis-<version>/, the
# version being ignis.control's default_version; DISTDIR=dir puts them there
IGNIS_VERSION = $(shell sed -n "s/^default_version = '\\(.*\\)'/\\1/p" $(srcdir)/ignis.control)
DISTDIR ?= .
.PHONY: dist
dist:
	git archive --format=zip --prefix=$(EXTENSION)-$(IGNIS_VERSION)/ -o $(DISTDIR)/$(EXTENSION)-$(IGNIS_VERSION).zip HEAD
	git archive --format=tar.gz --prefix=$(EXTENSION)-$(IGNIS_VERSION)/ -o $(DISTDIR)/$(EXTENSION)-$(IGNIS_VERSION).tar.gz HEAD
	@echo "$(DISTDIR)/$(EXTENSION)-$(IGNIS_VERSION).zip $(DISTDIR)/$(EXTENSION)-$(IGNIS_VERSION).tar.gz"

.PHONY: demo test
demo:
	bash scripts/demo.sh
test:
	bash scripts/test.sh

# benchmark against hand-written SQL on a throwaway cluster (bench/README.md)
.PHONY: bench bench-smoke bench-vs-ignis bench-vs-ignis-smoke
bench:
	bash bench/run.sh
bench-smoke:
	bash bench/run.sh --smoke
# ignis against Ignis 0.0.7 on Node, same cluster and dataset (bench/README.md)
bench-vs-ignis:
	bash bench/run.sh --vs-ignis
bench-vs-ignis-smoke:
	bash bench/run.sh --vs-ignis --smoke
