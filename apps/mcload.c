// SPDX-License-Identifier: GPL-2.0
/*
 * mcload: a memcached load generator that checks every answer (the
 * application benchmarks' stand-in for memtier_benchmark, which is not in
 * Debian; see docs/methodology.md, "Application benchmarks").
 *
 *   mcload [-s ADDR] [-p PORT] [-c CONNS] [-n REQS] [-k KEYS] [-d BYTES] [-r GETS]
 *
 * CONNS connections (default 4), one thread each, each with its own KEYS
 * keys (default 100) of BYTES-byte values (default 32, memtier's default).
 * Warm-up, not timed: every key SET once. Then, timed: REQS requests per
 * connection (default 1000), one SET per GETS GETs (default 10, memtier's
 * 1:10), keys in a fixed order. Every value is a function of key and
 * version, so every GET must return the last value SET for its key: a miss
 * or a different value is counted and fails the run.
 *
 * Prints "MCLOAD: conns=C reqs=R sets=S gets=G hits=H misses=M bad=B ns=T
 * ops_per_s=X" (T by CLOCK_MONOTONIC from the first timed request to the
 * last answer); exit status 0 only if misses and bad are 0 and no
 * connection failed; 2 with one line for bad options.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_BYTES 4096

static const char *addr = "127.0.0.1";
static int port = 11211, nconns = 4, reqs = 1000, nkeys = 100, bytes = 32, gets_per_set = 10;
static pthread_barrier_t start_bar;

struct conn {
	pthread_t th;
	int id, fd, failed;
	unsigned *ver;
	long sets, gets, hits, misses, bad;
	char buf[MAX_BYTES + 256];
	size_t have;
};

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void fail(struct conn *c, const char *fmt, ...)
{
	va_list ap;

	if (c->failed++)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "mcload: connection %d: ", c->id);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
}

static void key_of(const struct conn *c, int k, char *out)
{
	sprintf(out, "dv:%d:%d", c->id, k);
}

static void value_of(const struct conn *c, int k, unsigned v, char *out)
{
	unsigned x = (unsigned)(c->id * 2654435761u) ^ (unsigned)(k * 40503u) ^ (v * 2246822519u);

	for (int i = 0; i < bytes; i++) {
		x = x * 1103515245u + 12345u;
		out[i] = (char)('a' + (x >> 16) % 26);
	}
}

static int send_all(struct conn *c, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(c->fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			fail(c, "write: %s", strerror(errno));
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Read until the buffer holds N bytes or (N == 0) a line; returns the length
 * of the line (with its "\r\n") or N, -1 on error. */
static long fill(struct conn *c, size_t n)
{
	for (;;) {
		if (n && c->have >= n)
			return (long)n;
		if (!n) {
			char *e = memchr(c->buf, '\n', c->have);

			if (e)
				return e - c->buf + 1;
		}
		if (c->have == sizeof(c->buf)) {
			fail(c, "answer too long");
			return -1;
		}
		ssize_t r = read(c->fd, c->buf + c->have, sizeof(c->buf) - c->have);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			fail(c, "read: %s", r ? strerror(errno) : "connection closed");
			return -1;
		}
		c->have += (size_t)r;
	}
}

static void consume(struct conn *c, size_t n)
{
	memmove(c->buf, c->buf + n, c->have - n);
	c->have -= n;
}

static int do_set(struct conn *c, int k)
{
	char key[64], cmd[MAX_BYTES + 128];
	int n;

	key_of(c, k, key);
	c->ver[k]++;
	n = sprintf(cmd, "set %s 0 0 %d\r\n", key, bytes);
	value_of(c, k, c->ver[k], cmd + n);
	memcpy(cmd + n + bytes, "\r\n", 2);
	if (send_all(c, cmd, (size_t)n + (size_t)bytes + 2))
		return -1;
	long l = fill(c, 0);

	if (l < 0)
		return -1;
	if (l != 8 || memcmp(c->buf, "STORED\r\n", 8)) {
		fail(c, "set %s: answer '%.*s'", key, (int)(l > 2 ? l - 2 : 0), c->buf);
		return -1;
	}
	consume(c, (size_t)l);
	c->sets++;
	return 0;
}

