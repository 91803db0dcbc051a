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
	.long	26

.globl kallsyms_names
	ALGN
kallsyms_names:
	.byte 0x07, 0x54, 0x73, 0xd1, 0x75, 0x70, 0xbf, 0x34	/* Tstartup_64 */
	.byte 0x02, 0xe4, 0xdf	/* T_text */
	.byte 0x02, 0x9d, 0xdf	/* T_stext */
	.byte 0x0b, 0xe4, 0xa2, 0xe9, 0x65, 0xf0, 0x5f, 0x6d, 0x61, 0x72, 0x6b, 0xd8	/* T__start_section_marker */
	.byte 0x09, 0x57, 0x77, 0x65, 0x61, 0x6b, 0x5f, 0x61, 0x74, 0xa2	/* Wweak_at_start */
	.byte 0x03, 0xa3, 0xbc, 0x39	/* tlocal_fn.llvm.999 */
	.byte 0x01, 0xcb	/* tlocal_fn */
	.byte 0x02, 0xa3, 0x89	/* tlocal_fn.llvm.111 */
	.byte 0x12, 0x54, 0x61, 0x5f, 0x76, 0xd8, 0x79, 0x5f, 0xcd, 0xc6, 0x62, 0x6f, 0x6c, 0xf1, 0xc3, 0xc3, 0xfa, 0xfe, 0xff	/* Ta_very_long_symbol_name_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx */
	.byte 0x09, 0xa1, 0xb5, 0xa0, 0xdd, 0x3b, 0x35, 0xbe, 0x38, 0x39	/* t__long_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_.llvm.123456789 */
	.byte 0xdf, 0x02, 0x74, 0x6d, 0x69, 0x78, 0xb1, 0xe9, 0x52, 0x8a, 0x80, 0x55, 0x47, 0x7a, 0x50, 0x6d, 0xad, 0x42, 0x93, 0xb3, 0x55, 0x76, 0x7e, 0x67, 0x3c, 0x4b, 0x98, 0xbd, 0x48, 0x59, 0x3a, 0x49, 0x56, 0x78, 0x64, 0x50, 0x6f, 0x56, 0x57, 0x54, 0x51, 0x77, 0x72, 0x88, 0xb0, 0x4d, 0x59, 0x6a, 0x63, 0x70, 0x43, 0x4f, 0x4a, 0x6b, 0x79, 0x6f, 0x73, 0x35, 0xb9, 0x52, 0x79, 0x4c, 0x48, 0x85, 0x4d, 0x70, 0x38, 0x63, 0x50, 0xba, 0x39, 0x42, 0x63, 0x45, 0xaa, 0x76, 0x5c, 0xa4, 0x55, 0x71, 0x4e, 0x74, 0x70, 0x55, 0x6f, 0x79, 0x3d, 0x4c, 0x5a, 0x46, 0x5f, 0x58, 0x53, 0x56, 0x37, 0xb7, 0x37, 0x40, 0x6c, 0x73, 0x72, 0x35, 0x48, 0x51, 0x95, 0xb0, 0x78, 0x58, 0x46, 0x82, 0x41, 0x7a, 0x77, 0x4b, 0x49, 0x57, 0x68, 0x67, 0x9a, 0x43, 0x69, 0x53, 0x6b, 0x50, 0x52, 0x5d, 0x70, 0x77, 0x78, 0x38, 0x86, 0x76, 0x70, 0x71, 0x71, 0x6f, 0x47, 0xc0, 0xe7, 0x4f, 0x47, 0x35, 0x42, 0x79, 0x4a, 0x50, 0xbb, 0x68, 0x79, 0x42, 0xb8, 0x39, 0x69, 0x91, 0x44, 0x8f, 0x7a, 0x6d, 0x5a, 0x45, 0x62, 0x73, 0x76, 0x43, 0x53, 0x45, 0x5f, 0x70, 0x69, 0x99, 0x50, 0x42, 0xa8, 0x77, 0x79, 0x58, 0xab, 0x6e, 0x5f, 0x4c, 0x39, 0x43, 0x7a, 0x35, 0x45, 0x57, 0x6b, 0x4f, 0x6d, 0x57, 0x43, 0x36, 0x6e, 0x64, 0x51, 0xb9, 0x4a, 0x67, 0x55, 0x56, 0x68, 0x42, 0x55, 0x42, 0x6d, 0x79, 0x4b, 0x70, 0x6d, 0x58, 0x6a, 0x43, 0xf5, 0x78, 0x4a, 0x53, 0x53, 0x5f, 0x67, 0x4e, 0x77, 0x38, 0x6b, 0x6d, 0x74, 0x7c, 0x57, 0x6f, 0x00, 0x65, 0x79, 0x48, 0xbb, 0x41, 0x43, 0x5a, 0x73, 0x47, 0x6f, 0x44, 0x69, 0x5e, 0x37, 0x54, 0x56, 0x54, 0x72, 0x53, 0x63, 0x69, 0x55, 0x38, 0x56, 0x45, 0x73, 0x7a, 0xba, 0x43, 0x51, 0x8d, 0x35, 0x49, 0x8e, 0x46, 0x3f, 0x36, 0x67, 0x48, 0xb2, 0x46, 0x48, 0x57, 0x51, 0x69, 0x47, 0x9b, 0x84, 0x6f, 0x55, 0x6e, 0x79, 0x46, 0x64, 0x81, 0x6b, 0xa6, 0x48, 0x45, 0x52, 0x76, 0x74, 0x4f, 0x78, 0xc0, 0x57, 0x41, 0x5f, 0x59, 0x35, 0x6e, 0x35, 0x64, 0x44, 0x63, 0x4e, 0xbf, 0x62, 0x57, 0x42, 0x6c, 0x6e, 0x4a, 0x74, 0x6a, 0x51, 0x7b, 0x4e, 0xab, 0x7a, 0x4e, 0xa4, 0x6e, 0x75, 0x56, 0x6e, 0x62, 0x79, 0x37, 0x66, 0x54, 0x4c, 0x5b, 0x69, 0x6c, 0x78, 0x67, 0x38, 0xa9, 0x62, 0x8c, 0x52, 0x58, 0x4c, 0x50, 0x3e, 0x42, 0x70, 0x7a, 0x54, 0xa8, 0x4e, 0xb2, 0x63	/* tmixed_sRr1B3UGzPmeiBf.McUvb3gZ4Kh$g7HYl4IVxdPoVWTQwrz01UeMYjcpCOJkyos53ERyLHg2Mp8cPgD9BcEsjvTx3xhXUqNtpUoyR4LZF_XSV7eS7D4lsr5HQC.UexXFMc2AzwKIWhgE$CiSkPRg7$3pwx8O2vpqqoGv5caOG5ByJPXChyB8F9ip.D20zmZEbsvCSE_pib$PBFtwyX_jn_L9Cz5EWkOmWC6ndQ3EJgUVhBUBmyKpmXjCunxJSS_gNw8kmtn3WoTGm3TuLOsj9F8Fj5bNXvDJpIuJb.ate4fcS3A$HH2.eSN67gXertPSohwx4eyHXCACZsGoDii137TVTrSciU8VEszgDCQ515Iz00FF46gHmcFHWQiGD$t2oUnyFdA3khwHERvtOxv5WA_Y5n5dDcN_6bWBlnJtjQr3N_jzNxhXnuVnby7fTLB4ilxg8ypbg1RXLPG4BpzTFtNmcc */
	.byte 0x09, 0x54, 0x6b, 0x61, 0xe6, 0x9e, 0x73, 0xf4, 0x65, 0x73	/* Tkallsyms_names */
	.byte 0x0b, 0xb4, 0x65, 0xac, 0x73, 0x74, 0x75, 0x62, 0xa7, 0x68, 0xe5, 0x67	/* T__efistub_thing */
	.byte 0x09, 0x54, 0x66, 0x6f, 0xdb, 0x76, 0x65, 0x6e, 0x65, 0xd8	/* Tfoo_veneer */
	.byte 0x09, 0x90, 0xb5, 0x62, 0x72, 0x61, 0x6e, 0x63, 0x92, 0x79	/* Tx.long_branch.y */
	.byte 0x07, 0x55, 0xf5, 0xaf, 0x66, 0xe5, 0xb1, 0xc6	/* Uundefined_sym */
	.byte 0x06, 0x4e, 0xaf, 0x62, 0x75, 0x67, 0xc6	/* Ndebug_sym */
	.byte 0x0b, 0xb4, 0x6b, 0x63, 0xac, 0xa7, 0xa9, 0xad, 0x64, 0xfb, 0x6f, 0x6f	/* T__kcfi_typeid_foo */
	.byte 0x02, 0x54, 0xc4	/* Tdo_one_initcall */
	.byte 0x03, 0x74, 0x5f, 0xc4	/* t_do_one_initcall */
	.byte 0x02, 0xa1, 0xc4	/* t__do_one_initcall */
	.byte 0x02, 0xae, 0xdf	/* T_etext */
	.byte 0x02, 0x9d, 0x9f	/* T_sinittext */
	.byte 0x04, 0xf7, 0x6e, 0xe2, 0xd9	/* tinit_fn */
	.byte 0x02, 0xae, 0x9f	/* T_einittext */
	.byte 0x0b, 0x52, 0x5f, 0xe9, 0xf3, 0x70, 0xdc, 0x5f, 0x6b, 0x9e, 0xda, 0x62	/* R__stop___ksymtab */

