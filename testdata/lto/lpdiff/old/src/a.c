/* Unchanged between old and new: its promoted statics keep their .llvm. hash. */
#include "lp.h"

static int a_state;

static noinline int helper(int x)
{
	a_state += x;
	return a_state;
}

int a_entry(int x)
{
	return helper(x) + 1;
}
