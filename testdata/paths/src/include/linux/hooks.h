/* Inlined first thing in start_kernel: its first instruction's line is this header's, so
 * the start_kernel rule (scripts/faddr2line's) finds no source prefix, as on Debian arm64. */
extern volatile int early_state;

static inline __attribute__((always_inline)) void early_hook(void)
{
	early_state = 1;
}
