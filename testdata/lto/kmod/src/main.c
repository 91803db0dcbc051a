/* A kernel-module-like object: init/exit/unlikely text sections, .modinfo, undefined kernel symbols. */
#include "mod.h"

static int probe_count;
static char msg_buf[64];
static const char MODINFO_license[] __used __section(".modinfo") = "license=GPL";
static const char MODINFO_desc[] __used __section(".modinfo") = "description=ksym fixture module";

struct module {
	const char *name;
	int (*init)(void);
	void (*exit)(void);
};

/* Same name as in util.c: ThinLTO promotes the one reached from the other file. */
static noinline int do_work(int x)
{
	probe_count += x;
	return probe_count;
}

/* Forced into .text.unlikely, like the kernel's explicit unlikely sections. */
__section(".text.unlikely") noinline void fixmod_report(int err)
{
	printk("fixmod: error %d\n", err);
}

noinline void fixmod_BUG(void)
{
	BUG();
}

noinline int fixmod_run(int what)
{
	int r = do_work(what) + util_step(what);

	if (unlikely(r < 0))
		fixmod_report(r);
	if (what == 7)
		fixmod_BUG();
	return r;
}

static int __init fixmod_init(void)
{
	msg_buf[0] = 'k';
	printk("fixmod: init %d\n", fixmod_run(1));
	return 0;
}

static void __exit fixmod_exit(void)
{
	kfree(msg_buf);
	printk("fixmod: exit\n");
}

__used __section(".gnu.linkonce.this_module") struct module __this_module = {
	.name = "fixmod",
	.init = fixmod_init,
	.exit = fixmod_exit,
};
