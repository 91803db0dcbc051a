static int counter;
static __attribute__((noinline)) int do_work(int x) { counter -= x; return counter * 5; }
int b_entry(int x) { return do_work(x) + 2; }
