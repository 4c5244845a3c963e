# ignis — PGXS build.  `make`, `make install`, `make installcheck` (needs a server),
# or the all-in-one scripts/test.sh documented in README.md.
EXTENSION   = ignis
MODULE_big  = ignis
DATA        = $(wildcard sql/ignis--*.sql)
SRCS        = $(wildcard src/*.c)
OBJS        = $(SRCS:.c=.o)
PG_CPPFLAGS = -I$(srcdir)/src
PG_CFLAGS   = -Wall -Werror -Wmissing-prototypes

# pg_regress suites: sql/<name>.sql against expected/<name>.out, run in this order
# in one database (the first one loads the fixture of the behaviour spec).
REGRESS = fixture catalog find_where find_lists find_patterns find_logic \
          find_arrays find_json find_fields_order find_range read_functions \
          default_filter include results page_sizes discover errors build_query guards plan_cache security \
          create update json_path_update update_operators upsert nested_create delete soft_delete write_errors transactions locking
REGRESS_OPTS = --load-extension=plpgsql --encoding=UTF8 --no-locale

# isolation specs: specs/<name>.spec against expected/<name>.out, run by
# pg_isolation_regress in their own database (isolation_regression)
ISOLATION = concurrent_writes ddl_invalidation lock_queue concurrent_increments concurrent_upserts
ISOLATION_OPTS = --load-extension=ignis

PG_CONFIG ?= $(shell command -v pg_config 2>/dev/null || echo /usr/lib/postgresql/15/bin/pg_config)
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# every stage shares the declarations of src/ignis.h (after the include, so
# that PGXS' "all" stays the default goal)
$(OBJS): src/ignis.h

.PHONY: demo test
demo:
	bash scripts/demo.sh
test:
	bash scripts/test.sh

# benchmark against hand-written SQL on a throwaway cluster (bench/README.md)
.PHONY: bench
bench:
	bash bench/run.sh
