/* Built with a relative compile directory, as Debian's arm64 kernel is. */
volatile unsigned long fixture_counter;

static inline __attribute__((always_inline)) unsigned long order_pages(unsigned long order)
{
	fixture_counter += order;
	return 1UL << order;
}

__attribute__((noinline)) unsigned long alloc_fixture_pages(unsigned long order)
{
	unsigned long n = order_pages(order);

	fixture_counter ^= n;
	return n + fixture_counter;
}
