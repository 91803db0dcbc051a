/* Scheduler-like code: same-named statics, constprop/isra candidates, WARN_ON_ONCE. */
#include "kern.h"
#include "helpers.h"

static int nr_running;

/* Same name in start.c, net.c and fs.c. */
static noinline int do_work(int x)
{
	nr_running += x;
	return nr_running ^ (x << 2);
}

/* Always called with the same constant prio and flags: GCC makes set_prio.constprop.0. */
static noinline int set_prio(struct dev *d, int prio, int flags)
{
	if (flags & 1)
		d->flags |= prio;
	d->prio = prio * 2 + flags;
	return d->prio + nr_running;
}

/* Reads two fields through the pointer only: GCC IPA-SRA makes dev_weight.isra.0. */
static noinline int dev_weight(const struct dev *d)
{
	int w = d->limit * 7 + d->reg;

	if (w > 1000)
		w = 1000 + (w & 15);
	return w;
}

/*
 * A cheap early exit in front of a big body: GCC inlines the test into the callers and
 * splits the rest out as rebalance.part.0.
 */
static int rebalance(struct dev *d, int load)
{
	int i, acc = 0;

	if (likely(!(d->flags & 0x10)))
		return 0;
	for (i = 0; i < (int)sizeof(d->buf); i++) {
		acc += d->buf[i] * load + (acc >> 3);
		if (acc > 100000)
			acc = hdr_checksum(d->buf, i) ^ acc;
		d->buf[i] = (unsigned char)acc;
	}
	d->prio = acc & 0xff;
	nr_running += acc & 3;
	return acc;
}

int sched_tick(struct dev *d, int n)
{
	int i, sum = 0;

	for (i = 0; i < n; i++) {
		sum += set_prio(&d[i & 1], 5, 0);
		sum += dev_weight(&d[i & 3]);
		sum += do_work(i);
		sum += rebalance(&d[i & 3], i);
	}
	if (WARN_ON_ONCE(sum < 0))
		return 0;
	sum += hw_read(d) + rebalance(d, n);
	return sum + set_prio(d, 5, 0) + hdr_checksum(d->buf, sizeof(d->buf));
}
