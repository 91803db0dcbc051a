/* Second file of the module: a same-named static and a small exported helper. */
#include "mod.h"

static int steps;

static noinline int do_work(int x)
{
	steps += x * 2;
	return steps;
}

int util_step(int x)
{
	return do_work(x) + 1;
}
