/*
 * loopsrv.h: a tiny scripted HTTP server on 127.0.0.1 for unit tests of
 * the network code.  It runs in a thread, answers each connection with the
 * next step of a script (the last step repeats), records the requests, and
 * closes the connection after each answer.  Steps can also misbehave: hang
 * (accept and never answer), reset the connection, or send a part and then
 * stall (a body that never ends).
 */
#ifndef SI_LOOPSRV_H
#define SI_LOOPSRV_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum loopsrv_action { LS_SEND, LS_HANG, LS_RESET, LS_STALL };

struct loopsrv_step {
	enum loopsrv_action action;
	const char *raw;     /* bytes to send (LS_SEND, LS_STALL) */
	size_t len;          /* 0: strlen(raw) */
};

#define LOOPSRV_MAXREQ 64

struct loopsrv {
	int fd;
	int port;
	pthread_t th;
	const struct loopsrv_step *script;
	size_t nscript;
	size_t next;
	char *reqs[LOOPSRV_MAXREQ];
	size_t nreqs;
	int hung[LOOPSRV_MAXREQ];
	size_t nhung;
	volatile int stop;
	pthread_mutex_t mu;
};

static void
loopsrv_read_request(int fd, struct loopsrv *s)
{
	char *buf = malloc(65536);
	size_t len = 0;
	long clen = -1;

	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		ssize_t r;
		char *hend;

		if (poll(&p, 1, 2000) <= 0)
			break;
		r = read(fd, buf + len, 65535 - len);
		if (r <= 0)
			break;
		len += (size_t)r;
		buf[len] = '\0';
		hend = strstr(buf, "\r\n\r\n");
		if (hend) {
			char *cl = strcasestr(buf, "\r\nContent-Length:");

			if (cl && cl < hend)
				clen = strtol(cl + 17, NULL, 10);
			if (clen < 0 || (size_t)(hend + 4 - buf) + (size_t)clen <= len)
				break;
		}
		if (len >= 65535)
			break;
	}
	buf[len] = '\0';
	pthread_mutex_lock(&s->mu);
	if (s->nreqs < LOOPSRV_MAXREQ)
		s->reqs[s->nreqs++] = buf;
	else
		free(buf);
	pthread_mutex_unlock(&s->mu);
}

static void
loopsrv_write(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

static void *
loopsrv_main(void *arg)
{
	struct loopsrv *s = arg;

	while (!s->stop) {
		struct pollfd p = { s->fd, POLLIN, 0 };
		const struct loopsrv_step *st;
		int c;

		if (poll(&p, 1, 20) <= 0)
			continue;
		c = accept(s->fd, NULL, NULL);
		if (c < 0)
			continue;
		loopsrv_read_request(c, s);
		pthread_mutex_lock(&s->mu);
		st = &s->script[s->next < s->nscript ? s->next : s->nscript - 1];
		s->next++;
		pthread_mutex_unlock(&s->mu);
		switch (st->action) {
		case LS_SEND:
			loopsrv_write(c, st->raw, st->len ? st->len : strlen(st->raw));
			shutdown(c, SHUT_WR);
			close(c);
			break;
		case LS_RESET: {
			struct linger l = { 1, 0 };

			setsockopt(c, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
			close(c);
			break;
		}
		case LS_STALL:
			loopsrv_write(c, st->raw, st->len ? st->len : strlen(st->raw));
			/* fall through */
		case LS_HANG:
			if (s->nhung < LOOPSRV_MAXREQ)
				s->hung[s->nhung++] = c;
			else
				close(c);
			break;
		}
	}
	return NULL;
}

/* Start serving script (kept by the caller); returns 0 or -1. */
static int
loopsrv_start(struct loopsrv *s, const struct loopsrv_step *script, size_t n)
{
	struct sockaddr_in a;
	socklen_t al = sizeof(a);
	int one = 1;

	memset(s, 0, sizeof(*s));
	s->script = script;
	s->nscript = n;
	pthread_mutex_init(&s->mu, NULL);
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (s->fd < 0)
		return -1;
	setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = 0;
	if (bind(s->fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(s->fd, 64) != 0 ||
	    getsockname(s->fd, (struct sockaddr *)&a, &al) != 0)
		return -1;
	s->port = ntohs(a.sin_port);
	return pthread_create(&s->th, NULL, loopsrv_main, s) == 0 ? 0 : -1;
}

static size_t
loopsrv_nreqs(struct loopsrv *s)
{
	size_t n;

	pthread_mutex_lock(&s->mu);
	n = s->nreqs;
	pthread_mutex_unlock(&s->mu);
	return n;
}

static void
loopsrv_stop(struct loopsrv *s)
{
	size_t i;

	s->stop = 1;
	pthread_join(s->th, NULL);
	close(s->fd);
	for (i = 0; i < s->nhung; i++)
		close(s->hung[i]);
	for (i = 0; i < s->nreqs; i++)
		free(s->reqs[i]);
	pthread_mutex_destroy(&s->mu);
}

/* "http://127.0.0.1:PORT" + path into out (size n). */
static void
loopsrv_url(const struct loopsrv *s, const char *host, const char *path, char *out, size_t n)
{
	snprintf(out, n, "http://%s:%d%s", host ? host : "127.0.0.1", s->port, path);
}

#endif
