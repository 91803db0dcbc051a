/* A module built outside the kernel tree: no intree=Y, so its paths are its own. */
__attribute__((section(".modinfo"), used)) static const char modinfo_name[] = "name=oot";

volatile int oot_state;

__attribute__((noinline)) int oot_probe(int x)
{
	oot_state += x;
	return oot_state * 5;
}
