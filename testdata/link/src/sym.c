/* Symbol shapes for the bitcode reader: every nm letter LLVM gives IR symbols. */
int g_data = 1;
static int s_data = 2;
int g_common;
extern int ext_data;
const int g_rodata = 3;
static const char *s_str = "x";
__thread int g_tls;
__attribute__((weak)) int weak_fn(void) { return 0; }
__attribute__((weak)) int weak_data = 4;
extern void weak_undef(void) __attribute__((weak));
static int __attribute__((noinline)) local_fn(int x) { return x + s_data + *s_str; }
int global_fn(int x)
{
	if (weak_undef)
		weak_undef();
	return local_fn(x) + ext_data + g_data + g_common + g_tls + g_rodata;
}
int alias_fn(int) __attribute__((alias("global_fn")));
asm(".globl asm_global\n.type asm_global,@function\nasm_global: ret\n"
    "asm_local: .byte 0\n");
