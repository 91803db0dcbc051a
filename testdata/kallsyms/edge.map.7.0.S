	.section .rodata, "a"
.globl kallsyms_num_syms
	.balign 4
kallsyms_num_syms:
	.long	33

.globl kallsyms_names
	.balign 4
kallsyms_names:
	.byte 0x08, 0x44, 0x66, 0x95, 0x5f, 0xbc, 0xc5, 0x5f, 0xd6
	.byte 0x02, 0x8f, 0xcf
	.byte 0x04, 0x41, 0xe7, 0x67, 0x70
	.byte 0x07, 0x44, 0x72, 0xf7, 0x71, 0xa0, 0xa0, 0x73
	.byte 0x03, 0x8f, 0xda, 0xcb
	.byte 0x07, 0x54, 0x73, 0xd8, 0x75, 0x70, 0xb2, 0x34
	.byte 0x02, 0xa8, 0xdf
	.byte 0x02, 0x87, 0xdf
	.byte 0x0a, 0xa8, 0xcf, 0xf5, 0x65, 0xf0, 0x6d, 0x61, 0x72, 0x6b, 0xde
	.byte 0x08, 0x57, 0x77, 0x65, 0x61, 0x6b, 0xa5, 0x74, 0xcf
	.byte 0x03, 0x8c, 0xaf, 0x39
	.byte 0x01, 0xc0
	.byte 0x02, 0x8c, 0x40
	.byte 0x0f, 0xa6, 0x5f, 0x76, 0xde, 0x79, 0x5f, 0x96, 0xc2, 0x5f, 0xef, 0xb8, 0xb8, 0xfb, 0xfe, 0xff
	.byte 0x0c, 0x88, 0x96, 0x5f, 0x8a, 0xd7, 0xce, 0xb4, 0x34, 0x35, 0xb1, 0x38, 0x39
	.byte 0xed, 0x02, 0x28, 0x55, 0x47, 0x7a, 0x50, 0x6d, 0x65, 0x69, 0x42, 0x7d, 0xa4, 0x55, 0x76, 0x62, 0x33, 0x67, 0x5a, 0x34, 0x4b, 0x82, 0xb0, 0x48, 0x59, 0x6c, 0x34, 0x49, 0x56, 0x78, 0x64, 0x50, 0x6f, 0x56, 0x57, 0x54, 0x51, 0x77, 0x72, 0x3f, 0xa1, 0x4d, 0x59, 0x6a, 0xd3, 0x43, 0x4f, 0x4a, 0x6b, 0x79, 0x6f, 0x73, 0x35, 0xac, 0x52, 0x79, 0x4c, 0x48, 0x3d, 0x4d, 0x70, 0x38, 0x63, 0x50, 0xad, 0x39, 0x42, 0x63, 0x45, 0x9d, 0x76, 0x54, 0x78, 0x33, 0x92, 0x55, 0x71, 0x4e, 0x74, 0x70, 0x55, 0x6f, 0x79, 0x52, 0x34, 0x4c, 0x5a, 0x46, 0x5f, 0x58, 0x53, 0x56, 0x37, 0xaa, 0x37, 0x44, 0x34, 0x6c, 0x73, 0x72, 0x35, 0x48, 0x51, 0x7f, 0xa1, 0x78, 0x58, 0x46, 0x3b, 0x41, 0x7a, 0x77, 0x4b, 0x49, 0x57, 0x68, 0x67, 0x84, 0x43, 0x69, 0x53, 0x6b, 0x50, 0x52, 0x81, 0x33, 0x70, 0x77, 0x78, 0x38, 0x3e, 0x76, 0x70, 0x71, 0x71, 0x6f, 0x47, 0xb3, 0xe4, 0x4f, 0x47, 0x35, 0x42, 0x79, 0x4a, 0x50, 0xae, 0x68, 0x79, 0x42, 0xab, 0x39, 0x69, 0x7c, 0x44, 0x7b, 0x7a, 0x6d, 0x5a, 0x45, 0xd2, 0x76, 0x43, 0x53, 0x45, 0x5f, 0x70, 0x69, 0x83, 0x50, 0x42, 0x9a, 0x77, 0x79, 0x58, 0x9e, 0x6e, 0x5f, 0x4c, 0x39, 0x43, 0x7a, 0x35, 0x45, 0x57, 0x6b, 0x4f, 0x6d, 0x57, 0x43, 0x36, 0xcb, 0x51, 0xac, 0x4a, 0x67, 0x55, 0x56, 0x68, 0x42, 0x55, 0x42, 0x6d, 0x79, 0x4b, 0x70, 0x6d, 0x58, 0x6a, 0x43, 0xf7, 0x78, 0x4a, 0x53, 0x53, 0x5f, 0x67, 0x4e, 0x77, 0x00, 0x86, 0x48, 0x48, 0x80, 0xaa, 0x4e, 0xb1, 0x67, 0x58, 0xde, 0x74, 0x50, 0x53, 0x6f, 0x99, 0x78, 0x34, 0x65, 0x79, 0x48, 0xae, 0x41, 0x43, 0x5a, 0x73, 0x47, 0x6f, 0x44, 0x69, 0x5c, 0x33, 0x37, 0x54, 0x56, 0x54, 0x72, 0x53, 0x63, 0x69, 0x55, 0x38, 0x56, 0x45, 0x73, 0x7a, 0xad, 0x43, 0x51, 0x5e, 0x35, 0x49, 0x60, 0x46, 0x46, 0x34, 0x36, 0x67, 0x48, 0xa3, 0x46, 0x48, 0x57, 0x51, 0x69, 0x47, 0x85, 0x3c, 0x6f, 0x55, 0x6e, 0x79, 0x46, 0x64, 0x3a, 0x6b, 0x99, 0x48, 0x45, 0x52, 0x76, 0x74, 0x4f, 0x78, 0xb3, 0x57, 0x41, 0x5f, 0x59, 0x35, 0x6e, 0x35, 0x64, 0x44, 0x63, 0x4e, 0xb2, 0x62, 0x57, 0x42, 0x6c, 0x6e, 0x4a, 0x74, 0x6a, 0x51, 0x72, 0x33, 0x4e, 0x9e, 0x7a, 0x4e, 0x92, 0x6e, 0x75, 0x56, 0x6e, 0x62, 0x79, 0x37, 0x66, 0x54, 0x4c, 0x42, 0x34, 0x69, 0x6c, 0x78, 0x67, 0x38, 0x79, 0x70, 0x62, 0x5d, 0x52, 0x58, 0x4c, 0x50, 0x47, 0x34, 0x42, 0x70, 0x7a, 0x54, 0x9a, 0x4e, 0xa3, 0x63
	.byte 0x02, 0x54, 0xb9
	.byte 0x03, 0x74, 0x5f, 0xb9
	.byte 0x02, 0x88, 0xb9
	.byte 0x03, 0xa6, 0x74, 0x89
	.byte 0x02, 0x54, 0x89
	.byte 0x02, 0x44, 0x90
	.byte 0x04, 0x64, 0x90, 0xce, 0x35
	.byte 0x02, 0x87, 0xbb
	.byte 0x03, 0xf8, 0xe0, 0xd4
	.byte 0x03, 0xee, 0x74, 0x91
	.byte 0x02, 0x54, 0x91
	.byte 0x02, 0x8d, 0xcf
	.byte 0x06, 0x62, 0xc6, 0xf5, 0x79, 0xdc, 0xb4
	.byte 0x02, 0x8d, 0x97
	.byte 0x06, 0x52, 0x8b, 0xa5, 0x66, 0xe6, 0x72
	.byte 0x06, 0x52, 0xe7, 0x65, 0xcb, 0x5f, 0x8b
	.byte 0x0a, 0x52, 0x5f, 0x97, 0xe7, 0x5f, 0x6b, 0x73, 0xd5, 0xee, 0x62

