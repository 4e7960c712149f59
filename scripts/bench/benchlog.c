// SPDX-License-Identifier: MIT
#include "benchlog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 12

static int split_csv(char *s, char **f, int max)
{
	int n = 0;

	for (;;) {
		if (n == max)
			return -1;
		f[n++] = s;
		s = strchr(s, ',');
		if (!s)
			return n;
		*s++ = '\0';
	}
}

static int copy(char *dst, const char *src)
{
	size_t n = strlen(src);

	if (n >= BL_FIELD)
		return -1;
	memcpy(dst, src, n + 1);
	return 0;
}

static bool is_uint(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return false;
	*v = strtoull(s, &end, 10);
	return *end == '\0';
}

bool bl_is_number(const char *s)
{
	bool digit = false, dot = false;

	if (*s == '-')
		s++;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			digit = true;
		else if (*s == '.' && !dot)
			dot = true;
		else
			return false;
	}
	return digit;
}

int bl_parse_result(const char *payload, struct bl_row *r)
{
	char buf[512], *f[MAX_FIELDS];
	uint64_t reps = 1;
	int n, i = 0;

	if (strlen(payload) >= sizeof(buf))
		return -1;
	strcpy(buf, payload);
	n = split_csv(buf, f, MAX_FIELDS);
	memset(r, 0, sizeof(*r));
	if (n == 9) {
		if (copy(r->system, f[i++]) || copy(r->benchmark, f[i++]) ||
		    copy(r->phase, f[i++]) || copy(r->parameter, f[i++]) ||
		    copy(r->profile, f[i++]) || !is_uint(f[i++], &r->iterations) ||
		    !is_uint(f[i++], &reps) || copy(r->value, f[i++]) || copy(r->unit, f[i++]))
			return -1;
	} else if (n == 7) {
		if (copy(r->system, f[i++]) || copy(r->benchmark, f[i++]) ||
		    copy(r->parameter, f[i++]) || copy(r->profile, f[i++]) ||
		    !is_uint(f[i++], &r->iterations) || copy(r->value, f[i++]) ||
		    copy(r->unit, f[i++]))
			return -1;
		strcpy(r->phase, "total");
	} else {
		return -1;
	}
	if (!r->system[0] || !r->benchmark[0] || !r->phase[0] || !r->unit[0] ||
	    !bl_is_number(r->value) || reps == 0 || reps > 1000000)
		return -1;
	r->repetitions = (unsigned)reps;
	return 0;
}

int bl_parse_stat(const char *line, char *name, size_t len, uint64_t *value)
{
	const char *p = strstr(line, "stats: "), *eq, *end;
	char num[32];
	size_t n;

	if (!p || (p != line && p[-1] != ' ' && p[-1] != ']'))
		return -1;
	p += strlen("stats: ");
	if (!strncmp(p, "device ", 7)) {
		p += 7;
		end = strchr(p, '@');
		eq = strstr(p, " accesses=");
		if (!end || !eq || end > eq || (size_t)(end - p) + 8 > len)
			return -1;
		snprintf(name, len, "device:%.*s", (int)(end - p), p);
		eq += strlen(" accesses=");
	} else {
		end = strchr(p, ' ');
		eq = strstr(p, " total=");
		if (!end || end != eq || (size_t)(end - p) + 1 > len)
			return -1;
		snprintf(name, len, "%.*s", (int)(end - p), p);
		eq += strlen(" total=");
	}
	n = strspn(eq, "0123456789");
	if (n == 0 || n >= sizeof(num))
		return -1;
	memcpy(num, eq, n);
	num[n] = '\0';
	*value = strtoull(num, NULL, 10);
	return 0;
}

const char *bl_kv(const char *line, const char *tag, const char *key, char *buf, size_t len)
{
	const char *p = strstr(line, tag);
	size_t kl = strlen(key);

	if (!p || (p != line && p[-1] != ' ' && p[-1] != ']'))
		return NULL;
	p += strlen(tag);
	while (*p) {
		size_t n;

		while (*p == ' ')
			p++;
		n = strcspn(p, " ");
		if (n > kl && !strncmp(p, key, kl) && p[kl] == '=') {
			size_t vl = n - kl - 1;

			if (vl >= len)
				return NULL;
			memcpy(buf, p + kl + 1, vl);
			buf[vl] = '\0';
			return buf;
		}
		p += n;
	}
	return NULL;
}

int bl_parse_expect(const char *line, struct bl_expect *e)
{
	char buf[512], *f[MAX_FIELDS];
	int n;

	while (*line == ' ' || *line == '\t')
		line++;
	if (!*line || *line == '#' || *line == '\n' || !strncmp(line, "system,", 7))
		return 1;
	if (strlen(line) >= sizeof(buf))
		return -1;
	strcpy(buf, line);
	buf[strcspn(buf, "\r\n")] = '\0';
	n = split_csv(buf, f, MAX_FIELDS);
	memset(e, 0, sizeof(*e));
	if (n < 4 || copy(e->system, f[0]) || copy(e->benchmark, f[1]) || copy(e->counter, f[2]) ||
	    !is_uint(f[3], &e->per_iteration) || !e->system[0] || !e->benchmark[0] ||
	    !e->counter[0])
		return -1;
	if (n >= 5 && f[4][0]) {
		char *plus = strchr(f[4], '+');
		size_t pl;

		if (plus) {
			*plus++ = '\0';
			pl = strlen(plus);
			if (pl < 2 || plus[pl - 1] != '%')
				return -1;
			plus[pl - 1] = '\0';
			if (!is_uint(plus, &e->slack_percent))
				return -1;
		}
		if (!is_uint(f[4], &e->slack))
			return -1;
	}
	return 0;
}

uint64_t bl_expect_max(const struct bl_expect *e, uint64_t ops)
{
	return ops * e->per_iteration + e->slack + ops * e->slack_percent / 100;
}
