/* Entry point and global data: the fixture's "init/main.c". */
#include "kern.h"
#include "helpers.h"

struct dev devices[4];                          /* B */
int debug_level = 1;                            /* D */
const int kern_version = 61;                    /* R */
static int boot_count = 3;                      /* d */
static struct dev *boot_dev;                    /* b */
static const char banner[] = "ksym fixture";    /* r */

/* Undefined weak: nm lists it as "w". */
extern int optional_hook(int) __attribute__((__weak__));

static noinline int do_work(int x)
{
	return x * boot_count + banner[x & 7];
}

int kmain(void)
{
	struct dev *d = &devices[0];
	int r;

	boot_dev = d;
	d->name = banner;
	d->limit = 100;
	r = sched_tick(d, 4);
	r += net_rx(d, 64);
	r += net_tx(&devices[1], 128);
	r += fs_open(d, "/etc/fstab");
	r += fs_sync(&devices[2]);
	r += arch_hook(r);
	r += hw_read(boot_dev);
	r += do_work(r);
	if (optional_hook)
		r += optional_hook(r);
	if (r == 42)
		fs_crash(d, r);
	return r;
}

void _start(void)
{
	kmain();
	for (;;)
		asm volatile("");
}