.globl kallsyms_markers
	.balign 4
kallsyms_markers:
	.long	0

.globl kallsyms_token_table
	.balign 4
kallsyms_token_table:
	.asciz	"8kmtn3WoTGm3TuLOsj9F8Fj5bNXvDJpIuJb.ate4fcS3"
	.asciz	"kmtn3WoTGm3TuLOsj9F8Fj5bNXvDJpIuJb.ate4fcS3"
	.asciz	"mtn3WoTGm3TuLOsj9F8Fj5bNXvDJpIuJb.ate4fcS3"
	.asciz	"tn3WoTGm3TuLOsj9F8Fj5bNXvDJpIuJb.ate4fcS3"
	.asciz	"n3WoTGm3TuLOsj9F8Fj5bNXvDJpIuJb.ate4fcS3"
	.asciz	"3WoTGm3TuLOsj9F8Fj5bNXvDJpIuJb.ate4fcS3"
	.asciz	"WoTGm3TuLOsj9F8Fj5bNXvDJpIuJb.ate4fcS3"
	.asciz	"oTGm3TuLOsj9F8Fj5bNXvDJpIuJb.ate4fcS3"
	.asciz	"TGm3TuLOsj9F8Fj5bNXvDJpIuJb.ate4fcS3"
	.asciz	"Gm3TuLOsj9F8Fj5bNXvDJpIuJb.ate4fcS3"
	.asciz	"m3TuLOsj9F8Fj5bNXvDJpIuJb.ate4fcS3"
	.asciz	"3TuLOsj9F8Fj5bNXvDJpIuJb.ate4fcS3"
	.asciz	"TuLOsj9F8Fj5bNXvDJpIuJb.ate4fcS3"
	.asciz	"uLOsj9F8Fj5bNXvDJpIuJb.ate4fcS3"
	.asciz	"LOsj9F8Fj5bNXvDJpIuJb.ate4fcS3"
	.asciz	"Osj9F8Fj5bNXvDJpIuJb.ate4fcS3"
	.asciz	"sj9F8Fj5bNXvDJpIuJb.ate4fcS3"
	.asciz	"9F8Fj5bNXvDJpIuJb.ate4fcS3"
	.asciz	"F8Fj5bNXvDJpIuJb.ate4fcS3"
	.asciz	"8Fj5bNXvDJpIuJb.ate4fcS3"
	.asciz	"j5bNXvDJpIuJb.ate4fcS3"
	.asciz	"5bNXvDJpIuJb.ate4fcS3"
	.asciz	"bNXvDJpIuJb.ate4fcS3"
	.asciz	"NXvDJpIuJb.ate4fcS3"
	.asciz	"XvDJpIuJb.ate4fcS3"
	.asciz	"vDJpIuJb.ate4fcS3"
	.asciz	"DJpIuJb.ate4fcS3"
	.asciz	"JpIuJb.ate4fcS3"
	.asciz	"pIuJb.ate4fcS3"
	.asciz	"IuJb.ate4fcS3"
	.asciz	"uJb.ate4fcS3"
	.asciz	"Jb.ate4fcS3"
	.asciz	"b.ate4fcS3"
	.asciz	"ate4fcS3"
	.asciz	"te4fcS3"
	.asciz	"4fcS3"
	.asciz	"$"
	.asciz	"fcS3"
	.asciz	"cS3"
	.asciz	"S3"
	.asciz	"tmixed_sRr1B3"
	.asciz	"mixed_sRr1B3"
	.asciz	"ixed_sRr1B3"
	.asciz	"_sRr1B3"
	.asciz	"Rr1B3"
	.asciz	"r1B3"
	.asciz	"."
	.asciz	"B3"
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
	.asciz	"A3"
	.asciz	"Mc2"
	.asciz	"t2"
	.asciz	"g2"
	.asciz	"O2"
	.asciz	"z01"
	.asciz	"111"
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
	.asciz	"r1"
	.asciz	"i1"
	.asciz	"g1"
	.asciz	"51"
	.asciz	"_"
	.asciz	"z00"
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
	.asciz	"t__"
	.asciz	"_etext"
	.asciz	"lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_"
	.asciz	"rodata"
	.asciz	"tlocal_fn.llvm."
	.asciz	"B__bss"
	.asciz	"__bss"
	.asciz	"D__per_cpu"
	.asciz	"data_symbol"
	.asciz	"_einittext"
	.asciz	"xhX"
	.asciz	"D__per_"
	.asciz	"__per_"
	.asciz	"ixed"
	.asciz	"long"
	.asciz	"_stop"
	.asciz	"ix"
	.asciz	"hw"
	.asciz	"Ft"
	.asciz	"top"
	.asciz	"ro"
	.asciz	"sj"
	.asciz	"_j"
	.asciz	"ong"
	.asciz	"ue"
	.asciz	"Ue"
	.asciz	"ed"
	.asciz	"mc"
	.asciz	"Mc"
	.asciz	"_a"
	.asciz	"Ta"
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
	.asciz	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	.asciz	"do_one_initcall"
	.asciz	"call"
	.asciz	"inittext"
	.asciz	"per"
	.asciz	"do_one_init"
	.asciz	"one_init"
	.asciz	"e_init"
	.asciz	"tlocal_fn"
	.asciz	"do_"
	.asciz	"_symbol"
	.asciz	"ymbol"
	.asciz	"tlocal"
	.asciz	"cpu"
	.asciz	"bss"
	.asciz	"tlo"
	.asciz	"cal"
	.asciz	"tl"
	.asciz	"ol"
	.asciz	"nd"
	.asciz	"ymb"
	.asciz	"o_"
	.asciz	".llvm."
	.asciz	"_start"
	.asciz	".llv"
	.asciz	"llv"
	.asciz	"bs"
	.asciz	"cp"
	.asciz	"_fn"
	.asciz	"ym"
	.asciz	"data"
	.asciz	"lto_function_name_lto_function_name_lto_function_name_lto_function_name_"
	.asciz	"tart"
	.asciz	"tar"
	.asciz	"_e"
	.asciz	"da"
	.asciz	"m."
	.asciz	"init"
	.asciz	"er"
	.asciz	"text"
	.asciz	"nit"
	.asciz	"xt"
	.asciz	"ll"
	.asciz	"ni"
	.asciz	"ca"
	.asciz	"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	.asciz	"te"
	.asciz	"__"
	.asciz	"lto_function_name_lto_function_name_"
	.asciz	"lto_function_name_"
	.asciz	"to_function_name_"
	.asciz	"_function_name_"
	.asciz	"unction_name_"
	.asciz	"ction_name_"
	.asciz	"ta"
	.asciz	"name_"
	.asciz	"ction_"
	.asciz	"tion_"
	.asciz	"nam"
	.asciz	"na"
	.asciz	"on_"
	.asciz	"_s"
	.asciz	"to"
	.asciz	"un"
	.asciz	"ti"
	.asciz	"_f"
	.asciz	"e_"
	.asciz	"xxxxxxxxxxxxxxxx"
	.asciz	"on"
	.asciz	"xxxxxxxx"
	.asciz	"xxxx"
	.asciz	"xx"

