/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Building one /proc line straight into the seq_file's buffer. A table of
 * 100 000 rows is read often: vsnprintf() per field would cost more than
 * everything else a row needs. If the line does not fit, the seq_file is
 * told so (seq_commit(m, -1)) and retries it with a larger buffer.
 */
#ifndef PEERCRED_LINE_H
#define PEERCRED_LINE_H

#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/string_helpers.h>

struct peercred_line {
	char *start, *p, *end;
};

static inline void peercred_line_begin(struct seq_file *m,
				       struct peercred_line *l)
{
	size_t n = seq_get_buf(m, &l->start);

	l->p = l->start;
	l->end = l->start + n;
}

static inline void peercred_line_putc(struct peercred_line *l, char c)
{
	if (l->p < l->end)
		*l->p = c;
	l->p++;
}

/* " " then @v right-aligned in @width, like " %*llu". */
static inline void peercred_line_num(struct peercred_line *l,
				     unsigned long long v, int width)
{
	char digits[20];
	int n = 0;

	do {
		digits[n++] = '0' + v % 10;
		v /= 10;
	} while (v);
	peercred_line_putc(l, ' ');
	for (; width > n; width--)
		peercred_line_putc(l, ' ');
	while (n)
		peercred_line_putc(l, digits[--n]);
}

/* " " (none to start the line) then @s left-aligned in @width, like " %-*s". */
static inline void peercred_line_str(struct peercred_line *l, const char *s,
				     int width)
{
	int n = strlen(s);

	if (l->p != l->start)
		peercred_line_putc(l, ' ');
	if (l->p + n <= l->end)
		memcpy(l->p, s, n);
	l->p += n;
	for (; width > n; width--)
		peercred_line_putc(l, ' ');
}

/* @len bytes of @s, escaped as @flags/@only of string_escape_mem() say. */
static inline void peercred_line_escape(struct peercred_line *l, const char *s,
					size_t len, unsigned int flags,
					const char *only)
{
	size_t room = l->p < l->end ? l->end - l->p : 0;

	l->p += string_escape_mem(s, len, l->p, room, flags, only);
}

static inline void peercred_line_commit(struct seq_file *m,
					struct peercred_line *l)
{
	seq_commit(m, l->p <= l->end ? l->p - l->start : -1);
}

#endif /* PEERCRED_LINE_H */
