#include <asm/bitsperlong.h>
#if BITS_PER_LONG == 64
#define PTR .quad
#define ALGN .balign 8
#else
#define PTR .long
#define ALGN .balign 4
#endif
	.section .rodata, "a"
.globl kallsyms_num_syms
	ALGN
kallsyms_num_syms:
	.long	40

.globl kallsyms_names
	ALGN
kallsyms_names:
	.byte 0x08, 0x41, 0xc7, 0x86, 0x5f, 0xb7, 0xc1, 0x5f, 0xd5	/* Afixed_percpu_data */
	.byte 0x02, 0x89, 0xcc	/* A__per_cpu_start */
	.byte 0x03, 0xb3, 0x67, 0x70	/* A__gp */
	.byte 0x07, 0x41, 0x72, 0xf7, 0x71, 0x9a, 0x9a, 0x73	/* Arunqueues */
	.byte 0x03, 0x89, 0xd9, 0xc9	/* A__per_cpu_end */
	.byte 0x07, 0x54, 0x73, 0xd7, 0x75, 0x70, 0xad, 0x34	/* Tstartup_64 */
	.byte 0x02, 0xa3, 0xdd	/* T_text */
	.byte 0x02, 0x7f, 0xdd	/* T_stext */
	.byte 0x0b, 0xa3, 0xcc, 0xf8, 0x65, 0xef, 0x5f, 0x6d, 0x61, 0x72, 0x6b, 0xe0	/* T__start_section_marker */
	.byte 0x08, 0x57, 0x77, 0x65, 0x61, 0x6b, 0x9f, 0x74, 0xcc	/* Wweak_at_start */
	.byte 0x03, 0x85, 0xaa, 0x39	/* tlocal_fn.llvm.999 */
	.byte 0x01, 0xbd	/* tlocal_fn */
	.byte 0x03, 0x85, 0xb1, 0x31	/* tlocal_fn.llvm.111 */
	.byte 0x0e, 0xa0, 0x5f, 0x76, 0xe0, 0x79, 0x5f, 0xbe, 0xbf, 0xf0, 0xb5, 0xb5, 0xfa, 0xfe, 0xff	/* Ta_very_long_symbol_name_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx */
	.byte 0x0b, 0x80, 0xa1, 0x83, 0xd6, 0xcd, 0xaf, 0x34, 0x35, 0xac, 0x38, 0x39	/* t__long_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_.llvm.123456789 */
	.byte 0xf5, 0x02, 0x74, 0x6d, 0x69, 0x86, 0xf8, 0x52, 0x72, 0x31, 0x42, 0x33, 0x55, 0x47, 0x7a, 0x50, 0x6d, 0x98, 0x42, 0x40, 0x9e, 0x55, 0x76, 0x62, 0x33, 0x67, 0x5a, 0x34, 0x4b, 0x60, 0xab, 0x48, 0x59, 0x6c, 0x34, 0x49, 0x56, 0x78, 0x64, 0x50, 0x6f, 0x56, 0x57, 0x54, 0x51, 0x77, 0x72, 0xb2, 0x31, 0x9c, 0x4d, 0x59, 0x6a, 0xd1, 0x43, 0x4f, 0x4a, 0x6b, 0x79, 0x6f, 0x73, 0x35, 0xa7, 0x52, 0x79, 0x4c, 0x48, 0x67, 0x32, 0x4d, 0x70, 0x38, 0x63, 0x50, 0xa8, 0x39, 0x42, 0x63, 0x45, 0x96, 0x76, 0x8f, 0x33, 0x8c, 0x55, 0x71, 0x4e, 0x74, 0x70, 0x55, 0x6f, 0x79, 0x52, 0x34, 0x4c, 0x5a, 0x46, 0x5f, 0x58, 0x53, 0x56, 0x37, 0xa5, 0x37, 0x44, 0x34, 0x6c, 0x73, 0x72, 0x35, 0x48, 0x51, 0x5c, 0x9c, 0x78, 0x58, 0x46, 0x9e, 0x32, 0x41, 0x7a, 0x77, 0x4b, 0x49, 0x57, 0x68, 0x67, 0x7c, 0x43, 0x69, 0x53, 0x6b, 0x50, 0x52, 0x5e, 0x33, 0x70, 0x77, 0x78, 0x38, 0x4f, 0x32, 0x76, 0x70, 0x71, 0x71, 0x6f, 0x47, 0xae, 0xe1, 0x4f, 0x47, 0x35, 0x42, 0x79, 0x4a, 0x50, 0xa9, 0x68, 0x79, 0x42, 0xa6, 0x39, 0x69, 0x3e, 0x44, 0x3b, 0x7a, 0x6d, 0x5a, 0x45, 0xd0, 0x76, 0x43, 0x53, 0x45, 0x5f, 0x70, 0x69, 0x7b, 0x50, 0x42, 0x92, 0x77, 0x79, 0x58, 0x97, 0x6e, 0x5f, 0x4c, 0x39, 0x43, 0x7a, 0x35, 0x45, 0x57, 0x6b, 0x4f, 0x6d, 0x57, 0x43, 0x36, 0xc9, 0x51, 0xa7, 0x4a, 0x67, 0x55, 0x56, 0x68, 0x42, 0x55, 0x42, 0x6d, 0x79, 0x4b, 0x70, 0x6d, 0x58, 0x6a, 0x43, 0xf7, 0x78, 0x4a, 0x53, 0x53, 0x5f, 0x67, 0x4e, 0x77, 0x38, 0x6b, 0x6d, 0x74, 0x6e, 0x33, 0x57, 0x6f, 0x54, 0x47, 0x6d, 0x33, 0x54, 0x75, 0x4c, 0x4f, 0x96, 0x39, 0x46, 0xa6, 0x6a, 0x35, 0x62, 0x4e, 0x58, 0x76, 0x44, 0x4a, 0x70, 0x49, 0x75, 0x4a, 0x5b, 0x61, 0xe6, 0x34, 0x66, 0x63, 0x53, 0x33, 0x7e, 0x48, 0x48, 0x5d, 0x00, 0x35, 0x49, 0x3a, 0x46, 0x46, 0x34, 0x36, 0x67, 0x48, 0x9d, 0x46, 0x48, 0x57, 0x51, 0x69, 0x47, 0x7d, 0x74, 0x32, 0x6f, 0x55, 0x6e, 0x79, 0x46, 0x64, 0x41, 0x33, 0x6b, 0x90, 0x48, 0x45, 0x52, 0x76, 0x74, 0x4f, 0x78, 0xae, 0x57, 0x41, 0x5f, 0x59, 0x35, 0x6e, 0x35, 0x64, 0x44, 0x63, 0x4e, 0xad, 0x62, 0x57, 0x42, 0x6c, 0x6e, 0x4a, 0x74, 0x6a, 0x51, 0x72, 0x33, 0x4e, 0x97, 0x7a, 0x4e, 0x8c, 0x6e, 0x75, 0x56, 0x6e, 0x62, 0x79, 0x37, 0x66, 0x54, 0x4c, 0x42, 0x34, 0x69, 0x6c, 0x78, 0x67, 0x38, 0x94, 0x62, 0x67, 0x31, 0x52, 0x58, 0x4c, 0x50, 0x47, 0x34, 0x42, 0x70, 0x7a, 0x54, 0x92, 0x4e, 0x9d, 0x63	/* tmixed_sRr1B3UGzPmeiBf.McUvb3gZ4Kh$g7HYl4IVxdPoVWTQwrz01UeMYjcpCOJkyos53ERyLHg2Mp8cPgD9BcEsjvTx3xhXUqNtpUoyR4LZF_XSV7eS7D4lsr5HQC.UexXFMc2AzwKIWhgE$CiSkPRg7$3pwx8O2vpqqoGv5caOG5ByJPXChyB8F9ip.D20zmZEbsvCSE_pib$PBFtwyX_jn_L9Cz5EWkOmWC6ndQ3EJgUVhBUBmyKpmXjCunxJSS_gNw8kmtn3WoTGm3TuLOsj9F8Fj5bNXvDJpIuJb.ate4fcS3A$HH2.eSN67gXertPSohwx4eyHXCACZsGoDii137TVTrSciU8VEszgDCQ515Iz00FF46gHmcFHWQiGD$t2oUnyFdA3khwHERvtOxv5WA_Y5n5dDcN_6bWBlnJtjQr3N_jzNxhXnuVnby7fTLB4ilxg8ypbg1RXLPG4BpzTFtNmcc */
	.byte 0x09, 0x54, 0x6b, 0x61, 0xe5, 0x81, 0x73, 0xf2, 0x65, 0x73	/* Tkallsyms_names */
	.byte 0x0b, 0x54, 0x99, 0xc7, 0x73, 0x74, 0x75, 0x62, 0x91, 0x68, 0xe3, 0x67	/* T__efistub_thing */
	.byte 0x09, 0x54, 0x66, 0x6f, 0xd3, 0x76, 0x65, 0x6e, 0x65, 0xe0	/* Tfoo_veneer */
	.byte 0x09, 0x3d, 0xa1, 0x62, 0x72, 0x61, 0x6e, 0x63, 0x3f, 0x79	/* Tx.long_branch.y */
	.byte 0x07, 0x55, 0xf7, 0x9b, 0x66, 0xe3, 0xca, 0xdb	/* Uundefined_sym */
	.byte 0x06, 0x4e, 0x9b, 0x62, 0x75, 0x67, 0xdb	/* Ndebug_sym */
	.byte 0x0c, 0x54, 0xee, 0x6b, 0x63, 0xc7, 0x91, 0x94, 0x98, 0x64, 0xfb, 0x6f, 0x6f	/* T__kcfi_typeid_foo */
	.byte 0x02, 0x54, 0xb4	/* Tdo_one_initcall */
	.byte 0x03, 0x74, 0x5f, 0xb4	/* t_do_one_initcall */
	.byte 0x02, 0x80, 0xb4	/* t__do_one_initcall */
	.byte 0x03, 0xa0, 0x74, 0x82	/* Tat_etext */
	.byte 0x02, 0x54, 0x82	/* T_etext */
	.byte 0x02, 0x44, 0x8a	/* Ddata_symbol */
	.byte 0x04, 0x64, 0x8a, 0xcd, 0x35	/* ddata_symbol.llvm.5 */
	.byte 0x02, 0x7f, 0xb8	/* T_sinittext */
	.byte 0x04, 0xf5, 0x6e, 0xdf, 0xd2	/* tinit_fn */
	.byte 0x03, 0xed, 0x74, 0x8b	/* tat_einittext */
	.byte 0x02, 0x54, 0x8b	/* T_einittext */
	.byte 0x02, 0x87, 0xcc	/* B__bss_start */
	.byte 0x04, 0x62, 0xc2, 0x3c, 0xaf	/* bbss_sym.123 */
	.byte 0x02, 0x87, 0x8e	/* B__bss_stop */
	.byte 0x06, 0x52, 0x84, 0x9f, 0x66, 0xe6, 0x72	/* Rrodata_after */
	.byte 0x05, 0x52, 0x99, 0xc9, 0x5f, 0x84	/* R__end_rodata */
	.byte 0x09, 0x52, 0x5f, 0x8e, 0xee, 0x5f, 0x6b, 0x81, 0xed, 0x62	/* R__stop___ksymtab */

