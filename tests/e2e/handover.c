// SPDX-License-Identifier: GPL-2.0
/*
 * Contexts that change hands, for the end-to-end tests of check's scope;
 * run in the test VM.
 *
 * handover serve SOCKET: a process of its own (not traced), which prints
 * "ready", takes one context over the unix socket SOCKET and makes an
 * orphan in it (virt_id 0x48: a device and its vdevice, the device
 * destroyed), closes it, makes one more orphan in a context of its own
 * (virt_id 0x4f), answers "done" and exits.
 *
 * handover send SOCKET: opens a context, creates an IOAS in it (its first
 * use), hands it to the server, closes its own copy and waits for the
 * answer.
 *
 * handover gc: a context with a device and its vdevice (virt_id 0x47),
 * whose last reference is left in flight on a unix socket that holds
 * itself: the kernel's garbage collector drops it in a kworker, and the
 * release of the context runs there, after this process has exited.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "mockdev.h"

#define HANDED_VIRT_ID	0x48
#define OWN_VIRT_ID	0x4f
#define GC_VIRT_ID	0x47

static void die(const char *what)
{
	fprintf(stderr, "handover: %s: %s\n", what, strerror(errno));
	exit(2);
}

static int open_iommu(void)
{
	int fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die("/dev/iommu");
	return fd;
}

/* A vdevice whose device is then destroyed: an orphan on v6.13-v6.16. */
static void orphan(int fd, __u64 virt_id)
{
	const char *what;
	__u32 stdev;

	if (mock_pair(fd, virt_id, &stdev, &what))
		die(what);
	if (mock_destroy(fd, stdev))
		die("IOMMU_DESTROY of the mock device");
}

/* Sends @nfds file descriptors over @sock. */
static void send_fds(int sock, const int *fds, int nfds)
{
	char byte = 0, cbuf[CMSG_SPACE(2 * sizeof(int))] = {};
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = CMSG_SPACE(nfds * sizeof(int)),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
	memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
	if (sendmsg(sock, &msg, 0) != 1)
		die("sendmsg");
}

static int recv_fd(int sock)
{
	char byte, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		die("recvmsg");
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		die("no fd received");
	memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

static struct sockaddr_un address(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	strncpy(sun.sun_path, path, sizeof(sun.sun_path) - 1);
	return sun;
}

static int serve(const char *path)
{
	struct sockaddr_un sun = address(path);
	int lsock, sock, fd;

	lsock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	unlink(path);
	if (lsock < 0 || bind(lsock, (struct sockaddr *)&sun, sizeof(sun)) ||
	    listen(lsock, 1))
		die(path);
	printf("ready\n");
	fflush(stdout);
	sock = accept(lsock, NULL, NULL);
	if (sock < 0)
		die("accept");
	fd = recv_fd(sock);
	orphan(fd, HANDED_VIRT_ID);
	close(fd);
	fd = open_iommu();
	orphan(fd, OWN_VIRT_ID);
	close(fd);
	if (write(sock, "done", 4) != 4)
		die("write");
	return 0;
}

static int send_ctx(const char *path)
{
	struct sockaddr_un sun = address(path);
	int fd = open_iommu(), sock;
	char answer[4];
	__u32 ioas;

	if (mock_ioas(fd, &ioas))
		die("IOMMU_IOAS_ALLOC");
	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0 || connect(sock, (struct sockaddr *)&sun, sizeof(sun)))
		die(path);
	send_fds(sock, &fd, 1);
	close(fd);
	if (read(sock, answer, sizeof(answer)) != sizeof(answer))
		die("no answer");
	return 0;
}

static int gc(void)
{
	int fd = open_iommu(), sv[2], fds[2];
	const char *what;
	__u32 stdev;

	if (mock_pair(fd, GC_VIRT_ID, &stdev, &what))
		die(what);
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv))
		die("socketpair");
	/* sv[1] in its own queue, with the context: a cycle only the collector breaks. */
	fds[0] = fd;
	fds[1] = sv[1];
	send_fds(sv[0], fds, 2);
	close(fd);
	close(sv[1]);
	close(sv[0]);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "serve"))
		return serve(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "send"))
		return send_ctx(argv[2]);
	if (argc == 2 && !strcmp(argv[1], "gc"))
		return gc();
	fprintf(stderr, "usage: handover serve SOCKET | send SOCKET | gc\n");
	return 2;
}
