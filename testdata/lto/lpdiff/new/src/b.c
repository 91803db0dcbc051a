/* Changed by one line in new/: its promoted statics get a new .llvm. hash. */
#include "lp.h"

static int b_state;

static noinline int helper(int x)
{
	b_state ^= x;
	return b_state + 3;
}

static noinline int b_check(int x)
{
	return x > 10;
}

int b_entry(int x)
{
	if (b_check(x))
		return 0;
	return helper(x) + 1;
}