.globl kallsyms_markers
	ALGN
kallsyms_markers:
	.long	0

.globl kallsyms_token_table
	ALGN
kallsyms_token_table:
	.asciz	"TGm3TuLOsj9F8Fj5bNXvDJpIuJb.ate4fcS3A$HH2.eSN67gXertPSohwx4"
	.asciz	"Gm3TuLOsj9F8Fj5bNXvDJpIuJb.ate4fcS3A$HH2.eSN67gXertPSohwx4"
	.asciz	"m3TuLOsj9F8Fj5bNXvDJpIuJb.ate4fcS3A$HH2.eSN67gXertPSohwx4"
	.asciz	"TuLOsj9F8Fj5bNXvDJpIuJb.ate4fcS3A$HH2.eSN67gXertPSohwx4"
	.asciz	"uLOsj9F8Fj5bNXvDJpIuJb.ate4fcS3A$HH2.eSN67gXertPSohwx4"
	.asciz	"LOsj9F8Fj5bNXvDJpIuJb.ate4fcS3A$HH2.eSN67gXertPSohwx4"
	.asciz	"Osj9F8Fj5bNXvDJpIuJb.ate4fcS3A$HH2.eSN67gXertPSohwx4"
	.asciz	"sj9F8Fj5bNXvDJpIuJb.ate4fcS3A$HH2.eSN67gXertPSohwx4"
	.asciz	"9F8Fj5bNXvDJpIuJb.ate4fcS3A$HH2.eSN67gXertPSohwx4"
	.asciz	"F8Fj5bNXvDJpIuJb.ate4fcS3A$HH2.eSN67gXertPSohwx4"
	.asciz	"8Fj5bNXvDJpIuJb.ate4fcS3A$HH2.eSN67gXertPSohwx4"
	.asciz	"j5bNXvDJpIuJb.ate4fcS3A$HH2.eSN67gXertPSohwx4"
	.asciz	"5bNXvDJpIuJb.ate4fcS3A$HH2.eSN67gXertPSohwx4"
	.asciz	"bNXvDJpIuJb.ate4fcS3A$HH2.eSN67gXertPSohwx4"
	.asciz	"NXvDJpIuJb.ate4fcS3A$HH2.eSN67gXertPSohwx4"
	.asciz	"XvDJpIuJb.ate4fcS3A$HH2.eSN67gXertPSohwx4"
	.asciz	"vDJpIuJb.ate4fcS3A$HH2.eSN67gXertPSohwx4"
	.asciz	"DJpIuJb.ate4fcS3A$HH2.eSN67gXertPSohwx4"
	.asciz	"JpIuJb.ate4fcS3A$HH2.eSN67gXertPSohwx4"
	.asciz	"pIuJb.ate4fcS3A$HH2.eSN67gXertPSohwx4"
	.asciz	"IuJb.ate4fcS3A$HH2.eSN67gXertPSohwx4"
	.asciz	"uJb.ate4fcS3A$HH2.eSN67gXertPSohwx4"
	.asciz	"Jb.ate4fcS3A$HH2.eSN67gXertPSohwx4"
	.asciz	"b.ate4fcS3A$HH2.eSN67gXertPSohwx4"
	.asciz	"ate4fcS3A$HH2.eSN67gXertPSohwx4"
	.asciz	"te4fcS3A$HH2.eSN67gXertPSohwx4"
	.asciz	"4fcS3A$HH2.eSN67gXertPSohwx4"
	.asciz	"fcS3A$HH2.eSN67gXertPSohwx4"
	.asciz	"cS3A$HH2.eSN67gXertPSohwx4"
	.asciz	"S3A$HH2.eSN67gXertPSohwx4"
	.asciz	"A$HH2.eSN67gXertPSohwx4"
	.asciz	"HH2.eSN67gXertPSohwx4"
	.asciz	"H2.eSN67gXertPSohwx4"
	.asciz	"2.eSN67gXertPSohwx4"
	.asciz	"eSN67gXertPSohwx4"
	.asciz	"N67gXertPSohwx4"
	.asciz	"$"
	.asciz	"67gXertPSohwx4"
	.asciz	"gXertPSohwx4"
	.asciz	"XertPSohwx4"
	.asciz	"ertPSohwx4"
	.asciz	"tPSohwx4"
	.asciz	"PSohwx4"
	.asciz	"Sohwx4"
	.asciz	"ohwx4"
	.asciz	"hwx4"
	.asciz	"."
	.asciz	"x4"
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
	.asciz	"l4"
	.asciz	".llvm.1234"
	.asciz	"Z4"
	.asciz	"R4"
	.asciz	"G4"
	.asciz	"F4"
	.asciz	"D4"
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
	.asciz	"B4"
	.asciz	"Tx3"
	.asciz	"g7$3"
	.asciz	"i13"
	.asciz	"_"
	.asciz	".llvm.123"
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
	.asciz	"r3"
	.asciz	"n3"
	.asciz	"m3"
	.asciz	"b3"
	.asciz	"S3"
	.asciz	"B3"
	.asciz	"A3"
	.asciz	"Mc2"
	.asciz	".llvm.12"
	.asciz	"t2"
	.asciz	"g2"
	.asciz	"O2"
	.asciz	".llvm.1"
	.asciz	"z01"
	.asciz	"111"
	.asciz	"r1"
	.asciz	"i1"
	.asciz	"g1"
	.asciz	"51"
	.asciz	"z00"
	.asciz	"20"
	.asciz	"Tx."
	.asciz	"p."
	.asciz	"h."
	.asciz	"f."
	.asciz	"b."
	.asciz	"C."
	.asciz	"2."
	.asciz	"g7$"
	.asciz	"h$"
	.asciz	"b$"
	.asciz	"E$"
	.asciz	"D$"
	.asciz	"A$"
	.asciz	"T_s"
	.asciz	"sym"
	.asciz	"inittext"
	.asciz	"lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_"
	.asciz	"t__"
	.asciz	"_start"
	.asciz	"tlocal_fn.llvm."
	.asciz	"xhX"
	.asciz	"Tx"
	.asciz	"hw"
	.asciz	"_t"
	.asciz	"Ft"
	.asciz	"yp"
	.asciz	"sj"
	.asciz	"_j"
	.asciz	"fi"
	.asciz	"ei"
	.asciz	"T_e"
	.asciz	"de"
	.asciz	"Ue"
	.asciz	"ed"
	.asciz	"mc"
	.asciz	"Mc"
	.asciz	"T__"
	.asciz	"long_"
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
	.asciz	"11"
	.asciz	"z0"
	.asciz	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	.asciz	"do_one_initcall"
	.asciz	"call"
	.asciz	"_sym"
	.asciz	"do_one_init"
	.asciz	"one_init"
	.asciz	"e_init"
	.asciz	"do_"
	.asciz	"tlocal_fn"
	.asciz	".llvm."
	.asciz	"long"
	.asciz	"tlocal"
	.asciz	".llv"
	.asciz	"llv"
	.asciz	"tart"
	.asciz	"tar"
	.asciz	"tlo"
	.asciz	"cal"
	.asciz	"tl"
	.asciz	"ong"
	.asciz	"m."
	.asciz	"er"
	.asciz	"_fn"
	.asciz	"ta"
	.asciz	"o_"
	.asciz	"__"
	.asciz	"lto_function_name_lto_function_name_lto_function_name_lto_function_name_"
	.asciz	"init"
	.asciz	"text"
	.asciz	"xt"
	.asciz	"ym"
	.asciz	"it"
	.asciz	"te"
	.asciz	"T_"
	.asciz	"in"
	.asciz	"ll"
	.asciz	"ca"
	.asciz	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	.asciz	"_s"
	.asciz	"lto_function_name_lto_function_name_"
	.asciz	"lto_function_name_"
	.asciz	"lto_function"
	.asciz	"to_function"
	.asciz	"_function"
	.asciz	"unction"
	.asciz	"ction"
	.asciz	"_name_"
	.asciz	"cti"
	.asciz	"to"
	.asciz	"_nam"
	.asciz	"un"
	.asciz	"nam"
	.asciz	"ti"
	.asciz	"na"
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
	.short	60
	.short	119
	.short	177
	.short	233
	.short	288
	.short	342
	.short	395
	.short	447
	.short	497
	.short	546
	.short	594
	.short	640
	.short	685
	.short	729
	.short	772
	.short	814
	.short	855
	.short	895
	.short	934
	.short	972
	.short	1009
	.short	1045
	.short	1080
	.short	1114
	.short	1146
	.short	1177
	.short	1206
	.short	1234
	.short	1261
	.short	1287
	.short	1311
	.short	1333
	.short	1354
	.short	1374
	.short	1392
	.short	1408
	.short	1410
	.short	1425
	.short	1438
	.short	1450
	.short	1461
	.short	1470
	.short	1478
	.short	1485
	.short	1491
	.short	1496
	.short	1498
	.short	1501
	.short	1503
	.short	1505
	.short	1507
	.short	1509
	.short	1511
	.short	1513
	.short	1515
	.short	1517
	.short	1519
	.short	1521
	.short	1524
	.short	1535
	.short	1538
	.short	1541
	.short	1544
	.short	1547
	.short	1550
	.short	1552
	.short	1554
	.short	1556
	.short	1558
	.short	1560
	.short	1562
	.short	1564
	.short	1566
	.short	1568
	.short	1570
	.short	1572
	.short	1574
	.short	1576
	.short	1578
	.short	1580
	.short	1582
	.short	1584
	.short	1586
	.short	1588
	.short	1590
	.short	1592
	.short	1594
	.short	1596
	.short	1598
	.short	1600
	.short	1602
	.short	1605
	.short	1609
	.short	1614
	.short	1618
	.short	1620
	.short	1630
	.short	1632
	.short	1634
	.short	1636
	.short	1638
	.short	1640
	.short	1642
	.short	1644
	.short	1646
	.short	1648
	.short	1650
	.short	1652
	.short	1654
	.short	1656
	.short	1658
	.short	1660
	.short	1662
	.short	1664
	.short	1666
	.short	1668
	.short	1670
	.short	1672
	.short	1674
	.short	1676
	.short	1678
	.short	1680
	.short	1682
	.short	1685
	.short	1688
	.short	1691
	.short	1694
	.short	1697
	.short	1700
	.short	1703
	.short	1707
	.short	1716
	.short	1719
	.short	1722
	.short	1725
	.short	1733
	.short	1737
	.short	1741
	.short	1744
	.short	1747
	.short	1750
	.short	1753
	.short	1757
	.short	1760
	.short	1764
	.short	1767
	.short	1770
	.short	1773
	.short	1776
	.short	1779
	.short	1782
	.short	1786
	.short	1789
	.short	1792
	.short	1795
	.short	1798
	.short	1801
	.short	1805
	.short	1809
	.short	1818
	.short	1963
	.short	1967
	.short	1974
	.short	1990
	.short	1994
	.short	1997
	.short	2000
	.short	2003
	.short	2006
	.short	2009
	.short	2012
	.short	2015
	.short	2018
	.short	2021
	.short	2025
	.short	2028
	.short	2031
	.short	2034
	.short	2037
	.short	2040
	.short	2044
	.short	2050
	.short	2053
	.short	2056
	.short	2059
	.short	2062
	.short	2065
	.short	2068
	.short	2071
	.short	2074
	.short	2077
	.short	2080
	.short	2083
	.short	2086
	.short	2089
	.short	2154
	.short	2170
	.short	2175
	.short	2180
	.short	2192
	.short	2201
	.short	2208
	.short	2212
	.short	2222
	.short	2229
	.short	2234
	.short	2241
	.short	2246
	.short	2250
	.short	2255
	.short	2259
	.short	2263
	.short	2267
	.short	2270
	.short	2274
	.short	2277
	.short	2280
	.short	2284
	.short	2287
	.short	2290
	.short	2293
	.short	2366
	.short	2371
	.short	2376
	.short	2379
	.short	2382
	.short	2385
	.short	2388
	.short	2391
	.short	2394
	.short	2397
	.short	2400
	.short	2433
	.short	2436
	.short	2473
	.short	2492
	.short	2505
	.short	2517
	.short	2527
	.short	2535
	.short	2541
	.short	2548
	.short	2552
	.short	2555
	.short	2560
	.short	2563
	.short	2567
	.short	2570
	.short	2573
	.short	2576
	.short	2593
	.short	2596
	.short	2599
	.short	2608
	.short	2613

