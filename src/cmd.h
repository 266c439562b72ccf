/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command of check mode: its stdout on a pipe of ours, its end seen
 * through a pidfd, always reaped, its status always told.
 */
#ifndef CMD_H
#define CMD_H

#include <stdbool.h>
#include <sys/types.h>

struct cmd {
	char **argv;
	pid_t pid;		/* 0 once reaped */
	int pidfd;		/* readable once it has exited; -1 if none */
	int out;		/* read end of its stdout, non-blocking; -1 if none */
	int out_w;		/* its write end, until the command has it */
	int status;		/* its wait status once reaped; -1 if lost */
};

/*
 * Before the tracer is loaded: SIGCHLD back to default (else the kernel
 * reaps the command for us and its status is lost) and a SIGPIPE that
 * does not kill us when our stdout goes away.  The command starts with
 * the signal dispositions we were given, SIGCHLD's set to default.
 */
void cmd_signals(void);
/* Opens its output pipe (c->out), before it starts: 0, or -1 after saying why. */
int cmd_pipe(struct cmd *c);
/* Starts it, with its stdout on the pipe if there is one: 0, or -1 after saying why. */
int cmd_start(struct cmd *c);
/* Reaps it if it has exited; true once it is reaped. */
bool cmd_reaped(struct cmd *c);
/* Waits until it is reaped. */
void cmd_wait(struct cmd *c);
/* "CMD exited with status N" or "was killed by signal N", on stderr. */
void cmd_tell_status(const struct cmd *c);
void cmd_close(struct cmd *c);

#endif /* CMD_H */