.globl kallsyms_markers
	ALGN
kallsyms_markers:
	.long	0

.globl kallsyms_token_table
	ALGN
kallsyms_token_table:
	.asciz	"eSN67gXertPSohwx4eyHXCACZsGoDii137TVTrSciU8VEszgDCQ51"
	.asciz	"N67gXertPSohwx4eyHXCACZsGoDii137TVTrSciU8VEszgDCQ51"
	.asciz	"67gXertPSohwx4eyHXCACZsGoDii137TVTrSciU8VEszgDCQ51"
	.asciz	"gXertPSohwx4eyHXCACZsGoDii137TVTrSciU8VEszgDCQ51"
	.asciz	"XertPSohwx4eyHXCACZsGoDii137TVTrSciU8VEszgDCQ51"
	.asciz	"ertPSohwx4eyHXCACZsGoDii137TVTrSciU8VEszgDCQ51"
	.asciz	"tPSohwx4eyHXCACZsGoDii137TVTrSciU8VEszgDCQ51"
	.asciz	"PSohwx4eyHXCACZsGoDii137TVTrSciU8VEszgDCQ51"
	.asciz	"Sohwx4eyHXCACZsGoDii137TVTrSciU8VEszgDCQ51"
	.asciz	"ohwx4eyHXCACZsGoDii137TVTrSciU8VEszgDCQ51"
	.asciz	"hwx4eyHXCACZsGoDii137TVTrSciU8VEszgDCQ51"
	.asciz	"x4eyHXCACZsGoDii137TVTrSciU8VEszgDCQ51"
	.asciz	"4eyHXCACZsGoDii137TVTrSciU8VEszgDCQ51"
	.asciz	"eyHXCACZsGoDii137TVTrSciU8VEszgDCQ51"
	.asciz	"yHXCACZsGoDii137TVTrSciU8VEszgDCQ51"
	.asciz	"HXCACZsGoDii137TVTrSciU8VEszgDCQ51"
	.asciz	"XCACZsGoDii137TVTrSciU8VEszgDCQ51"
	.asciz	"ACZsGoDii137TVTrSciU8VEszgDCQ51"
	.asciz	"CZsGoDii137TVTrSciU8VEszgDCQ51"
	.asciz	"ZsGoDii137TVTrSciU8VEszgDCQ51"
	.asciz	"sGoDii137TVTrSciU8VEszgDCQ51"
	.asciz	"GoDii137TVTrSciU8VEszgDCQ51"
	.asciz	"oDii137TVTrSciU8VEszgDCQ51"
	.asciz	"Dii137TVTrSciU8VEszgDCQ51"
	.asciz	"ii137TVTrSciU8VEszgDCQ51"
	.asciz	"i137TVTrSciU8VEszgDCQ51"
	.asciz	"137TVTrSciU8VEszgDCQ51"
	.asciz	"37TVTrSciU8VEszgDCQ51"
	.asciz	"7TVTrSciU8VEszgDCQ51"
	.asciz	"TVTrSciU8VEszgDCQ51"
	.asciz	"VTrSciU8VEszgDCQ51"
	.asciz	"TrSciU8VEszgDCQ51"
	.asciz	"rSciU8VEszgDCQ51"
	.asciz	"SciU8VEszgDCQ51"
	.asciz	"ciU8VEszgDCQ51"
	.asciz	"iU8VEszgDCQ51"
	.asciz	"$"
	.asciz	"U8VEszgDCQ51"
	.asciz	"8VEszgDCQ51"
	.asciz	"VEszgDCQ51"
	.asciz	"EszgDCQ51"
	.asciz	"szgDCQ51"
	.asciz	"zgDCQ51"
	.asciz	"gDCQ51"
	.asciz	"CQ51"
	.asciz	"Q51"
	.asciz	"."
	.asciz	"51"
	.asciz	"0"
	.asciz	"1"
	.asciz	"2"
	.asciz	"3"
	.asciz	"4"
	.asciz	"5"
	.asciz	"6"
	.asciz	"7"
	.asciz	"8"
	.asciz	"9"
	.asciz	"z00"
	.asciz	"20"
	.asciz	"_sym."
	.asciz	"Tx."
	.asciz	"p."
	.asciz	"h."
	.asciz	"f."
	.asciz	"A"
	.asciz	"B"
	.asciz	"C"
	.asciz	"D"
	.asciz	"E"
	.asciz	"F"
	.asciz	"G"
	.asciz	"H"
	.asciz	"I"
	.asciz	"J"
	.asciz	"K"
	.asciz	"L"
	.asciz	"M"
	.asciz	"N"
	.asciz	"O"
	.asciz	"P"
	.asciz	"Q"
	.asciz	"R"
	.asciz	"S"
	.asciz	"T"
	.asciz	"U"
	.asciz	"V"
	.asciz	"W"
	.asciz	"X"
	.asciz	"Y"
	.asciz	"Z"
	.asciz	"b."
	.asciz	"C."
	.asciz	"2."
	.asciz	"g7$"
	.asciz	"_"
	.asciz	"h$"
	.asciz	"a"
	.asciz	"b"
	.asciz	"c"
	.asciz	"d"
	.asciz	"e"
	.asciz	"f"
	.asciz	"g"
	.asciz	"h"
	.asciz	"i"
	.asciz	"j"
	.asciz	"k"
	.asciz	"l"
	.asciz	"m"
	.asciz	"n"
	.asciz	"o"
	.asciz	"p"
	.asciz	"q"
	.asciz	"r"
	.asciz	"s"
	.asciz	"t"
	.asciz	"u"
	.asciz	"v"
	.asciz	"w"
	.asciz	"x"
	.asciz	"y"
	.asciz	"z"
	.asciz	"b$"
	.asciz	"E$"
	.asciz	"D$"
	.asciz	"A$"
	.asciz	"T_s"
	.asciz	"t__"
	.asciz	"sym"
	.asciz	"_etext"
	.asciz	"lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_"
	.asciz	"rodata"
	.asciz	"tlocal_fn.llvm."
	.asciz	"xed"
	.asciz	"B__bss"
	.asciz	"__bss"
	.asciz	"A__per_cpu"
	.asciz	"data_symbol"
	.asciz	"_einittext"
	.asciz	"xhX"
	.asciz	"A__per_"
	.asciz	"_stop"
	.asciz	"Tx"
	.asciz	"hw"
	.asciz	"_t"
	.asciz	"Ft"
	.asciz	"top"
	.asciz	"yp"
	.asciz	"ro"
	.asciz	"sj"
	.asciz	"_j"
	.asciz	"ei"
	.asciz	"__e"
	.asciz	"ue"
	.asciz	"de"
	.asciz	"Ue"
	.asciz	"mc"
	.asciz	"Mc"
	.asciz	"_a"
	.asciz	"Ta"
	.asciz	"long_"
	.asciz	"per_"
	.asciz	"T_"
	.asciz	"hX"
	.asciz	"eS"
	.asciz	"8F"
	.asciz	"3E"
	.asciz	"gD"
	.asciz	"XC"
	.asciz	"99"
	.asciz	"g7"
	.asciz	"67"
	.asciz	"_6"
	.asciz	"v5"
	.asciz	"123"
	.asciz	"12"
	.asciz	"11"
	.asciz	"z0"
	.asciz	"A__"
	.asciz	"do_one_initcall"
	.asciz	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	.asciz	"do_one_initca"
	.asciz	"per"
	.asciz	"inittext"
	.asciz	"do_one_init"
	.asciz	"one_init"
	.asciz	"e_init"
	.asciz	"do_"
	.asciz	"tlocal_fn"
	.asciz	"long"
	.asciz	"_symbol"
	.asciz	"tlocal"
	.asciz	"cpu"
	.asciz	"bss"
	.asciz	"tlo"
	.asciz	"cal"
	.asciz	"tl"
	.asciz	"ol"
	.asciz	"fi"
	.asciz	"ong"
	.asciz	"nd"
	.asciz	"ed"
	.asciz	"_symb"
	.asciz	"_start"
	.asciz	".llvm."
	.asciz	".llv"
	.asciz	"llv"
	.asciz	"bs"
	.asciz	"cp"
	.asciz	"_fn"
	.asciz	"o_"
	.asciz	"m."
	.asciz	"data"
	.asciz	"lto_function_name_lto_function_name_lto_function_name_lto_function_name_"
	.asciz	"tart"
	.asciz	"tar"
	.asciz	"_e"
	.asciz	"da"
	.asciz	"_sym"
	.asciz	"init"
	.asciz	"text"
	.asciz	"xt"
	.asciz	"it"
	.asciz	"er"
	.asciz	"ca"
	.asciz	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	.asciz	"in"
	.asciz	"ym"
	.asciz	"ll"
	.asciz	"te"
	.asciz	"lto_function_name_lto_function_name_"
	.asciz	"lto_function_name_"
	.asciz	"lto_function"
	.asciz	"to_function"
	.asciz	"_function"
	.asciz	"unction"
	.asciz	"ta"
	.asciz	"__"
	.asciz	"ction"
	.asciz	"_name_"
	.asciz	"cti"
	.asciz	"_nam"
	.asciz	"to"
	.asciz	"nam"
	.asciz	"ti"
	.asciz	"na"
	.asciz	"un"
	.asciz	"_s"
	.asciz	"e_"
	.asciz	"xxxxxxxxxxxxxxxx"
	.asciz	"_f"
	.asciz	"on"
	.asciz	"xxxxxxxx"
	.asciz	"xxxx"
	.asciz	"xx"

