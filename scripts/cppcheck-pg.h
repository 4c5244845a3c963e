/*
 * Read by cppcheck before each file of src/ (scripts/static-analysis.sh):
 * PostgreSQL macros that cppcheck misreads, redefined with the same meaning
 * for the analysis only.  Never compiled.
 */
#include "postgres.h"
#include "lib/ilist.h"
#include "nodes/pg_list.h"

/*
 * dlist_container checks its argument's type with
 * AssertVariableIsOfTypeMacro(((type *) NULL)->member, ...), which the
 * compiler never evaluates but cppcheck reports as a NULL dereference.
 */
#undef dlist_container
#define dlist_container(type, membername, ptr) \
	((type *) ((char *) (ptr) - offsetof(type, membername)))

/*
 * forboth advances both cells in its loop condition with comma expressions;
 * cppcheck does not see that the body only runs when both are non-NULL.  The
 * same loop written out:
 */
#undef forboth
#define forboth(cell1, list1, cell2, list2) \
	for ((cell1) = list_head(list1), (cell2) = list_head(list2); \
		 (cell1) != NULL && (cell2) != NULL; \
		 (cell1) = lnext((list1), (cell1)), (cell2) = lnext((list2), (cell2)))

/*
 * list_make2 builds its cells as compound literals in one call, so
 * list_make2(makeString(a), makeString(b)) is reported for the unspecified
 * order of the two allocations, which never matters.
 */
#undef list_make2
#define list_make2(x1, x2) lappend(list_make1(x1), (x2))
