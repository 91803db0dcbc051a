/* Filesystem-like code: weak function, crash sites, header out-of-line helper. */
#include "kern.h"
#include "helpers.h"

static int open_count;

static noinline int do_work(int x)
{
	open_count++;
	return x - open_count;
}

static noinline int set_prio(struct dev *d, int prio, int flags)
{
	d->prio = prio - flags + open_count;
	return d->prio;
}

int fs_open(struct dev *d, const char *path)
{
	int len = 0;

	while (path[len])
		len++;
	if (WARN_ON_ONCE(len == 0))
		return -1;
	memcpy(d->buf, path, len < 32 ? len : 32);
	return do_work(len) + set_prio(d, 3, 1) + hdr_checksum(d->buf, len);
}

int fs_sync(struct dev *d)
{
	if (WARN_ON_ONCE(d->flags & 0x40))
		return -5;
	return do_work(d->reg) + set_prio(d, 3, 1);
}

/* Weak: an architecture could override it. */
__weak int arch_hook(int x)
{
	return x ^ 0x5a;
}

/* Crash sites for symbolizer tests: BUG() with its __bug_table line, and a plain trap. */
noinline void fs_crash(struct dev *d, int why)
{
	if (why == 1)
		BUG();
	if (why == 2)
		__builtin_trap();
	BUG_ON(d->flags & 0x1000);
	d->flags |= why;
}
