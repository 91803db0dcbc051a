/* Same-named statics in two files: full LTO renames one of each pair (do_work.N). */
static int counter;
static __attribute__((noinline)) int do_work(int x) { counter += x; return counter * 3; }
int a_entry(int x) { return do_work(x) + 1; }
/* A name that has a numeric suffix in the inputs already: not LTO-made. */
asm(".data\n.globl table.7\ntable.7: .long 7\n.text\n");
