/* A module built in the kernel tree: its .modinfo says intree=Y. */
__attribute__((section(".modinfo"), used)) static const char modinfo_name[] = "name=intree";
__attribute__((section(".modinfo"), used)) static const char modinfo_intree[] = "intree=Y";

volatile int intree_state;

__attribute__((noinline)) int intree_probe(int x)
{
	intree_state += x;
	return intree_state * 3;
}