.globl kallsyms_token_index
	ALGN
kallsyms_token_index:
	.short	0
	.short	54
	.short	106
	.short	157
	.short	206
	.short	254
	.short	301
	.short	346
	.short	390
	.short	433
	.short	475
	.short	516
	.short	555
	.short	593
	.short	630
	.short	666
	.short	701
	.short	735
	.short	767
	.short	798
	.short	828
	.short	857
	.short	885
	.short	912
	.short	938
	.short	963
	.short	987
	.short	1010
	.short	1032
	.short	1053
	.short	1073
	.short	1092
	.short	1110
	.short	1127
	.short	1143
	.short	1158
	.short	1172
	.short	1174
	.short	1187
	.short	1199
	.short	1210
	.short	1220
	.short	1229
	.short	1237
	.short	1244
	.short	1249
	.short	1253
	.short	1255
	.short	1258
	.short	1260
	.short	1262
	.short	1264
	.short	1266
	.short	1268
	.short	1270
	.short	1272
	.short	1274
	.short	1276
	.short	1278
	.short	1282
	.short	1285
	.short	1291
	.short	1295
	.short	1298
	.short	1301
	.short	1304
	.short	1306
	.short	1308
	.short	1310
	.short	1312
	.short	1314
	.short	1316
	.short	1318
	.short	1320
	.short	1322
	.short	1324
	.short	1326
	.short	1328
	.short	1330
	.short	1332
	.short	1334
	.short	1336
	.short	1338
	.short	1340
	.short	1342
	.short	1344
	.short	1346
	.short	1348
	.short	1350
	.short	1352
	.short	1354
	.short	1356
	.short	1359
	.short	1362
	.short	1365
	.short	1369
	.short	1371
	.short	1374
	.short	1376
	.short	1378
	.short	1380
	.short	1382
	.short	1384
	.short	1386
	.short	1388
	.short	1390
	.short	1392
	.short	1394
	.short	1396
	.short	1398
	.short	1400
	.short	1402
	.short	1404
	.short	1406
	.short	1408
	.short	1410
	.short	1412
	.short	1414
	.short	1416
	.short	1418
	.short	1420
	.short	1422
	.short	1424
	.short	1426
	.short	1429
	.short	1432
	.short	1435
	.short	1438
	.short	1442
	.short	1446
	.short	1450
	.short	1457
	.short	1602
	.short	1609
	.short	1625
	.short	1629
	.short	1636
	.short	1642
	.short	1653
	.short	1665
	.short	1676
	.short	1680
	.short	1688
	.short	1694
	.short	1697
	.short	1700
	.short	1703
	.short	1706
	.short	1710
	.short	1713
	.short	1716
	.short	1719
	.short	1722
	.short	1725
	.short	1729
	.short	1732
	.short	1735
	.short	1738
	.short	1741
	.short	1744
	.short	1747
	.short	1750
	.short	1756
	.short	1761
	.short	1764
	.short	1767
	.short	1770
	.short	1773
	.short	1776
	.short	1779
	.short	1782
	.short	1785
	.short	1788
	.short	1791
	.short	1794
	.short	1797
	.short	1801
	.short	1804
	.short	1807
	.short	1810
	.short	1814
	.short	1830
	.short	1895
	.short	1909
	.short	1913
	.short	1922
	.short	1934
	.short	1943
	.short	1950
	.short	1954
	.short	1964
	.short	1969
	.short	1977
	.short	1984
	.short	1988
	.short	1992
	.short	1996
	.short	2000
	.short	2003
	.short	2006
	.short	2009
	.short	2013
	.short	2016
	.short	2019
	.short	2025
	.short	2032
	.short	2039
	.short	2044
	.short	2048
	.short	2051
	.short	2054
	.short	2058
	.short	2061
	.short	2064
	.short	2069
	.short	2142
	.short	2147
	.short	2151
	.short	2154
	.short	2157
	.short	2162
	.short	2167
	.short	2172
	.short	2175
	.short	2178
	.short	2181
	.short	2184
	.short	2217
	.short	2220
	.short	2223
	.short	2226
	.short	2229
	.short	2266
	.short	2285
	.short	2298
	.short	2310
	.short	2320
	.short	2328
	.short	2331
	.short	2334
	.short	2340
	.short	2347
	.short	2351
	.short	2356
	.short	2359
	.short	2363
	.short	2366
	.short	2369
	.short	2372
	.short	2375
	.short	2378
	.short	2395
	.short	2398
	.short	2401
	.short	2410
	.short	2415

