/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Building one /proc line straight into the seq_file's buffer. A table of
 * 100 000 rows is read often, and formatting is most of what showing a row
 * costs: no vsnprintf(), and one bounds check per field, not per byte (a
 * row is mostly padding: checking each byte cost a fifth of the read).
 * If the line does not fit, the seq_file is told so (seq_commit(m, -1))
 * and retries it in the next buffer.
 */
#ifndef PEERCRED_LINE_H
#define PEERCRED_LINE_H

#include <linux/bitops.h>
#include <linux/minmax.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/string_helpers.h>

/*
 * p is NULL once the line has overflowed. end stops PEERCRED_LINE_SLACK
 * bytes short of the buffer's end, so that padding may store whole words
 * past the room it checked (see peercred_line_pad()).
 */
struct peercred_line {
	char *start, *p, *end;
};

#define PEERCRED_LINE_SLACK	16

static inline void peercred_line_begin(struct seq_file *m,
				       struct peercred_line *l)
{
	size_t n = seq_get_buf(m, &l->start);

	l->p = l->start;
	l->end = l->start + (n > PEERCRED_LINE_SLACK ? n - PEERCRED_LINE_SLACK : 0);
}

/* Whether @n more bytes fit; if not, the line is lost. */
static inline bool peercred_line_room(struct peercred_line *l, size_t n)
{
	if (likely(l->p && l->end - l->p >= n))
		return true;
	l->p = NULL;
	return false;
}

static inline void peercred_line_putc(struct peercred_line *l, char c)
{
	if (peercred_line_room(l, 1))
		*l->p++ = c;
}

/*
 * @n spaces at @p, which is within the line's room. A row's fields pad by
 * 0 to 15: two fixed word stores, where GCC would turn a byte loop into a
 * call to memset() (and a string instruction) for each field. Through a
 * local pointer: a char store may alias l->p itself, so writing through
 * l->p makes the compiler reload and store it for every byte.
 */
static __always_inline char *peercred_line_pad(char *p, int n)
{
	if (likely(n <= PEERCRED_LINE_SLACK)) {
		memcpy(p, "                ", PEERCRED_LINE_SLACK);
		return p + max(n, 0);
	}
	while (n-- > 0)
		*p++ = ' ';
	return p;
}

/*
 * Decimal digits of @v without dividing: from its bit length (log10(2) is
 * about 1233 / 4096), then one compare. Numbers are most of a row's fields.
 */
static inline int peercred_line_digits(unsigned long long v)
{
	static const unsigned long long pow10[] = {
		1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
		10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
		100000000000ULL, 1000000000000ULL, 10000000000000ULL,
		100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
		100000000000000000ULL, 1000000000000000000ULL,
		10000000000000000000ULL,
	};
	/* 0 has one digit, and v | 1 has as many as v: 10^k is even. */
	unsigned long long x = v | 1;
	int n = (fls64(x) * 1233) >> 12;

	return n + (x >= pow10[n]);
}

/*
 * " " then @v right-aligned in @width, like " %*llu". One 64-bit division
 * per two digits: it costs several times the small ones.
 */
static __always_inline void peercred_line_num(struct peercred_line *l,
					      unsigned long long v, int width)
{
	int n = peercred_line_digits(v);
	char *p, *q;

	if (!peercred_line_room(l, 1 + max(width, n)))
		return;
	p = peercred_line_pad(l->p, 1 + max(width - n, 0));
	q = p += n;
	while (v >= 100) {
		unsigned int r = v % 100;

		v /= 100;
		*--q = '0' + r % 10;
		*--q = '0' + r / 10;
	}
	if (v >= 10) {
		*--q = '0' + v % 10;
		v /= 10;
	}
	*--q = '0' + v;
	l->p = p;
}

/* " " (none to start the line) then @s left-aligned in @width, like " %-*s". */
static __always_inline void peercred_line_str(struct peercred_line *l,
					      const char *s, int width)
{
	int n = strlen(s), lead = l->p != l->start;
	char *p;

	if (!peercred_line_room(l, lead + max(width, n)))
		return;
	p = peercred_line_pad(l->p, lead);
	while (*s)
		*p++ = *s++;
	l->p = peercred_line_pad(p, width - n);
}

/*
 * Names (comm, socket paths) are octal-escaped where whitespace, a
 * backslash or a byte that is not printable ASCII would break the columns,
 * as /proc/mounts does.
 */
#define PEERCRED_ESC_FLAGS	(ESCAPE_OCTAL | ESCAPE_NAP | ESCAPE_APPEND)
#define PEERCRED_ESC_CHARS	" \t\n\\"

/*
 * Whether @s is printed as it is under PEERCRED_ESC_*. Nearly every name
 * is, and string_escape_mem() weighs each byte against every class.
 */
static inline bool peercred_esc_plain(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c <= ' ' || c > '~' || c == '\\')
			return false;
	}
	return true;
}

/* @len bytes of @s, escaped as PEERCRED_ESC_* say; returns their length. */
static inline size_t peercred_esc(char *dst, size_t room, const char *s,
				  size_t len)
{
	if (!peercred_esc_plain(s, len))
		return string_escape_mem(s, len, dst, room, PEERCRED_ESC_FLAGS,
					 PEERCRED_ESC_CHARS);
	if (len <= room)
		memcpy(dst, s, len);
	return len;
}

static inline void peercred_line_escape(struct peercred_line *l, const char *s,
					size_t len)
{
	size_t room = l->p ? l->end - l->p : 0;
	size_t n = peercred_esc(l->p, room, s, len);

	if (peercred_line_room(l, n))
		l->p += n;
}

static inline void peercred_line_commit(struct seq_file *m,
					struct peercred_line *l)
{
	seq_commit(m, l->p ? l->p - l->start : -1);
}

#endif /* PEERCRED_LINE_H */
