// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: replay_file() on any input, as text and as JSON, with
 * an oracle whose facts come from its own scan of the lines, not from the
 * code under test:
 *
 * - an input with a malformed line (a NUL byte, or neither blank nor a
 *   JSON object) exits 2;
 * - one with a lost event of a non-zero count or a finding never exits 0;
 * - text and JSON exit alike, and the text holds no control character
 *   (C0, DEL, C1) but the newlines that end its lines;
 * - unless it exits 2, the JSON output replays to itself (but for the
 *   summary, whose count of unknown events the output does not hold).
 *
 * A failed check aborts: libFuzzer keeps the input.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "replay.h"

struct facts {
	bool malformed;
	bool lost;		/* a lost event with a count that is not 0 */
	bool finding;
};

static bool is_zero(json_t *v)
{
	return (json_is_integer(v) && !json_integer_value(v)) ||
	       (json_is_string(v) && !strcmp(json_string_value(v), "0"));
}

static void scan_line(const char *line, size_t len, struct facts *fx)
{
	json_t *o, *count;
	size_t i;

	for (i = 0; i < len && line[i] && strchr(" \t\r\n", line[i]); i++)
		;
	if (i == len)
		return;
	if (memchr(line, '\0', len)) {
		fx->malformed = true;
		return;
	}
	o = json_loadb(line, len, 0, NULL);
	if (!json_is_object(o)) {
		fx->malformed = true;
	} else {
		fx->finding |= json_object_get(o, "finding") != NULL;
		count = json_object_get(o, "count");
		fx->lost |= json_is_string(json_object_get(o, "ev")) &&
			    !strcmp(json_string_value(json_object_get(o, "ev")), "lost") &&
			    count && !is_zero(count);
	}
	json_decref(o);
}

/* Lines end at '\n', as getline() has them. */
static struct facts scan(const char *data, size_t size)
{
	struct facts fx = {};
	const char *end = data + size, *nl;

	for (; data < end; data = nl + 1) {
		nl = memchr(data, '\n', end - data);
		if (!nl)
			nl = end;
		scan_line(data, nl - data, &fx);
	}
	return fx;
}

static FILE *devnull;

/* The exit status of replaying @size bytes at @data; the output in *@out if @out. */
static enum status replay(const char *data, size_t size,
			  enum report_format format, char **out)
{
	const struct report_opts opts = { .format = format };
	FILE *in = fmemopen((void *)data, size, "r"), *o = devnull;
	enum status status;
	size_t len;

	if (!in)
		abort();
	if (out) {
		o = open_memstream(out, &len);
		if (!o)
			abort();
	}
	status = replay_file(in, "fuzz", o, devnull, &opts);
	fclose(in);
	if (out)
		fclose(o);
	return status;
}

/* @s without its last line, the summary. */
static size_t but_last_line(const char *s)
{
	size_t n = strlen(s);

	while (n && s[n - 1] == '\n')
		n--;
	while (n && s[n - 1] != '\n')
		n--;
	return n;
}

static bool has_control(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	for (; *u; u++)
		if ((*u < 0x20 && *u != '\n') || *u == 0x7f ||
		    (u[0] == 0xc2 && u[1] >= 0x80 && u[1] < 0xa0))
			return true;
	return false;
}

static void check(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "oracle: %s\n", what);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *input = (const char *)data;
	struct facts fx;
	enum status json, text, again;
	char *out, *out2, *txt;
	size_t n;

	if (!size)		/* fmemopen() needs a byte */
		return 0;
	if (!devnull) {
		devnull = fopen("/dev/null", "w");
		if (!devnull)
			abort();
	}
	fx = scan(input, size);
	json = replay(input, size, REPORT_JSON, &out);
	text = replay(input, size, REPORT_TEXT, &txt);
	check(json <= STATUS_INCONCLUSIVE, "an exit status out of range");
	check(text == json, "text and JSON exit differently");
	check(!has_control(txt), "a control character in text output");
	check(!fx.malformed || json == STATUS_ERROR, "a malformed line did not exit 2");
	check(!(fx.lost || fx.finding) || json != STATUS_CLEAN,
	      "clean with a lost event or a finding");
	if (json != STATUS_ERROR) {
		again = replay(out, strlen(out), REPORT_JSON, &out2);
		n = but_last_line(out);
		check(again == json, "the JSON output replays to another status");
		check(n == but_last_line(out2) && !memcmp(out, out2, n),
		      "the JSON output replays to other output");
		free(out2);
	}
	free(out);
	free(txt);
	return 0;
}