.globl kallsyms_token_index
	.balign 4
kallsyms_token_index:
	.short	0
	.short	45
	.short	89
	.short	132
	.short	174
	.short	215
	.short	255
	.short	294
	.short	332
	.short	369
	.short	405
	.short	440
	.short	474
	.short	507
	.short	539
	.short	570
	.short	600
	.short	629
	.short	656
	.short	682
	.short	707
	.short	730
	.short	752
	.short	773
	.short	793
	.short	812
	.short	830
	.short	847
	.short	863
	.short	878
	.short	892
	.short	905
	.short	917
	.short	928
	.short	937
	.short	945
	.short	951
	.short	953
	.short	958
	.short	962
	.short	965
	.short	979
	.short	992
	.short	1004
	.short	1012
	.short	1018
	.short	1023
	.short	1025
	.short	1028
	.short	1030
	.short	1032
	.short	1034
	.short	1036
	.short	1038
	.short	1040
	.short	1042
	.short	1044
	.short	1046
	.short	1048
	.short	1051
	.short	1055
	.short	1058
	.short	1061
	.short	1064
	.short	1068
	.short	1072
	.short	1074
	.short	1076
	.short	1078
	.short	1080
	.short	1082
	.short	1084
	.short	1086
	.short	1088
	.short	1090
	.short	1092
	.short	1094
	.short	1096
	.short	1098
	.short	1100
	.short	1102
	.short	1104
	.short	1106
	.short	1108
	.short	1110
	.short	1112
	.short	1114
	.short	1116
	.short	1118
	.short	1120
	.short	1122
	.short	1124
	.short	1127
	.short	1130
	.short	1133
	.short	1136
	.short	1138
	.short	1142
	.short	1144
	.short	1146
	.short	1148
	.short	1150
	.short	1152
	.short	1154
	.short	1156
	.short	1158
	.short	1160
	.short	1162
	.short	1164
	.short	1166
	.short	1168
	.short	1170
	.short	1172
	.short	1174
	.short	1176
	.short	1178
	.short	1180
	.short	1182
	.short	1184
	.short	1186
	.short	1188
	.short	1190
	.short	1192
	.short	1194
	.short	1197
	.short	1200
	.short	1203
	.short	1206
	.short	1209
	.short	1212
	.short	1216
	.short	1219
	.short	1222
	.short	1225
	.short	1228
	.short	1231
	.short	1235
	.short	1239
	.short	1246
	.short	1391
	.short	1398
	.short	1414
	.short	1421
	.short	1427
	.short	1438
	.short	1450
	.short	1461
	.short	1465
	.short	1473
	.short	1480
	.short	1485
	.short	1490
	.short	1496
	.short	1499
	.short	1502
	.short	1505
	.short	1509
	.short	1512
	.short	1515
	.short	1518
	.short	1522
	.short	1525
	.short	1528
	.short	1531
	.short	1534
	.short	1537
	.short	1540
	.short	1543
	.short	1548
	.short	1551
	.short	1554
	.short	1557
	.short	1560
	.short	1563
	.short	1566
	.short	1569
	.short	1572
	.short	1575
	.short	1578
	.short	1581
	.short	1584
	.short	1588
	.short	1591
	.short	1594
	.short	1597
	.short	1662
	.short	1678
	.short	1683
	.short	1692
	.short	1696
	.short	1708
	.short	1717
	.short	1724
	.short	1734
	.short	1738
	.short	1746
	.short	1752
	.short	1759
	.short	1763
	.short	1767
	.short	1771
	.short	1775
	.short	1778
	.short	1781
	.short	1784
	.short	1788
	.short	1791
	.short	1798
	.short	1805
	.short	1810
	.short	1814
	.short	1817
	.short	1820
	.short	1824
	.short	1827
	.short	1832
	.short	1905
	.short	1910
	.short	1914
	.short	1917
	.short	1920
	.short	1923
	.short	1928
	.short	1931
	.short	1936
	.short	1940
	.short	1943
	.short	1946
	.short	1949
	.short	1952
	.short	1985
	.short	1988
	.short	1991
	.short	2028
	.short	2047
	.short	2065
	.short	2081
	.short	2095
	.short	2107
	.short	2110
	.short	2116
	.short	2123
	.short	2129
	.short	2133
	.short	2136
	.short	2140
	.short	2143
	.short	2146
	.short	2149
	.short	2152
	.short	2155
	.short	2158
	.short	2175
	.short	2178
	.short	2187
	.short	2192