.globl kallsyms_offsets
	ALGN
kallsyms_offsets:
	.long	0	/* Afixed_percpu_data */
	.long	0	/* A__per_cpu_start */
	.long	0x10	/* A__gp */
	.long	0x1000	/* Arunqueues */
	.long	0x2000	/* A__per_cpu_end */
	.long	0xffffffff	/* Tstartup_64 */
	.long	0xffffffff	/* T_text */
	.long	0xffffffff	/* T_stext */
	.long	0xffffffff	/* T__start_section_marker */
	.long	0xffffffff	/* Wweak_at_start */
	.long	0xffffffbf	/* tlocal_fn.llvm.999 */
	.long	0xffffffbf	/* tlocal_fn */
	.long	0xffffffaf	/* tlocal_fn.llvm.111 */
	.long	0xffffff7f	/* Ta_very_long_symbol_name_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx */
	.long	0xfffffeff	/* t__long_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_.llvm.123456789 */
	.long	0xfffffe7f	/* tmixed_sRr1B3UGzPmeiBf.McUvb3gZ4Kh$g7HYl4IVxdPoVWTQwrz01UeMYjcpCOJkyos53ERyLHg2Mp8cPgD9BcEsjvTx3xhXUqNtpUoyR4LZF_XSV7eS7D4lsr5HQC.UexXFMc2AzwKIWhgE$CiSkPRg7$3pwx8O2vpqqoGv5caOG5ByJPXChyB8F9ip.D20zmZEbsvCSE_pib$PBFtwyX_jn_L9Cz5EWkOmWC6ndQ3EJgUVhBUBmyKpmXjCunxJSS_gNw8kmtn3WoTGm3TuLOsj9F8Fj5bNXvDJpIuJb.ate4fcS3A$HH2.eSN67gXertPSohwx4eyHXCACZsGoDii137TVTrSciU8VEszgDCQ515Iz00FF46gHmcFHWQiGD$t2oUnyFdA3khwHERvtOxv5WA_Y5n5dDcN_6bWBlnJtjQr3N_jzNxhXnuVnby7fTLB4ilxg8ypbg1RXLPG4BpzTFtNmcc */
	.long	0xfffffdff	/* Tkallsyms_names */
	.long	0xfffffdef	/* T__efistub_thing */
	.long	0xfffffddf	/* Tfoo_veneer */
	.long	0xfffffdcf	/* Tx.long_branch.y */
	.long	0xfffffdbf	/* Uundefined_sym */
	.long	0xfffffdaf	/* Ndebug_sym */
	.long	0xfffffcff	/* T__kcfi_typeid_foo */
	.long	0xfffffcef	/* Tdo_one_initcall */
	.long	0xfffffcef	/* t_do_one_initcall */
	.long	0xfffffcef	/* t__do_one_initcall */
	.long	0xfffffbff	/* Tat_etext */
	.long	0xfffffbff	/* T_etext */
	.long	0xffefffff	/* Ddata_symbol */
	.long	0xffefffff	/* ddata_symbol.llvm.5 */
	.long	0xffdfffff	/* T_sinittext */
	.long	0xffdfffef	/* tinit_fn */
	.long	0xffdfffdf	/* tat_einittext */
	.long	0xffdfffdf	/* T_einittext */
	.long	0xffcfffff	/* B__bss_start */
	.long	0xffcffeff	/* bbss_sym.123 */
	.long	0xffcffdff	/* B__bss_stop */
	.long	0xffcffcff	/* Rrodata_after */
	.long	0xffcffcff	/* R__end_rodata */
	.long	0xffcffcff	/* R__stop___ksymtab */

