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
	.long	18

.globl kallsyms_names
	ALGN
kallsyms_names:
	.byte 0x06, 0x54, 0x73, 0xd1, 0x75, 0x70, 0x7b
	.byte 0x02, 0xde, 0xe1
	.byte 0x02, 0xa9, 0xe1
	.byte 0x09, 0xde, 0xac, 0xe7, 0x65, 0xf2, 0x6d, 0xdc, 0x6b, 0xd5
	.byte 0x09, 0x57, 0x77, 0x65, 0x61, 0x6b, 0x5f, 0x61, 0x74, 0xac
	.byte 0x03, 0xad, 0xc0, 0x39
	.byte 0x01, 0xcd
	.byte 0x02, 0xad, 0x97
	.byte 0x15, 0x54, 0x61, 0x5f, 0x76, 0xd5, 0x79, 0x5f, 0xaf, 0xe7, 0x79, 0x6d, 0x62, 0x6f, 0x6c, 0x5f, 0xf1, 0xc7, 0xc7, 0xfb, 0xfe, 0xff
	.byte 0x09, 0xb9, 0xaf, 0x5f, 0xab, 0xdf, 0x3d, 0xc2, 0x38, 0x39
	.byte 0xd7, 0x02, 0x74, 0x6d, 0x69, 0x78, 0x65, 0x64, 0xe7, 0x52, 0x98, 0x8e, 0x55, 0x47, 0x7a, 0x50, 0x6d, 0x65, 0x69, 0x42, 0x9f, 0xb8, 0x55, 0x76, 0x8c, 0x67, 0x7f, 0x4b, 0xa4, 0xc1, 0x48, 0x59, 0x7e, 0x49, 0x56, 0x78, 0x64, 0x50, 0x6f, 0x56, 0x57, 0x54, 0x51, 0x77, 0x72, 0x96, 0xb6, 0x4d, 0x59, 0x6a, 0x00, 0xbb, 0x37, 0x83, 0x6c, 0x73, 0x40, 0x48, 0x51, 0xa1, 0xb6, 0x78, 0x58, 0x46, 0x90, 0x41, 0x7a, 0x77, 0x4b, 0x49, 0x57, 0x68, 0x67, 0xa6, 0x43, 0x69, 0x53, 0x6b, 0x50, 0x52, 0x85, 0x70, 0x77, 0x78, 0x38, 0x94, 0x76, 0x70, 0x71, 0x71, 0x6f, 0x47, 0xc4, 0xe8, 0x4f, 0x5e, 0x42, 0x79, 0x4a, 0x50, 0xbf, 0x68, 0x79, 0x42, 0xbc, 0x39, 0x69, 0x9e, 0x44, 0x9d, 0x7a, 0x6d, 0x5a, 0x45, 0x62, 0x73, 0x76, 0x43, 0x53, 0x45, 0x5f, 0x70, 0x69, 0xa5, 0x50, 0x42, 0xb1, 0x77, 0x79, 0x58, 0xb3, 0x6e, 0x5f, 0x4c, 0x39, 0x43, 0x3e, 0x45, 0x57, 0x6b, 0x4f, 0x6d, 0x57, 0x3b, 0x6e, 0x64, 0x51, 0xbd, 0x4a, 0x67, 0x55, 0x56, 0x68, 0x42, 0x55, 0x42, 0x6d, 0x79, 0x4b, 0x70, 0x6d, 0x58, 0x6a, 0x43, 0xf4, 0x78, 0x4a, 0x53, 0x53, 0x5f, 0x67, 0x4e, 0x77, 0x38, 0x6b, 0x6d, 0x74, 0x8a, 0x57, 0x6f, 0x54, 0x47, 0x8b, 0x54, 0x75, 0x4c, 0x4f, 0xb2, 0x39, 0x46, 0xbc, 0x5c, 0x62, 0x4e, 0x58, 0x76, 0x44, 0x4a, 0x70, 0x49, 0x75, 0x4a, 0xa0, 0x61, 0x60, 0x66, 0x63, 0x8d, 0xa8, 0x48, 0x48, 0xa2, 0xbb, 0x4e, 0xc2, 0x67, 0x58, 0xd5, 0x74, 0x50, 0x53, 0x6f, 0xb0, 0x7d, 0x65, 0x79, 0x48, 0xbf, 0x41, 0x43, 0x5a, 0x73, 0x47, 0x6f, 0x44, 0x69, 0x86, 0x37, 0x54, 0x56, 0x54, 0x72, 0x53, 0x63, 0x69, 0x55, 0x38, 0x56, 0x45, 0x73, 0x7a, 0xbe, 0x43, 0x51, 0x3c, 0x49, 0x9c, 0x46, 0x3a, 0x67, 0x48, 0xb7, 0x46, 0x48, 0x57, 0x51, 0x69, 0x47, 0xa7, 0x92, 0x6f, 0x55, 0x6e, 0x79, 0x46, 0x64, 0x8f, 0x6b, 0xb0, 0x48, 0x45, 0x52, 0x76, 0x74, 0x4f, 0x78, 0xc4, 0x57, 0x41, 0x5f, 0x5d, 0x5b, 0x64, 0x44, 0x63, 0x4e, 0xc3, 0x62, 0x57, 0x42, 0x6c, 0x6e, 0x4a, 0x74, 0x6a, 0x51, 0x89, 0x4e, 0xb3, 0x7a, 0x4e, 0xae, 0x6e, 0x75, 0x56, 0x6e, 0x62, 0x79, 0x37, 0x66, 0x54, 0x4c, 0x84, 0x69, 0x6c, 0x78, 0x67, 0x38, 0x79, 0x70, 0x62, 0x9a, 0x52, 0x58, 0x4c, 0x50, 0x81, 0x42, 0x70, 0x7a, 0x54, 0xb1, 0x4e, 0xb7, 0x63
	.byte 0x02, 0x54, 0xc8
	.byte 0x02, 0xd9, 0xc8
	.byte 0x02, 0xb9, 0xc8
	.byte 0x02, 0xb5, 0xe1
	.byte 0x02, 0xa9, 0xaa
	.byte 0x03, 0xf8, 0xe3, 0xdd
	.byte 0x02, 0xb5, 0xaa

