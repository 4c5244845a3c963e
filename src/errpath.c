/*-------------------------------------------------------------------------
 * errpath.c
 *	  Paths into caller arguments for error messages (api.md §9.2), and
 *	  "did you mean" suggestions.
 *-------------------------------------------------------------------------
 */
#include "ignis.h"

#include "mb/pg_wchar.h"
#include "utils/json.h"
#include "utils/varlena.h"

/* Keys longer than this are shown by their first bytes and "...". */
#define ERRPATH_MAX_KEY 200

/* A key is written .key when it is a plain identifier, else ["key"]. */
static bool
is_plain_key(const char *key)
{
	const char *p = key;

	if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p == '_'))
		return false;
	for (p++; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
			  (*p >= '0' && *p <= '9') || *p == '_'))
			return false;
	return true;
}

int
errpath_push_key(StringInfo path, const char *key)
{
	int			oldlen = path->len;
	bool		long_key = strlen(key) > ERRPATH_MAX_KEY;

	if (!long_key && is_plain_key(key))
	{
		appendStringInfoChar(path, '.');
		appendStringInfoString(path, key);
	}
	else if (!long_key)
	{
		appendStringInfoChar(path, '[');
		escape_json(path, key);
		appendStringInfoChar(path, ']');
	}
	else
	{
		/* a key of any length (a JSON path of 1 MB) is shown by its start */
		char	   *start = pnstrdup(key, pg_mbcliplen(key, strlen(key), ERRPATH_MAX_KEY));
		int			len;

		appendStringInfoChar(path, '[');
		escape_json(path, start);
		len = path->len;
		path->data[len - 1] = '\0';		/* reopen the string for the ellipsis */
		path->len = len - 1;
		appendStringInfoString(path, "...\"]");
		pfree(start);
	}
	return oldlen;
}

int
errpath_push_index(StringInfo path, int index)
{
	int			oldlen = path->len;

	appendStringInfo(path, "[%d]", index);
	return oldlen;
}

void
errpath_pop(StringInfo path, int oldlen)
{
	path->len = oldlen;
	path->data[oldlen] = '\0';
}

char *
errpath_with_key(const char *base, const char *key)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, base);
	errpath_push_key(&buf, key);
	return buf.data;
}

/*
 * The candidate closest to word by edit distance, if it is close enough to
 * be a plausible typo (at most 2 edits, and less than half the word).
 */
const char *
closest_match(const char *word, const char *const *candidates, int ncandidates)
{
	const char *best = NULL;
	int			bestdist = 3;
	int			wlen = strlen(word);
	int			i;

	for (i = 0; i < ncandidates; i++)
		if (pg_strcasecmp(word, candidates[i]) == 0)
			return candidates[i];
	for (i = 0; i < ncandidates; i++)
	{
		int			clen = strlen(candidates[i]);
		int			d;

		if (abs(clen - wlen) >= bestdist)
			continue;
		d = varstr_levenshtein_less_equal(word, wlen, candidates[i], clen,
										  1, 1, 1, bestdist, true);
		if (d < bestdist && d * 2 <= Max(wlen, 2))
		{
			bestdist = d;
			best = candidates[i];
		}
	}
	return best;
}
