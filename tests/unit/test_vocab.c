// SPDX-License-Identifier: GPL-2.0
/* The vocabulary's tables: names that round-trip, rows that make sense. */
#include <string.h>

#include "vocab.h"
#include "test.h"

/* No name of @a is in @b. */
static bool disjoint(const struct field *a, const struct field *b)
{
	const struct field *f;

	for (; a->name; a++)
		for (f = b; f->name; f++)
			if (!strcmp(a->name, f->name))
				return false;
	return true;
}

static bool distinct(const struct field *fields)
{
	const struct field *a, *b;

	for (a = fields; a->name; a++)
		for (b = a + 1; b->name; b++)
			if (!strcmp(a->name, b->name))
				return false;
	return true;
}

/* Every event type has a row, found again by its name. */
static void event_names_round_trip(void)
{
	unsigned int t, u;

	for (t = 1; t < EV_TYPE_MAX; t++) {
		const struct record *row = ev_record(t);

		CHECK(row && row->name && row->fields);
		if (!row)
			continue;
		CHECK(ev_type_named(row->name) == t);
		for (u = 1; u < t; u++)
			CHECK(strcmp(ev_record(u)->name, row->name));
	}
	CHECK(!ev_record(0) && !ev_record(EV_TYPE_MAX));
	CHECK(ev_type_named("hwpt_alloc") == 0 && ev_type_named("") == 0);
}

/* A JSON object holds a name once: no field twice in a line. */
static void field_names_unique(void)
{
	unsigned int t;

	CHECK(distinct(ev_head) && distinct(ev_tail));
	CHECK(disjoint(ev_head, ev_tail));
	for (t = 1; t < EV_TYPE_MAX; t++) {
		const struct field *own = ev_record(t)->fields;

		CHECK(distinct(own));
		CHECK(disjoint(own, ev_head) && disjoint(own, ev_tail));
	}
	CHECK(distinct(finding_record(FINDING_ORPHAN)->fields));
	CHECK(distinct(finding_record(FINDING_LEAK)->fields));
	CHECK(distinct(finding_record(FINDING_OUTLIVED)->fields));
	CHECK(distinct(object_fields));
}

/* Has @fields a field of @kind? */
static bool has_kind(const struct field *fields, enum field_kind kind)
{
	for (; fields->name; fields++)
		if (fields->kind == kind)
			return true;
	return false;
}

/*
 * Flags replay acts on, only where it can: an event's own fields.  What
 * depends on the object's type, only where the row has the type.
 */
static void event_flags(void)
{
	const struct field *f;
	unsigned int t, either;
	bool typed;

	for (t = 1; t < EV_TYPE_MAX; t++) {
		either = 0;
		typed = has_kind(ev_record(t)->fields, FK_OBJ_TYPE);
		for (f = ev_record(t)->fields; f->name; f++) {
			CHECK(!((f->flags & FL_REQUIRED) && (f->flags & FL_EITHER)));
			CHECK(!((f->flags & FL_NOTE) &&
				(f->flags & (FL_REQUIRED | FL_EITHER))));
			CHECK(!(f->flags & (FL_NONZERO | FL_CONTEXT)));
			CHECK(typed || !(f->flags & FL_VDEV));
			CHECK(f->kind != FK_KEY || typed || f->key != KEY_OF_TYPE);
			CHECK(f->kind != FK_KEY || f->key != KEY_OF_PARENT);
			either += !!(f->flags & FL_EITHER);
		}
		CHECK(either != 1);
	}
	for (f = ev_head; f->name; f++)
		CHECK(f->flags == FL_REQUIRED);
	for (f = ev_tail; f->name; f++)
		CHECK(!f->flags);
}

static void findings_and_types(void)
{
	static const char *const names[OBJ_TYPE_MAX] = {
		[OBJ_DEVICE] = "device", [OBJ_VDEVICE] = "vdevice",
		[OBJ_IOAS] = "ioas", [OBJ_HWPT_PAGING] = "hwpt_paging",
		[OBJ_HWPT_NESTED] = "hwpt_nested", [OBJ_VIOMMU] = "viommu",
		[OBJ_VEVENTQ] = "veventq", [OBJ_HW_QUEUE] = "hw_queue",
		[OBJ_FAULT] = "fault", [OBJ_ACCESS] = "access",
	};
	unsigned int t;

	CHECK(!strcmp(finding_record(FINDING_ORPHAN)->name, "orphaned_vdevice"));
	CHECK(!strcmp(finding_record(FINDING_LEAK)->name, "leaked_object"));
	CHECK(!strcmp(finding_record(FINDING_OUTLIVED)->name, "outlived_parent"));
	for (t = 1; t < OBJ_TYPE_MAX; t++) {
		CHECK(!strcmp(obj_type_name(t), names[t]));
		CHECK(obj_type_named(names[t]) == t);
		CHECK(obj_type_key(t) == (t == OBJ_DEVICE ? KEY_IDEV :
					  t == OBJ_VDEVICE ? KEY_VDEV : KEY_OBJ));
	}
	CHECK(obj_type_named("hwpt") == 0 && obj_type_named("") == 0);
	CHECK(obj_type_named("selftest") == 0 && obj_type_key(0) == KEY_OBJ);
}

/* Snapshot statuses: names that round-trip, a reason for each. */
static void snapshot_statuses(void)
{
	unsigned int s;

	for (s = 0; s < SNAP_STATUS_MAX; s++) {
		CHECK(snap_status_named(snap_status_name(s)) == s);
		CHECK(snap_status_text(s) && *snap_status_text(s));
	}
	CHECK(!strcmp(snap_status_name(SNAP_TAKEN), "taken"));
	CHECK(snap_status_named("x") == SNAP_STATUS_MAX);
}

/* Tokens of different kinds never look alike. */
static void key_prefixes_distinct(void)
{
	int a, b;

	for (a = KEY_ICTX; a < KEY_OF_TYPE; a++) {
		CHECK(key_prefix(a) >= 'a' && key_prefix(a) <= 'z');
		for (b = KEY_ICTX; b < a; b++)
			CHECK(key_prefix(a) != key_prefix(b));
	}
}

/* Every counter of struct model_summary, once, in the JSON summary. */
static void counters_cover_summary(void)
{
	bool seen[sizeof(struct model_summary) / sizeof(__u64)] = {};
	size_t i, j;

	CHECK(ncounters == offsetof(struct model_summary, verdict) / sizeof(__u64));
	for (i = 0; i < ncounters; i++) {
		CHECK(counters[i].off % sizeof(__u64) == 0);
		CHECK(counters[i].off < offsetof(struct model_summary, verdict));
		CHECK(!seen[counters[i].off / sizeof(__u64)]);
		seen[counters[i].off / sizeof(__u64)] = true;
		for (j = 0; j < i; j++)
			CHECK(strcmp(counters[i].name, counters[j].name));
	}
	CHECK(!strcmp(counters[0].name, "events"));
}

int main(void)
{
	RUN(event_names_round_trip);
	RUN(field_names_unique);
	RUN(event_flags);
	RUN(findings_and_types);
	RUN(snapshot_statuses);
	RUN(key_prefixes_distinct);
	RUN(counters_cover_summary);
	return TEST_STATUS();
}
