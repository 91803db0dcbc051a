/* Helpers shared by several files, like a kernel header. */
#ifndef KSYM_HELPERS_H
#define KSYM_HELPERS_H

#include "kern.h"

/* Three levels of static inline: hw_read -> hw_clamp -> hw_scale. */
static inline int hw_scale(int v)
{
	return v * 3 + debug_level;
}

static inline int hw_clamp(int v, int lo, int hi)
{
	v = hw_scale(v);
	if (v < lo)
		return lo;
	if (v > hi)
		return hi;
	return v;
}

static inline int hw_read(const struct dev *d)
{
	return hw_clamp(d->reg, 0, d->limit);
}

/* Out of line, defined in a header: one copy per including file. */
static noinline __maybe_unused int hdr_checksum(const unsigned char *p, size_t n)
{
	unsigned int sum = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sum = (sum << 3) ^ (sum >> 29) ^ p[i];
	return (int)sum;
}

#endif
