/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The report file of -o.  The caller opens it once the run can go ahead
 * (usage, environment and input checked), so that a failing run leaves
 * what the path names alone; and it is opened only where writing is safe:
 *
 * - never through a symbolic link (O_NOFOLLOW): one planted where the
 *   report goes would have root truncate the file it points to;
 * - a regular file is truncated only when it is not @input (replay -o IN
 *   IN) and has no other hard links; a FIFO or a character device
 *   (/dev/null) is written as it is; anything else is refused;
 * - a private report (@mode gives no group or other read access: it may
 *   hold kernel pointers) goes to no file or FIFO of another user, and
 *   takes group and other access away from the caller's file;
 * - a new file gets @mode, less the umask.
 *
 * outfile_open() says on stderr what is wrong and returns NULL.
 */
#ifndef OUTFILE_H
#define OUTFILE_H

#include <stdio.h>
#include <sys/stat.h>

#include "status.h"

/* @input: the file the run reads, NULL if none. */
FILE *outfile_open(const char *path, mode_t mode, const struct stat *input);
/* Closes @f; STATUS_ERROR, said on stderr, if that fails. */
enum status outfile_close(FILE *f, const char *path);

#endif /* OUTFILE_H */
