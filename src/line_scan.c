// SPDX-License-Identifier: GPL-2.0
/*
 * Fast path of the replay parser: jansson builds a tree per line and caps
 * replay at a few hundred thousand lines/s.  This accepts only what it can
 * decode exactly like jansson: one object of known keys, each at most once,
 * whose values are integers of up to 18 digits, strings without escapes or
 * non-ASCII bytes, and for "stack" an array of such strings.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "line_scan.h"

static const char *const names[FLD_MAX] = {
	[FLD_EV]		= "ev",
	[FLD_TS]		= "ts",
	[FLD_ICTX]		= "ictx",
	[FLD_IDEV]		= "idev",
	[FLD_VDEV]		= "vdev",
	[FLD_OBJ]		= "obj",
	[FLD_DEV]		= "dev",
	[FLD_ID]		= "id",
	[FLD_VIRT_ID]		= "virt_id",
	[FLD_RET]		= "ret",
	[FLD_COUNT]		= "count",
	[FLD_PID]		= "pid",
	[FLD_COMM]		= "comm",
	[FLD_STACK]		= "stack",
	[FLD_ORPHANED_NS]	= "orphaned_ns",
	[FLD_FINDING]		= "finding",
	[FLD_SUMMARY]		= "summary",
};

int field_lookup(const char *name, size_t len)
{
	int i;

	if (!len)
		return -1;
	for (i = 0; i < FLD_MAX; i++)
		if (names[i][0] == name[0] && !strncmp(names[i], name, len) &&
		    !names[i][len])
			return i;
	return -1;
}

const char *field_name(enum field_id id)
{
	return names[id];
}

void fields_clear(struct line_fields *lf)
{
	int i;

	for (i = 0; i < FLD_MAX; i++)
		lf->f[i].kind = FK_ABSENT;
	lf->frames_len = 0;
}

int frames_add(struct line_fields *lf, const char *s, size_t len)
{
	size_t need = lf->frames_len + len + 1;

	if (need > lf->frames_cap) {
		size_t cap = lf->frames_cap ? lf->frames_cap * 2 : 4096;
		char *p;

		while (cap < need)
			cap *= 2;
		p = realloc(lf->frames, cap);
		if (!p)
			return -ENOMEM;
		lf->frames = p;
		lf->frames_cap = cap;
	}
	memcpy(lf->frames + lf->frames_len, s, len);
	lf->frames[lf->frames_len + len] = '\0';
	lf->frames_len = need;
	return 0;
}

static const char *ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

static const char *str(const char *p, const char *end, const char **s,
		       size_t *len)
{
	const char *q;

	if (p >= end || *p != '"')
		return NULL;
	for (q = ++p; q < end && *q != '"'; q++)
		if (*q == '\\' || (unsigned char)*q < 0x20 ||
		    (unsigned char)*q >= 0x80)
			return NULL;
	if (q >= end)
		return NULL;
	*s = p;
	*len = q - p;
	return q + 1;
}

static const char *num(const char *p, const char *end, long long *v)
{
	const char *q, *d;
	long long n = 0;
	int neg = 0;

	if (p < end && *p == '-') {
		neg = 1;
		p++;
	}
	for (q = p; q < end && *q >= '0' && *q <= '9'; q++)
		;
	/* Leading zeros, fractions and big numbers are jansson's business. */
	if (q == p || q - p > 18 || (*p == '0' && q - p > 1) ||
	    (q < end && (*q == '.' || *q == 'e' || *q == 'E')))
		return NULL;
	for (d = p; d < q; d++)
		n = n * 10 + (*d - '0');
	*v = neg ? -n : n;
	return q;
}

static const char *frames(const char *p, const char *end,
			  struct line_fields *lf)
{
	const char *s;
	size_t len;

	lf->frames_len = 0;
	p = ws(p + 1, end);
	if (p < end && *p == ']')
		return p + 1;
	for (;;) {
		p = str(p, end, &s, &len);
		if (!p || frames_add(lf, s, len))
			return NULL;
		p = ws(p, end);
		if (p < end && *p == ']')
			return p + 1;
		if (p >= end || *p != ',')
			return NULL;
		p = ws(p + 1, end);
	}
}

int line_scan(const char *line, size_t len, struct line_fields *lf)
{
	const char *p, *end = line + len, *k;
	unsigned int seen = 0;
	struct field *f;
	size_t klen;
	int id;

	fields_clear(lf);
	p = ws(line, end);
	if (p >= end || *p != '{')
		return -1;
	p = ws(p + 1, end);
	if (p < end && *p == '}')
		return ws(p + 1, end) == end ? 0 : -1;
	for (;;) {
		p = str(p, end, &k, &klen);
		if (!p)
			return -1;
		id = field_lookup(k, klen);
		if (id < 0 || seen & 1u << id)
			return -1;
		seen |= 1u << id;
		p = ws(p, end);
		if (p >= end || *p != ':')
			return -1;
		p = ws(p + 1, end);
		f = &lf->f[id];
		if (p < end && *p == '"') {
			f->kind = FK_STR;
			p = str(p, end, &f->s, &f->len);
		} else if (p < end && *p == '[' && id == FLD_STACK) {
			f->kind = FK_FRAMES;
			p = frames(p, end, lf);
			f->s = lf->frames;
			f->len = lf->frames_len;
		} else {
			f->kind = FK_INT;
			p = num(p, end, &f->i);
		}
		if (!p)
			return -1;
		p = ws(p, end);
		if (p < end && *p == ',') {
			p = ws(p + 1, end);
			continue;
		}
		if (p < end && *p == '}')
			return ws(p + 1, end) == end ? 0 : -1;
		return -1;
	}
}
