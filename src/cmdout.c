// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <unistd.h>

#include "cmdout.h"

/* Blocking: a stalled reader of our stdout stalls the command, as it would without us. */
static int pass_on(int fd, const char *buf, size_t n)
{
	ssize_t w;

	while (n) {
		w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		buf += w;
		n -= w;
	}
	return 0;
}

static void end_line(struct cmdout *c, __u64 end)
{
	c->on_line(c->arg, c->line, c->len, end);
	c->len = 0;
}

static void split(struct cmdout *c, const char *buf, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (buf[i] == '\n')
			end_line(c, c->off + i + 1);
		else if (c->len < sizeof(c->line))
			c->line[c->len++] = buf[i];
	}
	c->off += n;
	c->mid_line = buf[n - 1] != '\n';
}

static void finish(struct cmdout *c)
{
	if (c->mid_line)
		end_line(c, c->off);
	close(c->fd);
	c->fd = -1;
}

int cmdout_read(struct cmdout *c)
{
	char buf[4096];
	ssize_t n;

	while (c->fd >= 0) {
		n = read(c->fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		if (n < 0) {
			n = -errno;
			finish(c);
			return n;
		}
		if (n == 0 || pass_on(c->to, buf, n)) {
			if (n)
				split(c, buf, n);
			finish(c);
			return 0;
		}
		split(c, buf, n);
	}
	return 0;
}
