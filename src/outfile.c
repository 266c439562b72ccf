// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "outfile.h"

static FILE *refuse(int fd, const char *path, const char *why)
{
	fprintf(stderr, "iommufd-trace: %s: %s\n", path, why);
	if (fd >= 0)
		close(fd);
	return NULL;
}

/* Why @st must not take a report of @mode, or NULL. */
static const char *unsafe(const struct stat *st, mode_t mode,
			  const struct stat *input)
{
	bool reg = S_ISREG(st->st_mode);

	if (!reg && !S_ISFIFO(st->st_mode) && !S_ISCHR(st->st_mode))
		return "is not a regular file, a FIFO or a character device";
	if (reg && input && st->st_dev == input->st_dev &&
	    st->st_ino == input->st_ino)
		return "is the input: the report would destroy it; write it elsewhere";
	if (reg && st->st_nlink > 1)
		return "has other hard links: remove it, or choose another path";
	/* Only root makes device nodes: a file or a FIFO can be planted. */
	if (!S_ISCHR(st->st_mode) && !(mode & 0044) && st->st_uid != geteuid())
		return "belongs to another user, who could read this report of kernel pointers: remove it, or choose another path";
	return NULL;
}

FILE *outfile_open(const char *path, mode_t mode, const struct stat *input)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, mode);
	const char *why;
	struct stat st;
	FILE *f;

	if (fd < 0 && errno == ELOOP)
		return refuse(fd, path, "is a symbolic link, which -o does not follow: give the path of the file itself");
	if (fd < 0 || fstat(fd, &st))
		return refuse(fd, path, strerror(errno));
	why = unsafe(&st, mode, input);
	if (why)
		return refuse(fd, path, why);
	if (S_ISREG(st.st_mode) &&
	    (ftruncate(fd, 0) ||
	     (!(mode & 0044) && (st.st_mode & 0077) && fchmod(fd, st.st_mode & 0700))))
		return refuse(fd, path, strerror(errno));
	f = fdopen(fd, "w");
	return f ? f : refuse(fd, path, strerror(errno));
}

enum status outfile_close(FILE *f, const char *path)
{
	if (!fclose(f))
		return STATUS_CLEAN;
	fprintf(stderr, "iommufd-trace: %s: %s\n", path, strerror(errno));
	return STATUS_ERROR;
}
