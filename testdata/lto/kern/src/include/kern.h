/* Kernel-style definitions for a freestanding fixture: no libc, no headers. */
#ifndef KSYM_KERN_H
#define KSYM_KERN_H

typedef unsigned long size_t;
typedef _Bool bool;
#define true 1
#define false 0
#define NULL ((void *)0)

#define noinline __attribute__((__noinline__))
#define __always_inline inline __attribute__((__always_inline__))
#define __cold __attribute__((__cold__))
#define __weak __attribute__((__weak__))
#define __noreturn __attribute__((__noreturn__))
#define __section(s) __attribute__((__section__(s)))
#define __used __attribute__((__used__))
#define __maybe_unused __attribute__((__unused__))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define __stringify_1(x) #x
#define __stringify(x) __stringify_1(x)

#if defined(__x86_64__)
#define BUG_INSN "ud2"
#elif defined(__aarch64__)
#define BUG_INSN "brk #0x800"
#else
#error "x86_64 or aarch64 only"
#endif

/*
 * Like the kernel's BUG(): a trap instruction and a __bug_table entry holding the
 * trap's address, the file name and the line (all PC-relative, as in the kernel).
 */
#define BUG()                                                           \
	do {                                                            \
		asm volatile("1: " BUG_INSN "\n"                        \
			     ".pushsection .rodata.str,\"aMS\",%progbits,1\n" \
			     "2: .string \"" __FILE__ "\"\n"           \
			     ".popsection\n"                            \
			     ".pushsection __bug_table,\"aw\"\n"        \
			     ".balign 4\n"                              \
			     ".long 1b - .\n"                           \
			     ".long 2b - .\n"                           \
			     ".short " __stringify(__LINE__) "\n"       \
			     ".short 0\n"                               \
			     ".popsection\n");                          \
		__builtin_unreachable();                                \
	} while (0)

#define BUG_ON(cond) do { if (unlikely(cond)) BUG(); } while (0)

void warn_slowpath(const char *file, int line, const char *what);
__noreturn __cold void panic(const char *msg);

/* Like the kernel's WARN_ON_ONCE(): a function-scope static per use site. */
#define WARN_ON_ONCE(cond) ({                                           \
	static bool __section(".data.once") __already_done;             \
	bool __ret_warn = !!(cond);                                     \
	if (unlikely(__ret_warn) && !__already_done) {                  \
		__already_done = true;                                  \
		warn_slowpath(__FILE__, __LINE__, #cond);               \
	}                                                               \
	unlikely(__ret_warn);                                           \
})

struct dev {
	int reg;
	int limit;
	int flags;
	int prio;
	const char *name;
	unsigned char buf[32];
};

extern struct dev devices[4];
extern int debug_level;
extern const int kern_version;

void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

int sched_tick(struct dev *d, int n);
int net_rx(struct dev *d, int len);
int net_tx(struct dev *d, int len);
int fs_open(struct dev *d, const char *path);
int fs_sync(struct dev *d);
void fs_crash(struct dev *d, int why);
int arch_hook(int x);

#endif