.globl kallsyms_markers
	ALGN
kallsyms_markers:
	.long	0

.globl kallsyms_token_table
	ALGN
kallsyms_token_table:
	.asciz	"cpCOJkyos53ERyLHg2Mp8cPgD9BcEsjvTx3xhXUqNtpUoyR4LZF_XSV7"
	.asciz	"pCOJkyos53ERyLHg2Mp8cPgD9BcEsjvTx3xhXUqNtpUoyR4LZF_XSV7"
	.asciz	"COJkyos53ERyLHg2Mp8cPgD9BcEsjvTx3xhXUqNtpUoyR4LZF_XSV7"
	.asciz	"OJkyos53ERyLHg2Mp8cPgD9BcEsjvTx3xhXUqNtpUoyR4LZF_XSV7"
	.asciz	"Jkyos53ERyLHg2Mp8cPgD9BcEsjvTx3xhXUqNtpUoyR4LZF_XSV7"
	.asciz	"kyos53ERyLHg2Mp8cPgD9BcEsjvTx3xhXUqNtpUoyR4LZF_XSV7"
	.asciz	"yos53ERyLHg2Mp8cPgD9BcEsjvTx3xhXUqNtpUoyR4LZF_XSV7"
	.asciz	"os53ERyLHg2Mp8cPgD9BcEsjvTx3xhXUqNtpUoyR4LZF_XSV7"
	.asciz	"s53ERyLHg2Mp8cPgD9BcEsjvTx3xhXUqNtpUoyR4LZF_XSV7"
	.asciz	"3ERyLHg2Mp8cPgD9BcEsjvTx3xhXUqNtpUoyR4LZF_XSV7"
	.asciz	"RyLHg2Mp8cPgD9BcEsjvTx3xhXUqNtpUoyR4LZF_XSV7"
	.asciz	"yLHg2Mp8cPgD9BcEsjvTx3xhXUqNtpUoyR4LZF_XSV7"
	.asciz	"LHg2Mp8cPgD9BcEsjvTx3xhXUqNtpUoyR4LZF_XSV7"
	.asciz	"Hg2Mp8cPgD9BcEsjvTx3xhXUqNtpUoyR4LZF_XSV7"
	.asciz	"g2Mp8cPgD9BcEsjvTx3xhXUqNtpUoyR4LZF_XSV7"
	.asciz	"Mp8cPgD9BcEsjvTx3xhXUqNtpUoyR4LZF_XSV7"
	.asciz	"p8cPgD9BcEsjvTx3xhXUqNtpUoyR4LZF_XSV7"
	.asciz	"8cPgD9BcEsjvTx3xhXUqNtpUoyR4LZF_XSV7"
	.asciz	"cPgD9BcEsjvTx3xhXUqNtpUoyR4LZF_XSV7"
	.asciz	"PgD9BcEsjvTx3xhXUqNtpUoyR4LZF_XSV7"
	.asciz	"gD9BcEsjvTx3xhXUqNtpUoyR4LZF_XSV7"
	.asciz	"9BcEsjvTx3xhXUqNtpUoyR4LZF_XSV7"
	.asciz	"BcEsjvTx3xhXUqNtpUoyR4LZF_XSV7"
	.asciz	"cEsjvTx3xhXUqNtpUoyR4LZF_XSV7"
	.asciz	"EsjvTx3xhXUqNtpUoyR4LZF_XSV7"
	.asciz	"sjvTx3xhXUqNtpUoyR4LZF_XSV7"
	.asciz	"vTx3xhXUqNtpUoyR4LZF_XSV7"
	.asciz	"Tx3xhXUqNtpUoyR4LZF_XSV7"
	.asciz	"x3xhXUqNtpUoyR4LZF_XSV7"
	.asciz	"xhXUqNtpUoyR4LZF_XSV7"
	.asciz	"UqNtpUoyR4LZF_XSV7"
	.asciz	"qNtpUoyR4LZF_XSV7"
	.asciz	"NtpUoyR4LZF_XSV7"
	.asciz	"tpUoyR4LZF_XSV7"
	.asciz	"pUoyR4LZF_XSV7"
	.asciz	"UoyR4LZF_XSV7"
	.asciz	"$"
	.asciz	"oyR4LZF_XSV7"
	.asciz	"yR4LZF_XSV7"
	.asciz	"R4LZF_XSV7"
	.asciz	"LZF_XSV7"
	.asciz	"ZF_XSV7"
	.asciz	"F_XSV7"
	.asciz	"_XSV7"
	.asciz	"XSV7"
	.asciz	"SV7"
	.asciz	"."
	.asciz	"V7"
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
	.asciz	"F46"
	.asciz	"C6"
	.asciz	"515"
	.asciz	".llvm.12345"
	.asciz	"z5"
	.asciz	"s5"
	.asciz	"r5"
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
	.asciz	"n5"
	.asciz	"j5"
	.asciz	"Y5"
	.asciz	"G5"
	.asciz	"_"
	.asciz	"te4"
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
	.asciz	"_64"
	.asciz	".llvm.1234"
	.asciz	"x4"
	.asciz	"l4"
	.asciz	"Z4"
	.asciz	"R4"
	.asciz	"G4"
	.asciz	"F4"
	.asciz	"D4"
	.asciz	"B4"
	.asciz	"g7$3"
	.asciz	"i13"
	.asciz	".llvm.123"
	.asciz	"x3"
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
	.asciz	"p."
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
	.asciz	"inittext"
	.asciz	"lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_"
	.asciz	"_start"
	.asciz	"tlocal_fn.llvm."
	.asciz	"xhX"
	.asciz	"long"
	.asciz	"hw"
	.asciz	"Ft"
	.asciz	"sj"
	.asciz	"_j"
	.asciz	"ong"
	.asciz	"T_e"
	.asciz	"Ue"
	.asciz	"mc"
	.asciz	"Mc"
	.asciz	"t__"
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
	.asciz	"do_one_init"
	.asciz	"one_init"
	.asciz	"e_init"
	.asciz	"tlocal_fn"
	.asciz	".llvm."
	.asciz	"do_"
	.asciz	"tlocal"
	.asciz	"tart"
	.asciz	".llv"
	.asciz	"llv"
	.asciz	"art"
	.asciz	"er"
	.asciz	"tlo"
	.asciz	"cal"
	.asciz	"tl"
	.asciz	"t_"
	.asciz	"o_"
	.asciz	"m."
	.asciz	"ar"
	.asciz	"_fn"
	.asciz	"T_"
	.asciz	"lto_function_name_lto_function_name_lto_function_name_lto_function_name_"
	.asciz	"init"
	.asciz	"text"
	.asciz	"xt"
	.asciz	"nit"
	.asciz	"ll"
	.asciz	"ni"
	.asciz	"te"
	.asciz	"_s"
	.asciz	"ca"
	.asciz	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	.asciz	"lto_function_name_lto_function_name_"
	.asciz	"lto_function_name_"
	.asciz	"_function_name_"
	.asciz	"unction_name_"
	.asciz	"ction_name_"
	.asciz	"lto"
	.asciz	"to"
	.asciz	"name_"
	.asciz	"ction_"
	.asciz	"tion_"
	.asciz	"un"
	.asciz	"nam"
	.asciz	"na"
	.asciz	"on_"
	.asciz	"ti"
	.asciz	"_f"
	.asciz	"e_"
	.asciz	"xxxxxxxxxxxxxxxx"
	.asciz	"on"
	.asciz	"xxxxxxxx"
	.asciz	"xxxx"
	.asciz	"xx"

