/* Network-like code: cold error paths, same-named statics, small cross-file callees. */
#include "kern.h"
#include "helpers.h"

static int rx_dropped;

static noinline int do_work(int x)
{
	return x + rx_dropped * 5;
}

/* An explicitly cold error path. */
static noinline __cold void net_drop(struct dev *d, int len, const char *why)
{
	rx_dropped++;
	warn_slowpath(d->name, len, why);
	d->flags |= 0x80;
}

static noinline int dev_weight(const struct dev *d)
{
	return d->limit - d->reg * 3 + rx_dropped;
}

/* Hot path with unlikely blocks: GCC moves them to net_rx.cold. */
int net_rx(struct dev *d, int len)
{
	int i, csum = 0;

	if (unlikely(len <= 0 || len > 1500)) {
		net_drop(d, len, "bad length");
		if (d->flags & 0x100)
			panic("net_rx: length");
		return -1;
	}
	for (i = 0; i < len && i < (int)sizeof(d->buf); i++)
		csum += d->buf[i] * (i + 1);
	if (unlikely(csum == 0x7fff)) {
		net_drop(d, csum, "checksum");
		WARN_ON_ONCE(d->reg == 0);
		return -2;
	}
	return csum + do_work(len) + hw_read(d) + dev_weight(d);
}

/* Small: ThinLTO imports it into start.c, so do_work must be promoted (.llvm.<hash>). */
int net_tx(struct dev *d, int len)
{
	return do_work(len) + d->reg;
}
