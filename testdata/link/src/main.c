#include "kinit.h"
static int __init main_early(void) { return 0; }
early_initcall(main_early);
static int __init main_pure(void) { return 0; }
pure_initcall(main_pure);
static int __init main_core(void) { return 0; }
core_initcall(main_core);
static int __init main_core_sync(void) { return 0; }
core_initcall_sync(main_core_sync);
static int __init main_rootfs(void) { return 0; }
rootfs_initcall(main_rootfs);
static int __init main_dev(void) { return 0; }
device_initcall(main_dev);
static int __init main_dev2(void) { return 0; }
device_initcall(main_dev2);
static int __init main_con(void) { return 0; }
console_initcall(main_con);
