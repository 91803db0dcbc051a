/* Entry point of the livepatch pair. */
#include "lp.h"

static noinline int helper(int x)
{
	return x * 3;
}

int lp_main(int x)
{
	return a_entry(x) + b_entry(x) + helper(x);
}

void _start(void)
{
	lp_main(5);
	for (;;)
		asm volatile("");
}
