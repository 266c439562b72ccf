// SPDX-License-Identifier: GPL-2.0
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "cmd.h"

static void on_sigpipe(int sig)
{
	(void)sig;
}

void cmd_signals(void)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	struct sigaction pipe = { .sa_handler = on_sigpipe }, old;

	sigaction(SIGCHLD, &dfl, NULL);
	/* A handler, not SIG_IGN: exec resets it, and the command gets SIGPIPE as before. */
	if (!sigaction(SIGPIPE, NULL, &old) && old.sa_handler != SIG_IGN)
		sigaction(SIGPIPE, &pipe, NULL);
}

int cmd_pipe(struct cmd *c)
{
	int fds[2];

	if (pipe2(fds, O_CLOEXEC)) {
		fprintf(stderr, "iommufd-trace: pipe: %s\n", strerror(errno));
		return -1;
	}
	c->out = fds[0];
	c->out_w = fds[1];
	if (fcntl(c->out, F_SETFL, O_NONBLOCK)) {
		fprintf(stderr, "iommufd-trace: pipe: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* In the child: the command, or the errno of what failed on @err_fd. */
static void __attribute__((noreturn)) child(struct cmd *c, int err_fd)
{
	int err;

	if (c->out_w < 0 || dup2(c->out_w, STDOUT_FILENO) >= 0)
		execvp(c->argv[0], c->argv);
	err = errno;
	if (write(err_fd, &err, sizeof(err)) != sizeof(err))
		_exit(126);
	_exit(127);
}

/* An exec failure comes back through a close-on-exec pipe: an error, not a clean run. */
int cmd_start(struct cmd *c)
{
	int fds[2], err = 0;
	ssize_t n;

	if (pipe2(fds, O_CLOEXEC)) {
		fprintf(stderr, "iommufd-trace: pipe: %s\n", strerror(errno));
		return -1;
	}
	c->pid = fork();
	if (c->pid == 0)
		child(c, fds[1]);
	close(fds[1]);
	if (c->out_w >= 0)
		close(c->out_w);
	c->out_w = -1;
	if (c->pid < 0) {
		fprintf(stderr, "iommufd-trace: fork: %s\n", strerror(errno));
		c->pid = 0;
		close(fds[0]);
		return -1;
	}
	do
		n = read(fds[0], &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	close(fds[0]);
	if (n == sizeof(err)) {
		fprintf(stderr, "iommufd-trace: cannot run %s: %s\n", c->argv[0], strerror(err));
		cmd_wait(c);
		return -1;
	}
	/* Without a pidfd the caller's poll timer finds the end. */
	c->pidfd = syscall(SYS_pidfd_open, c->pid, 0);
	return 0;
}

/* Its pidfd stays readable: closed, it leaves the caller's epoll set. */
static void reaped(struct cmd *c, pid_t r)
{
	if (r < 0)
		c->status = -1;
	c->pid = 0;
	if (c->pidfd >= 0)
		close(c->pidfd);
	c->pidfd = -1;
}

bool cmd_reaped(struct cmd *c)
{
	pid_t r;

	if (!c->pid)
		return true;
	r = waitpid(c->pid, &c->status, WNOHANG);
	if (r == 0 || (r < 0 && errno == EINTR))
		return false;
	reaped(c, r);
	return true;
}

void cmd_wait(struct cmd *c)
{
	pid_t r;

	if (!c->pid)
		return;
	do
		r = waitpid(c->pid, &c->status, 0);
	while (r < 0 && errno == EINTR);
	reaped(c, r);
}

void cmd_tell_status(const struct cmd *c)
{
	if (c->status == -1)
		fprintf(stderr, "iommufd-trace: the exit status of %s was lost\n", c->argv[0]);
	else if (WIFEXITED(c->status))
		fprintf(stderr, "iommufd-trace: %s exited with status %d\n",
			c->argv[0], WEXITSTATUS(c->status));
	else if (WIFSIGNALED(c->status))
		fprintf(stderr, "iommufd-trace: %s was killed by signal %d\n",
			c->argv[0], WTERMSIG(c->status));
}

void cmd_close(struct cmd *c)
{
	if (c->pidfd >= 0)
		close(c->pidfd);
	if (c->out >= 0)
		close(c->out);
	if (c->out_w >= 0)
		close(c->out_w);
	c->pidfd = c->out = c->out_w = -1;
}