.globl kallsyms_relative_base
	ALGN
kallsyms_relative_base:
	PTR	_text + 0

.globl kallsyms_seqs_of_names
	ALGN
kallsyms_seqs_of_names:
	.byte 0x00, 0x00, 0x22	/* B__bss_start */
	.byte 0x00, 0x00, 0x24	/* B__bss_stop */
	.byte 0x00, 0x00, 0x19	/* t__do_one_initcall */
	.byte 0x00, 0x00, 0x11	/* T__efistub_thing */
	.byte 0x00, 0x00, 0x26	/* R__end_rodata */
	.byte 0x00, 0x00, 0x02	/* A__gp */
	.byte 0x00, 0x00, 0x16	/* T__kcfi_typeid_foo */
	.byte 0x00, 0x00, 0x0e	/* t__long_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_.llvm.123456789 */
	.byte 0x00, 0x00, 0x04	/* A__per_cpu_end */
	.byte 0x00, 0x00, 0x01	/* A__per_cpu_start */
	.byte 0x00, 0x00, 0x08	/* T__start_section_marker */
	.byte 0x00, 0x00, 0x27	/* R__stop___ksymtab */
	.byte 0x00, 0x00, 0x18	/* t_do_one_initcall */
	.byte 0x00, 0x00, 0x21	/* T_einittext */
	.byte 0x00, 0x00, 0x1b	/* T_etext */
	.byte 0x00, 0x00, 0x1e	/* T_sinittext */
	.byte 0x00, 0x00, 0x07	/* T_stext */
	.byte 0x00, 0x00, 0x06	/* T_text */
	.byte 0x00, 0x00, 0x0d	/* Ta_very_long_symbol_name_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx */
	.byte 0x00, 0x00, 0x20	/* tat_einittext */
	.byte 0x00, 0x00, 0x1a	/* Tat_etext */
	.byte 0x00, 0x00, 0x23	/* bbss_sym.123 */
	.byte 0x00, 0x00, 0x1c	/* Ddata_symbol */
	.byte 0x00, 0x00, 0x1d	/* ddata_symbol.llvm.5 */
	.byte 0x00, 0x00, 0x15	/* Ndebug_sym */
	.byte 0x00, 0x00, 0x17	/* Tdo_one_initcall */
	.byte 0x00, 0x00, 0x00	/* Afixed_percpu_data */
	.byte 0x00, 0x00, 0x12	/* Tfoo_veneer */
	.byte 0x00, 0x00, 0x1f	/* tinit_fn */
	.byte 0x00, 0x00, 0x10	/* Tkallsyms_names */
	.byte 0x00, 0x00, 0x0b	/* tlocal_fn */
	.byte 0x00, 0x00, 0x0c	/* tlocal_fn.llvm.111 */
	.byte 0x00, 0x00, 0x0a	/* tlocal_fn.llvm.999 */
	.byte 0x00, 0x00, 0x0f	/* tmixed_sRr1B3UGzPmeiBf.McUvb3gZ4Kh$g7HYl4IVxdPoVWTQwrz01UeMYjcpCOJkyos53ERyLHg2Mp8cPgD9BcEsjvTx3xhXUqNtpUoyR4LZF_XSV7eS7D4lsr5HQC.UexXFMc2AzwKIWhgE$CiSkPRg7$3pwx8O2vpqqoGv5caOG5ByJPXChyB8F9ip.D20zmZEbsvCSE_pib$PBFtwyX_jn_L9Cz5EWkOmWC6ndQ3EJgUVhBUBmyKpmXjCunxJSS_gNw8kmtn3WoTGm3TuLOsj9F8Fj5bNXvDJpIuJb.ate4fcS3A$HH2.eSN67gXertPSohwx4eyHXCACZsGoDii137TVTrSciU8VEszgDCQ515Iz00FF46gHmcFHWQiGD$t2oUnyFdA3khwHERvtOxv5WA_Y5n5dDcN_6bWBlnJtjQr3N_jzNxhXnuVnby7fTLB4ilxg8ypbg1RXLPG4BpzTFtNmcc */
	.byte 0x00, 0x00, 0x25	/* Rrodata_after */
	.byte 0x00, 0x00, 0x03	/* Arunqueues */
	.byte 0x00, 0x00, 0x05	/* Tstartup_64 */
	.byte 0x00, 0x00, 0x14	/* Uundefined_sym */
	.byte 0x00, 0x00, 0x09	/* Wweak_at_start */
	.byte 0x00, 0x00, 0x13	/* Tx.long_branch.y */

