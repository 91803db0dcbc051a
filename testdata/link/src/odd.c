/* Initcall names the perl script treats specially, as bare asm symbols. */
asm(".section .initcall6.init..odd, \"a\"\n"
    /* the same counter twice in one object: the last in name order wins */
    "__initcall__kmod_dup__5_10_foo6: .long 0\n"
    "__initcall__kmod_dup__5_20_bar6: .long 0\n"
    /* a module id with a double underscore inside */
    "__initcall__kmod_snd__pcm__7_30_x6: .long 0\n"
    /* counters sort numerically, not as text */
    "__initcall__kmod_num__10_1_ten4: .long 0\n"
    "__initcall__kmod_num__9_1_nine4: .long 0\n"
    /* sync levels of rootfs and con */
    "__initcall__kmod_sync__11_1_rfsrootfss: .long 0\n"
    "__initcall__kmod_sync__12_1_ccons: .long 0\n"
    /* global (uppercase letter): not an initcall to the script */
    ".globl __initcall__kmod_glob__13_1_g6\n"
    "__initcall__kmod_glob__13_1_g6: .long 0\n"
    /* no module id */
    "__initcall____14_1_nomod6: .long 0\n"
    ".previous\n");
