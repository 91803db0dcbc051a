/* A kernel-shaped program: start_kernel in init/main.c, as scripts/faddr2line expects. */
#include <linux/hooks.h>

unsigned long alloc_fixture_pages(unsigned long order);
unsigned long copy_user_fixture(void *to, const void *from, unsigned long n);

volatile int early_state;
static char buf[64];

void start_kernel(void)
{
	early_hook();
	copy_user_fixture(buf, buf + 32, 8);
}

void _start(void)
{
	alloc_fixture_pages(3);
	start_kernel();
	for (;;)
		;
}