.globl kallsyms_offsets
	ALGN
kallsyms_offsets:
	.long	0	/* Tstartup_64 */
	.long	0	/* T_text */
	.long	0	/* T_stext */
	.long	0	/* T__start_section_marker */
	.long	0	/* Wweak_at_start */
	.long	0x40	/* tlocal_fn.llvm.999 */
	.long	0x40	/* tlocal_fn */
	.long	0x50	/* tlocal_fn.llvm.111 */
	.long	0x80	/* Ta_very_long_symbol_name_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx */
	.long	0x100	/* t__long_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_.llvm.123456789 */
	.long	0x180	/* tmixed_sRr1B3UGzPmeiBf.McUvb3gZ4Kh$g7HYl4IVxdPoVWTQwrz01UeMYjcpCOJkyos53ERyLHg2Mp8cPgD9BcEsjvTx3xhXUqNtpUoyR4LZF_XSV7eS7D4lsr5HQC.UexXFMc2AzwKIWhgE$CiSkPRg7$3pwx8O2vpqqoGv5caOG5ByJPXChyB8F9ip.D20zmZEbsvCSE_pib$PBFtwyX_jn_L9Cz5EWkOmWC6ndQ3EJgUVhBUBmyKpmXjCunxJSS_gNw8kmtn3WoTGm3TuLOsj9F8Fj5bNXvDJpIuJb.ate4fcS3A$HH2.eSN67gXertPSohwx4eyHXCACZsGoDii137TVTrSciU8VEszgDCQ515Iz00FF46gHmcFHWQiGD$t2oUnyFdA3khwHERvtOxv5WA_Y5n5dDcN_6bWBlnJtjQr3N_jzNxhXnuVnby7fTLB4ilxg8ypbg1RXLPG4BpzTFtNmcc */
	.long	0x200	/* Tkallsyms_names */
	.long	0x210	/* T__efistub_thing */
	.long	0x220	/* Tfoo_veneer */
	.long	0x230	/* Tx.long_branch.y */
	.long	0x240	/* Uundefined_sym */
	.long	0x250	/* Ndebug_sym */
	.long	0x300	/* T__kcfi_typeid_foo */
	.long	0x310	/* Tdo_one_initcall */
	.long	0x310	/* t_do_one_initcall */
	.long	0x310	/* t__do_one_initcall */
	.long	0x400	/* T_etext */
	.long	0x200000	/* T_sinittext */
	.long	0x200010	/* tinit_fn */
	.long	0x200020	/* T_einittext */
	.long	0x300300	/* R__stop___ksymtab */