.globl kallsyms_offsets
	.balign 4
kallsyms_offsets:
	.long	_text - . + (2130706432)	/* Dfixed_percpu_data */
	.long	_text - . + (2130706432)	/* D__per_cpu_start */
	.long	_text - . + (2130706448)	/* A__gp */
	.long	_text - . + (2130710528)	/* Drunqueues */
	.long	_text - . + (2130714624)	/* D__per_cpu_end */
	.long	_text - . + (0)	/* Tstartup_64 */
	.long	_text - . + (0)	/* T_text */
	.long	_text - . + (0)	/* T_stext */
	.long	_text - . + (0)	/* T__start_section_marker */
	.long	_text - . + (0)	/* Wweak_at_start */
	.long	_text - . + (64)	/* tlocal_fn.llvm.999 */
	.long	_text - . + (64)	/* tlocal_fn */
	.long	_text - . + (80)	/* tlocal_fn.llvm.111 */
	.long	_text - . + (128)	/* Ta_very_long_symbol_name_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx */
	.long	_text - . + (256)	/* t__long_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_lto_function_name_.llvm.123456789 */
	.long	_text - . + (384)	/* tmixed_sRr1B3UGzPmeiBf.McUvb3gZ4Kh$g7HYl4IVxdPoVWTQwrz01UeMYjcpCOJkyos53ERyLHg2Mp8cPgD9BcEsjvTx3xhXUqNtpUoyR4LZF_XSV7eS7D4lsr5HQC.UexXFMc2AzwKIWhgE$CiSkPRg7$3pwx8O2vpqqoGv5caOG5ByJPXChyB8F9ip.D20zmZEbsvCSE_pib$PBFtwyX_jn_L9Cz5EWkOmWC6ndQ3EJgUVhBUBmyKpmXjCunxJSS_gNw8kmtn3WoTGm3TuLOsj9F8Fj5bNXvDJpIuJb.ate4fcS3A$HH2.eSN67gXertPSohwx4eyHXCACZsGoDii137TVTrSciU8VEszgDCQ515Iz00FF46gHmcFHWQiGD$t2oUnyFdA3khwHERvtOxv5WA_Y5n5dDcN_6bWBlnJtjQr3N_jzNxhXnuVnby7fTLB4ilxg8ypbg1RXLPG4BpzTFtNmcc */
	.long	_text - . + (784)	/* Tdo_one_initcall */
	.long	_text - . + (784)	/* t_do_one_initcall */
	.long	_text - . + (784)	/* t__do_one_initcall */
	.long	_text - . + (1024)	/* Tat_etext */
	.long	_text - . + (1024)	/* T_etext */
	.long	_text - . + (1048576)	/* Ddata_symbol */
	.long	_text - . + (1048576)	/* ddata_symbol.llvm.5 */
	.long	_text - . + (2097152)	/* T_sinittext */
	.long	_text - . + (2097168)	/* tinit_fn */
	.long	_text - . + (2097184)	/* tat_einittext */
	.long	_text - . + (2097184)	/* T_einittext */
	.long	_text - . + (3145728)	/* B__bss_start */
	.long	_text - . + (3145984)	/* bbss_sym.123 */
	.long	_text - . + (3146240)	/* B__bss_stop */
	.long	_text - . + (3146496)	/* Rrodata_after */
	.long	_text - . + (3146496)	/* R__end_rodata */
	.long	_text - . + (3146496)	/* R__stop___ksymtab */