.globl kallsyms_token_index
	ALGN
kallsyms_token_index:
	.short	0
	.short	57
	.short	113
	.short	168
	.short	222
	.short	275
	.short	327
	.short	378
	.short	428
	.short	477
	.short	524
	.short	569
	.short	613
	.short	656
	.short	698
	.short	739
	.short	778
	.short	816
	.short	853
	.short	889
	.short	924
	.short	958
	.short	990
	.short	1021
	.short	1051
	.short	1080
	.short	1108
	.short	1134
	.short	1159
	.short	1183
	.short	1205
	.short	1224
	.short	1242
	.short	1259
	.short	1275
	.short	1290
	.short	1304
	.short	1306
	.short	1319
	.short	1331
	.short	1342
	.short	1351
	.short	1359
	.short	1366
	.short	1372
	.short	1377
	.short	1381
	.short	1383
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
	.short	1410
	.short	1413
	.short	1417
	.short	1429
	.short	1432
	.short	1435
	.short	1438
	.short	1440
	.short	1442
	.short	1444
	.short	1446
	.short	1448
	.short	1450
	.short	1452
	.short	1454
	.short	1456
	.short	1458
	.short	1460
	.short	1462
	.short	1464
	.short	1466
	.short	1468
	.short	1470
	.short	1472
	.short	1474
	.short	1476
	.short	1478
	.short	1480
	.short	1482
	.short	1484
	.short	1486
	.short	1488
	.short	1490
	.short	1493
	.short	1496
	.short	1499
	.short	1502
	.short	1504
	.short	1508
	.short	1510
	.short	1512
	.short	1514
	.short	1516
	.short	1518
	.short	1520
	.short	1522
	.short	1524
	.short	1526
	.short	1528
	.short	1530
	.short	1532
	.short	1534
	.short	1536
	.short	1538
	.short	1540
	.short	1542
	.short	1544
	.short	1546
	.short	1548
	.short	1550
	.short	1552
	.short	1554
	.short	1556
	.short	1558
	.short	1560
	.short	1564
	.short	1575
	.short	1578
	.short	1581
	.short	1584
	.short	1587
	.short	1590
	.short	1593
	.short	1596
	.short	1599
	.short	1604
	.short	1608
	.short	1618
	.short	1621
	.short	1624
	.short	1627
	.short	1630
	.short	1633
	.short	1636
	.short	1639
	.short	1642
	.short	1646
	.short	1655
	.short	1658
	.short	1661
	.short	1664
	.short	1672
	.short	1676
	.short	1680
	.short	1683
	.short	1686
	.short	1689
	.short	1692
	.short	1696
	.short	1699
	.short	1702
	.short	1705
	.short	1708
	.short	1711
	.short	1714
	.short	1718
	.short	1721
	.short	1724
	.short	1727
	.short	1730
	.short	1733
	.short	1737
	.short	1746
	.short	1891
	.short	1898
	.short	1914
	.short	1918
	.short	1923
	.short	1926
	.short	1929
	.short	1932
	.short	1935
	.short	1939
	.short	1943
	.short	1946
	.short	1949
	.short	1952
	.short	1956
	.short	1959
	.short	1962
	.short	1965
	.short	1968
	.short	1971
	.short	1974
	.short	1977
	.short	1980
	.short	1983
	.short	1986
	.short	1989
	.short	1992
	.short	1995
	.short	2060
	.short	2076
	.short	2081
	.short	2093
	.short	2102
	.short	2109
	.short	2119
	.short	2126
	.short	2130
	.short	2137
	.short	2142
	.short	2147
	.short	2151
	.short	2155
	.short	2158
	.short	2162
	.short	2166
	.short	2169
	.short	2172
	.short	2175
	.short	2178
	.short	2181
	.short	2185
	.short	2188
	.short	2261
	.short	2266
	.short	2271
	.short	2274
	.short	2278
	.short	2281
	.short	2284
	.short	2287
	.short	2290
	.short	2293
	.short	2326
	.short	2363
	.short	2382
	.short	2398
	.short	2412
	.short	2424
	.short	2428
	.short	2431
	.short	2437
	.short	2444
	.short	2450
	.short	2453
	.short	2457
	.short	2460
	.short	2464
	.short	2467
	.short	2470
	.short	2473
	.short	2490
	.short	2493
	.short	2502
	.short	2507

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
	.long	0x310	/* Tdo_one_initcall */
	.long	0x310	/* t_do_one_initcall */
	.long	0x310	/* t__do_one_initcall */
	.long	0x400	/* T_etext */
	.long	0x200000	/* T_sinittext */
	.long	0x200010	/* tinit_fn */
	.long	0x200020	/* T_einittext */

.globl kallsyms_relative_base
	ALGN
kallsyms_relative_base:
	PTR	_text + 0

.globl kallsyms_seqs_of_names
	ALGN
kallsyms_seqs_of_names:
	.byte 0x00, 0x00, 0x0d
	.byte 0x00, 0x00, 0x09
	.byte 0x00, 0x00, 0x03
	.byte 0x00, 0x00, 0x0c
	.byte 0x00, 0x00, 0x11
	.byte 0x00, 0x00, 0x0e
	.byte 0x00, 0x00, 0x0f
	.byte 0x00, 0x00, 0x02
	.byte 0x00, 0x00, 0x01
	.byte 0x00, 0x00, 0x08
	.byte 0x00, 0x00, 0x0b
	.byte 0x00, 0x00, 0x10
	.byte 0x00, 0x00, 0x06
	.byte 0x00, 0x00, 0x07
	.byte 0x00, 0x00, 0x05
	.byte 0x00, 0x00, 0x0a
	.byte 0x00, 0x00, 0x00
	.byte 0x00, 0x00, 0x04

