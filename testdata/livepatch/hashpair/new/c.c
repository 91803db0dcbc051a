/* A file whose promoted statics (a function and a variable) share one .llvm. hash. */
#define noinline __attribute__((noinline))

static int c_count;

static noinline int c_helper(int x)
{
	c_count += x;
	return c_count * 3;
}

int c_entry(int x)
{
	return c_helper(x) + c_count;
}