.globl kallsyms_seqs_of_names
	.balign 4
kallsyms_seqs_of_names:
	.byte 0x00, 0x00, 0x1b
	.byte 0x00, 0x00, 0x1d
	.byte 0x00, 0x00, 0x12
	.byte 0x00, 0x00, 0x1f
	.byte 0x00, 0x00, 0x02
	.byte 0x00, 0x00, 0x0e
	.byte 0x00, 0x00, 0x04
	.byte 0x00, 0x00, 0x01
	.byte 0x00, 0x00, 0x08
	.byte 0x00, 0x00, 0x20
	.byte 0x00, 0x00, 0x11
	.byte 0x00, 0x00, 0x1a
	.byte 0x00, 0x00, 0x14
	.byte 0x00, 0x00, 0x17
	.byte 0x00, 0x00, 0x07
	.byte 0x00, 0x00, 0x06
	.byte 0x00, 0x00, 0x0d
	.byte 0x00, 0x00, 0x19
	.byte 0x00, 0x00, 0x13
	.byte 0x00, 0x00, 0x1c
	.byte 0x00, 0x00, 0x15
	.byte 0x00, 0x00, 0x16
	.byte 0x00, 0x00, 0x10
	.byte 0x00, 0x00, 0x00
	.byte 0x00, 0x00, 0x18
	.byte 0x00, 0x00, 0x0b
	.byte 0x00, 0x00, 0x0c
	.byte 0x00, 0x00, 0x0a
	.byte 0x00, 0x00, 0x0f
	.byte 0x00, 0x00, 0x1e
	.byte 0x00, 0x00, 0x03
	.byte 0x00, 0x00, 0x05
	.byte 0x00, 0x00, 0x09

