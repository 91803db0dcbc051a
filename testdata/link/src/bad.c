/* An initcall whose level the perl script cannot parse. */
asm(".section .initcall6.init..bad, \"a\"\n"
    "__initcall__kmod_bad__1_2_fnX: .long 0\n"
    ".previous\n");