.globl kallsyms_relative_base
	ALGN
kallsyms_relative_base:
	PTR	_text + 0

.globl kallsyms_seqs_of_names
	ALGN
kallsyms_seqs_of_names:
	.byte 0x00, 0x00, 0x14	/* t__do_one_initcall */
	.byte 0x00, 0x00, 0x0c	/* T__efistub_thing */
	.byte 0x00, 0x00, 0x11	/* T__kcfi_typeid_foo */
	.byte 0x00, 0x00, 0x09	/* t__long_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_.llvm.123456789 */
	.byte 0x00, 0x00, 0x03	/* T__start_section_marker */
	.byte 0x00, 0x00, 0x19	/* R__stop___ksymtab */
	.byte 0x00, 0x00, 0x13	/* t_do_one_initcall */
	.byte 0x00, 0x00, 0x18	/* T_einittext */
	.byte 0x00, 0x00, 0x15	/* T_etext */
	.byte 0x00, 0x00, 0x16	/* T_sinittext */
	.byte 0x00, 0x00, 0x02	/* T_stext */
	.byte 0x00, 0x00, 0x01	/* T_text */
	.byte 0x00, 0x00, 0x08	/* Ta_very_long_symbol_name_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx */
	.byte 0x00, 0x00, 0x10	/* Ndebug_sym */
	.byte 0x00, 0x00, 0x12	/* Tdo_one_initcall */
	.byte 0x00, 0x00, 0x0d	/* Tfoo_veneer */
	.byte 0x00, 0x00, 0x17	/* tinit_fn */
	.byte 0x00, 0x00, 0x0b	/* Tkallsyms_names */
	.byte 0x00, 0x00, 0x06	/* tlocal_fn */
	.byte 0x00, 0x00, 0x07	/* tlocal_fn.llvm.111 */
	.byte 0x00, 0x00, 0x05	/* tlocal_fn.llvm.999 */
	.byte 0x00, 0x00, 0x0a	/* tmixed_sRr1B3UGzPmeiBf.McUvb3gZ4Kh$g7HYl4IVxdPoVWTQwrz01UeMYjcpCOJkyos53ERyLHg2Mp8cPgD9BcEsjvTx3xhXUqNtpUoyR4LZF_XSV7eS7D4lsr5HQC.UexXFMc2AzwKIWhgE$CiSkPRg7$3pwx8O2vpqqoGv5caOG5ByJPXChyB8F9ip.D20zmZEbsvCSE_pib$PBFtwyX_jn_L9Cz5EWkOmWC6ndQ3EJgUVhBUBmyKpmXjCunxJSS_gNw8kmtn3WoTGm3TuLOsj9F8Fj5bNXvDJpIuJb.ate4fcS3A$HH2.eSN67gXertPSohwx4eyHXCACZsGoDii137TVTrSciU8VEszgDCQ515Iz00FF46gHmcFHWQiGD$t2oUnyFdA3khwHERvtOxv5WA_Y5n5dDcN_6bWBlnJtjQr3N_jzNxhXnuVnby7fTLB4ilxg8ypbg1RXLPG4BpzTFtNmcc */
	.byte 0x00, 0x00, 0x00	/* Tstartup_64 */
	.byte 0x00, 0x00, 0x0f	/* Uundefined_sym */
	.byte 0x00, 0x00, 0x04	/* Wweak_at_start */
	.byte 0x00, 0x00, 0x0e	/* Tx.long_branch.y */

