#include "kinit.h"
/* Many initcalls in one file: the counter orders them, not the name. */
static int __init zz_first(void) { return 0; }
device_initcall(zz_first);
static int __init aa_second(void) { return 0; }
device_initcall(aa_second);
static int __init drv_core(void) { return 0; }
core_initcall(drv_core);
static int __init drv_late(void) { return 0; }
late_initcall(drv_late);
static int __init drv_late_sync(void) { return 0; }
late_initcall_sync(drv_late_sync);
static int __init drv_fs(void) { return 0; }
fs_initcall(drv_fs);
static int __init drv_sub(void) { return 0; }
subsys_initcall(drv_sub);
static int __init drv_arch(void) { return 0; }
arch_initcall(drv_arch);
static int __init drv_post(void) { return 0; }
postcore_initcall(drv_post);
static int __init drv_dev_sync(void) { return 0; }
device_initcall_sync(drv_dev_sync);
