// SPDX-License-Identifier: GPL-2.0
/* The fields of a replay line that the replay knows: names and storage. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "replay_fields.h"

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
