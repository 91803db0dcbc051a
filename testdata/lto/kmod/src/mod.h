#ifndef KSYM_MOD_H
#define KSYM_MOD_H

#define noinline __attribute__((__noinline__))
#define __cold __attribute__((__cold__))
#define __used __attribute__((__used__))
#define __section(s) __attribute__((__section__(s)))
#define unlikely(x) __builtin_expect(!!(x), 0)
#define __init __section(".init.text") __cold
#define __exit __section(".exit.text") __cold __used

#if defined(__x86_64__)
#define BUG() do { asm volatile("ud2"); __builtin_unreachable(); } while (0)
#else
#define BUG() do { asm volatile("brk #0x800"); __builtin_unreachable(); } while (0)
#endif

/* Provided by the "kernel": undefined in the module. */
int printk(const char *fmt, ...);
void kfree(const void *p);

int util_step(int x);

#endif
