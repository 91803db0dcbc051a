/* Entry point: calls into c.c, whose c_entry ThinLTO imports here. */
int c_entry(int x);

int lp_main(int x)
{
	return c_entry(x);
}

void _start(void)
{
	lp_main(5);
	for (;;)
		__asm__ volatile("");
}
