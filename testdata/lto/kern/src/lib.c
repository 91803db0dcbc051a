/* Library code the compiler may call (memset, memcpy) and the warn/panic slow paths. */
#include "kern.h"

static int warn_count;
static const char *last_file;

void *memset(void *s, int c, size_t n)
{
	unsigned char *p = s;

	while (n--)
		*p++ = (unsigned char)c;
	return s;
}

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	while (n--)
		*dp++ = *sp++;
	return d;
}

noinline void warn_slowpath(const char *file, int line, const char *what)
{
	warn_count += line;
	last_file = file;
	if (what[0] == '!')
		BUG();
}

__noreturn __cold void panic(const char *msg)
{
	last_file = msg;
	for (;;)
		__builtin_trap();
}