static int do_get(struct conn *c, int k)
{
	char key[64], cmd[96], want[MAX_BYTES], hdr[128];
	long l;
	int n, len;

	key_of(c, k, key);
	n = sprintf(cmd, "get %s\r\n", key);
	if (send_all(c, cmd, (size_t)n))
		return -1;
	c->gets++;
	l = fill(c, 0);
	if (l < 0)
		return -1;
	if (l == 5 && !memcmp(c->buf, "END\r\n", 5)) {
		consume(c, 5);
		c->misses++;
		return 0;
	}
	snprintf(hdr, sizeof(hdr), "VALUE %s 0 %%d\r\n", key);
	if (sscanf(c->buf, hdr, &len) != 1 || len < 0 || len > MAX_BYTES) {
		fail(c, "get %s: answer '%.*s'", key, (int)(l > 2 ? l - 2 : 0), c->buf);
		return -1;
	}
	consume(c, (size_t)l);
	if (fill(c, (size_t)len + 7) < 0) /* data, "\r\n", "END\r\n" */
		return -1;
	value_of(c, k, c->ver[k], want);
	if (len != bytes || memcmp(c->buf, want, (size_t)bytes) ||
	    memcmp(c->buf + len, "\r\nEND\r\n", 7))
		c->bad++;
	else
		c->hits++;
	consume(c, (size_t)len + 7);
	return 0;
}

static void *run(void *arg)
{
	struct conn *c = arg;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int one = 1, k = 0, i;

	inet_pton(AF_INET, addr, &sa.sin_addr);
	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fail(c, "connect %s:%d: %s", addr, port, strerror(errno));
	} else {
		setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		for (k = 0; k < nkeys && !c->failed; k++)
			do_set(c, k);
		c->sets = 0;
	}
	pthread_barrier_wait(&start_bar);
	for (i = 0; i < reqs && !c->failed; i++) {
		k = (int)((i * 7919L) % nkeys);
		if (i % (gets_per_set + 1) == 0)
			do_set(c, k);
		else
			do_get(c, k);
	}
	pthread_barrier_wait(&start_bar);
	if (c->fd >= 0)
		close(c->fd);
	return NULL;
}

static int num(const char *opt, const char *s, int lo, int hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || !*s || *end || v < lo || v > hi) {
		fprintf(stderr, "mcload: %s must be a number from %d to %d, not '%s'\n", opt, lo,
			hi, s);
		exit(2);
	}
	return (int)v;
}

int main(int argc, char **argv)
{
	struct conn *cs;
	long sets = 0, gets = 0, hits = 0, misses = 0, bad = 0, failed = 0;
	long long t0, t1;
	struct in_addr ia;
	int opt;

	while ((opt = getopt(argc, argv, "s:p:c:n:k:d:r:")) != -1) {
		switch (opt) {
		case 's':
			addr = optarg;
			break;
		case 'p':
			port = num("-p", optarg, 1, 65535);
			break;
		case 'c':
			nconns = num("-c", optarg, 1, 256);
			break;
		case 'n':
			reqs = num("-n", optarg, 1, 100000000);
			break;
		case 'k':
			nkeys = num("-k", optarg, 1, 1000000);
			break;
		case 'd':
			bytes = num("-d", optarg, 1, MAX_BYTES);
			break;
		case 'r':
			gets_per_set = num("-r", optarg, 0, 1000);
			break;
		default:
			fprintf(stderr, "usage: mcload [-s ADDR] [-p PORT] [-c CONNS] [-n REQS] "
					"[-k KEYS] [-d BYTES] [-r GETS]\n");
			return 2;
		}
	}
	if (optind != argc || inet_pton(AF_INET, addr, &ia) != 1) {
		fprintf(stderr, "mcload: bad arguments (an IPv4 address for -s, no operands)\n");
		return 2;
	}
	cs = calloc((size_t)nconns, sizeof(*cs));
	if (!cs)
		return 1;
	pthread_barrier_init(&start_bar, NULL, (unsigned)nconns + 1);
	for (int i = 0; i < nconns; i++) {
		cs[i].id = i;
		cs[i].fd = -1;
		cs[i].ver = calloc((size_t)nkeys, sizeof(unsigned));
		if (!cs[i].ver || pthread_create(&cs[i].th, NULL, run, &cs[i])) {
			fprintf(stderr, "mcload: cannot start connection %d\n", i);
			return 1;
		}
	}
	pthread_barrier_wait(&start_bar); /* warm-up done */
	t0 = now_ns();
	pthread_barrier_wait(&start_bar); /* every request answered */
	t1 = now_ns();
	for (int i = 0; i < nconns; i++) {
		pthread_join(cs[i].th, NULL);
		sets += cs[i].sets;
		gets += cs[i].gets;
		hits += cs[i].hits;
		misses += cs[i].misses;
		bad += cs[i].bad;
		failed += cs[i].failed != 0;
	}
	printf("MCLOAD: conns=%d reqs=%d sets=%ld gets=%ld hits=%ld misses=%ld bad=%ld failed=%ld "
	       "ns=%lld "
	       "ops_per_s=%.0f\n",
	       nconns, reqs, sets, gets, hits, misses, bad, failed, t1 - t0,
	       (double)(sets + gets) * 1e9 / (double)(t1 > t0 ? t1 - t0 : 1));
	return misses || bad || failed || sets + gets != (long)nconns * reqs ? 1 : 0;
}
