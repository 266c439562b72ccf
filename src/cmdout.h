/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command's stdout, read from its pipe: passed on to ours byte for
 * byte, and cut into lines that know where they end in the stream.
 */
#ifndef CMDOUT_H
#define CMDOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

/* Longer lines are passed on whole but seen cut (KTAP lines are short). */
#define CMDOUT_LINE_MAX 1024

struct cmdout {
	int fd;			/* the pipe's read end, non-blocking; -1 at its end */
	int to;			/* where it goes on (our stdout) */
	__u64 off;		/* bytes read so far */
	bool mid_line;		/* the last byte passed on was not a newline */
	/* Each line, without its newline; @end: its offset after the newline. */
	void (*on_line)(void *arg, const char *line, size_t len, __u64 end);
	void *arg;
	char line[CMDOUT_LINE_MAX];
	size_t len;
};

/*
 * Reads what the pipe holds.  At its end, or when our stdout is gone
 * (the read end is then closed, so that the command sees EPIPE as it
 * would have), a last line without a newline is handed on and @fd is -1.
 * Returns 0, or -errno of a failed read.
 */
int cmdout_read(struct cmdout *c);

#endif /* CMDOUT_H */
