/* The initcall macros of Linux 6.1's include/linux/init.h, as built with
 * CONFIG_LTO_CLANG and CONFIG_HAVE_ARCH_PREL32_RELOCATIONS (x86_64, arm64), or
 * without the latter when KINIT_POINTERS is defined. */
#define ___PASTE(a, b) a##b
#define __PASTE(a, b) ___PASTE(a, b)
#define __stringify_1(x...) #x
#define __stringify(x...) __stringify_1(x)
#define __init __attribute__((__section__(".init.text"), __cold__))
#define __ADDRESSABLE(sym) \
	static void *__PASTE(__addressable_, sym) __attribute__((__used__, __section__(".discard.addressable"))) = (void *)&sym;
typedef int (*initcall_t)(void);

#define __initcall_id(fn) \
	__PASTE(__KBUILD_MODNAME, __PASTE(__, __PASTE(__COUNTER__, __PASTE(_, __PASTE(__LINE__, __PASTE(_, fn))))))
#define __initcall_name(prefix, __iid, id) \
	__PASTE(__, __PASTE(prefix, __PASTE(__, __PASTE(__iid, id))))
#define __initcall_section(__sec, __iid) #__sec ".init.." #__iid
#define __initcall_stub(fn, __iid, id) __initcall_name(initstub, __iid, id)
#define __define_initcall_stub(__stub, fn) \
	int __init __stub(void);           \
	int __init __stub(void) { return fn(); } \
	__ADDRESSABLE(__stub)
#ifdef KINIT_POINTERS
/* Without CONFIG_HAVE_ARCH_PREL32_RELOCATIONS: the entries are pointers to fn. */
#define ____define_initcall(fn, __unused, __name, __sec) \
	static initcall_t __name __attribute__((__used__, __section__(__sec))) = fn;
#else
#define ____define_initcall(fn, __stub, __name, __sec)      \
	__define_initcall_stub(__stub, fn)                  \
	asm(".section	\"" __sec "\", \"a\"		\n" \
	    __stringify(__name) ":			\n"  \
	    ".long	" __stringify(__stub) " - .	\n"  \
	    ".previous					\n");
#endif
#define __unique_initcall(fn, id, __sec, __iid) \
	____define_initcall(fn, __initcall_stub(fn, __iid, id), __initcall_name(initcall, __iid, id), __initcall_section(__sec, __iid))
#define ___define_initcall(fn, id, __sec) __unique_initcall(fn, id, __sec, __initcall_id(fn))
#define __define_initcall(fn, id) ___define_initcall(fn, id, .initcall##id)

#define early_initcall(fn) __define_initcall(fn, early)
#define pure_initcall(fn) __define_initcall(fn, 0)
#define core_initcall(fn) __define_initcall(fn, 1)
#define core_initcall_sync(fn) __define_initcall(fn, 1s)
#define postcore_initcall(fn) __define_initcall(fn, 2)
#define arch_initcall(fn) __define_initcall(fn, 3)
#define subsys_initcall(fn) __define_initcall(fn, 4)
#define fs_initcall(fn) __define_initcall(fn, 5)
#define rootfs_initcall(fn) __define_initcall(fn, rootfs)
#define device_initcall(fn) __define_initcall(fn, 6)
#define device_initcall_sync(fn) __define_initcall(fn, 6s)
#define late_initcall(fn) __define_initcall(fn, 7)
#define late_initcall_sync(fn) __define_initcall(fn, 7s)
#define console_initcall(fn) ___define_initcall(fn, con, .con_initcall)
