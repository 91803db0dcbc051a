//! `ksym decode` end to end on the real kernels of `../shared/kernels` (x86_64 and arm64
//! Clang ThinLTO, lkdtm crashes captured under qemu), through the real binary.
//!
//! - Goldens: every `testdata/decode/*.log` (real excerpts, plus two constructed from the
//!   x86 panic with old-style bare `[<address>]` frames) decodes to `NAME.out` (text) and
//!   `NAME.json` (`--json`). `KSYM_BLESS=1 cargo test --test decode` rewrites them.
//! - Each captured lkdtm crash in `console.log` and `panic.log`: the faulting frame gives
//!   the crashing source line (the kernel's own `kernel BUG at`/`WARNING: ... at` line
//!   for traps, a table for faults), module frames resolve through lkdtm.ko, and no frame
//!   is left undecoded.
//! - Text output keeps every input line byte for byte (CRLF included).
//! - A differential check against Linux 6.1's `scripts/decode_stacktrace.sh` (binutils
//!   `nm`/`addr2line`) on one small oops.
//! - Bad input: garbage, a 1 MB line, a truncated oops, a missing vmlinux.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use common::{root, shared};
use serde_json::Value;
use support::*;

mod args;
mod backtraces;
use crate::common;
mod identity;
mod onboarding;
mod peers;
mod renderings;
mod robust;
pub(crate) mod support;

fn check_golden(path: &Path, actual: &[u8], args: &[String], stderr: &[u8]) {
    let context = format!(
        "--- command\nksym {}\n--- stderr\n{}",
        args.join(" "),
        String::from_utf8_lossy(stderr)
    );
    if let Err(e) = common::golden(path, actual, &context) {
        panic!("{e}");
    }
}

fn logs() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(root().join("testdata/decode"))
        .expect("testdata/decode is missing")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "log"))
        .collect();
    v.sort();
    assert!(v.len() >= 6, "expected the bundled logs in testdata/decode");
    v
}

/// Paths in output are made relative to the checkout so goldens do not depend on it.
fn relative(args: &[String]) -> Vec<String> {
    let r = root().display().to_string();
    args.iter().map(|a| a.replace(&r, ".")).collect()
}

#[test]
fn goldens() {
    crate::common::needs_full_env!();
    for log in logs() {
        let k = kernel_for(&log);
        let (args, out) = decode(&k, &[], &log);
        assert!(
            out.status.success(),
            "ksym {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        check_golden(
            &log.with_extension("out"),
            &out.stdout,
            &relative(&args),
            &out.stderr,
        );
        let (args, out) = decode(&k, &["--json"], &log);
        // The identity checks name the objects: their directory is this machine's.
        let dir = k.modules.display().to_string();
        let stdout = String::from_utf8_lossy(&out.stdout).replace(&dir, "KERNEL");
        check_golden(
            &log.with_extension("json"),
            stdout.as_bytes(),
            &relative(&args),
            &out.stderr,
        );
    }
}

/// Every kernel frame decoded; module frames through lkdtm.ko.
fn assert_all_decoded(log: &str, oopses: &[Value]) {
    for o in oopses {
        for f in frames(o) {
            if f["user"] == true {
                continue;
            }
            assert_eq!(
                f["decoded"], true,
                "{log}: oops {} ({}): frame on line {} not decoded: {}",
                o["index"], o["title"], f["line"], f
            );
            if f["module"] == "lkdtm" {
                assert!(f["elf_symbol"].is_string(), "{log}: {f}");
            }
        }
    }
}

/// The faulting pc of the oops's own register dump.
fn pc(o: &Value) -> &Value {
    frames(o)
        .iter()
        .find(|f| f["role"] == "pc" && f["register"].is_string() && f["repeat"] == false)
        .unwrap_or_else(|| panic!("oops {} has no pc frame", o["title"]))
}

/// Faults (no `__bug_table` entry): pc symbol → the line the line table gives for the
/// faulting instruction, checked by hand against the source of Linux 6.1.192 and
/// `objdump -dl` of lkdtm.ko.
fn fault_lines(arch: &str) -> HashMap<&'static str, &'static str> {
    let mut m = HashMap::from([
        // `*((volatile int *) 0) = 0;`
        ("lkdtm_EXCEPTION", "drivers/misc/lkdtm/bugs.c:95"),
        // `*ptr ^= 0xabcd1234;`
        ("lkdtm_WRITE_RO", "drivers/misc/lkdtm/perms.c:118"),
    ]);
    // `tmp = *ptr;` on arm64; on x86 clang folds the load into `tmp += 0xc0dec0de`
    // (`add 0x0,%rbx`), which the line table puts on line 266.
    m.insert(
        "lkdtm_ACCESS_NULL",
        if arch == "x86_64-thin" {
            "drivers/misc/lkdtm/perms.c:266"
        } else {
            "drivers/misc/lkdtm/perms.c:265"
        },
    );
    m
}

#[test]
fn lkdtm_crashes_resolve_to_the_crashing_line() {
    crate::common::needs_full_env!();
    for arch in ["x86_64-thin", "arm64-thin"] {
        let k = kernel(arch);
        let log = shared().join("kernels").join(arch).join("console.log");
        let oopses = json(&k, &log);
        let name = format!("{arch}/console.log");
        assert_all_decoded(&name, &oopses);
        // WARNING, WARNING_MESSAGE, BUG, (arm64: ct_kernel_exit WARNING), EXCEPTION,
        // ACCESS_NULL, WRITE_RO, EXEC_DATA, sysrq panic.
        let want = if arch == "x86_64-thin" { 8 } else { 9 };
        assert_eq!(oopses.len(), want, "{name}: reports found");
        let faults = fault_lines(arch);
        let mut traps = 0;
        let mut checked = 0;
        for o in &oopses {
            if o["kind"] == "panic" {
                continue;
            }
            let f = pc(o);
            if let Some(loc) = o["location"].as_str() {
                // The kernel printed `kernel BUG at F:L!` / `WARNING: ... at F:L`.
                let t = &f["trap"];
                assert_eq!(
                    format!("{}:{}", t["file"].as_str().unwrap_or(""), t["line"]),
                    loc,
                    "{name}: {}",
                    o["title"]
                );
                traps += 1;
            } else if let Some(want) = faults.get(f["symbol"].as_str().unwrap_or("")) {
                assert_eq!(innermost(f), *want, "{name}: {}", o["title"]);
                checked += 1;
            } else {
                // EXEC_DATA: the pc is in data_area, which has no line; the frame that
                // called into it is `func()` in execute_location.
                assert!(f["symbol"] == "data_area", "{name}: unexpected pc {f}");
                let caller = frames(o)
                    .iter()
                    .find(|g| g["symbol"] == "execute_location")
                    .expect("execute_location frame");
                assert_eq!(innermost(caller), "drivers/misc/lkdtm/perms.c:86");
            }
        }
        let want_traps = if arch == "x86_64-thin" { 3 } else { 4 };
        assert_eq!((traps, checked), (want_traps, 3), "{name}");
        // x86 repeats the first oops's RIP (lkdtm_BUG) after every later oops.
        if arch == "x86_64-thin" {
            let repeats: Vec<&Value> = oopses
                .iter()
                .flat_map(frames)
                .filter(|f| f["repeat"] == true)
                .collect();
            assert_eq!(repeats.len(), 5, "{name}: RIP repeats");
            for r in repeats {
                assert_eq!(r["symbol"], "lkdtm_BUG");
                assert_eq!(r["trap"]["line"], 78, "{r}");
            }
        }
        // The arm64 follow-on WARNING: __bug_table says 128, the line table 153.
        if arch == "arm64-thin" {
            let o = oopses
                .iter()
                .find(|o| o["location"] == "kernel/context_tracking.c:128")
                .expect("ct_kernel_exit WARNING");
            assert_eq!(innermost(pc(o)), "kernel/context_tracking.c:153");
        }
    }
}

#[test]
fn panic_logs_and_address_minus_one() {
    crate::common::needs_full_env!();
    for arch in ["x86_64-thin", "arm64-thin"] {
        let k = kernel(arch);
        let log = shared().join("kernels").join(arch).join("panic.log");
        let oopses = json(&k, &log);
        let name = format!("{arch}/panic.log");
        assert_all_decoded(&name, &oopses);
        let p = oopses.iter().find(|o| o["kind"] == "panic").expect("panic");
        let f = frames(p)
            .iter()
            .find(|f| f["symbol"] == "lkdtm_PANIC" || f["symbol"] == "lkdtm_BUG")
            .expect("the lkdtm_PANIC frame");
        let outer = frames_last(f);
        // The call to panic() in lkdtm_PANIC; on arm64 the return address lands on the
        // next function (`lkdtm_BUG+0x0/0x4`) and only address - 1 finds the call.
        assert_eq!(outer["function"], "lkdtm_PANIC", "{name}: {f}");
        assert_eq!(innermost(f), "drivers/misc/lkdtm/bugs.c:73", "{name}");
        assert_eq!(f["call_site"], true);
    }
    // --no-call-site looks the address up as printed: lkdtm_BUG itself.
    let k = kernel("arm64-thin");
    let log = root().join("testdata/decode/arm64-thin-panic.log");
    let (_, out) = decode(&k, &["--json", "--no-call-site"], &log);
    let text = String::from_utf8_lossy(&out.stdout);
    let v: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let f = frames(&v["data"])
        .iter()
        .find(|f| f["symbol"] == "lkdtm_BUG")
        .unwrap()
        .clone();
    assert_eq!(frames_last(&f)["function"], "lkdtm_BUG");
}

/// Constructed from the x86 panic (frames added to its trace): two static `get_pid`s of
/// sizes 0x30 and 0x40 told apart by the printed size, and `__show_trace_log_lvl`
/// printed without its `.llvm.<hash>` suffix (addresses from the kernel's System.map).
#[test]
fn names_lto_suffix_and_duplicates() {
    crate::common::needs_full_env!();
    let k = kernel("x86_64-thin");
    let log = root().join("testdata/decode/x86_64-thin-names.log");
    let o = json(&k, &log);
    let f = frames(&o[0]);
    let got: Vec<(&str, &str, bool)> = f[..3]
        .iter()
        .map(|f| {
            (
                f["elf_symbol"].as_str().unwrap(),
                f["object_address"].as_str().unwrap(),
                f["lto_match"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("get_pid", "0xffffffff8117eb20", false),
            ("get_pid", "0xffffffff8117eaf0", false),
            (
                "__show_trace_log_lvl.llvm.15760377845404541886",
                "0xffffffff81017ba0",
                true
            ),
        ]
    );
}

/// Modules found compressed (`lkdtm.ko.xz` in the shared folder) and checked against
/// the build id the log prints.
#[test]
fn modules_compressed_and_build_id() {
    crate::common::needs_full_env!();
    let k = kernel("x86_64-thin");
    let v = k.vmlinux.display().to_string();
    let shared_dir = shared().join("kernels/x86_64-thin").display().to_string();
    let log = fs::read(root().join("testdata/decode/x86_64-thin-bug.log")).unwrap();
    let out = run_stdin(
        &["decode", "--vmlinux", &v, "--modules", &shared_dir, "-"],
        &log,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("drivers/misc/lkdtm/core.c:329"));
    // A wrong build id: the module is not used, and stderr says why, once.
    let wrong = String::from_utf8_lossy(&log).replace(
        "ccda84458db78fa2ca9e5c682f12f71c9c01dc3e",
        "00000000000000000000000000000000000000ff",
    );
    let m = k.modules.display().to_string();
    let out = run_stdin(
        &["decode", "--vmlinux", &v, "--modules", &m, "-"],
        wrong.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err.matches(
            "lkdtm.ko: does not match the log: build id \
             00000000000000000000000000000000000000ff in the log, \
             ccda84458db78fa2ca9e5c682f12f71c9c01dc3e in the file"
        )
        .count(),
        1,
        "{err}"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("drivers/misc/lkdtm/core.c:329"));
}

/// Constructed from the x86 panic: its call trace as old-style bare `[<address>]`
/// frames (run-time addresses from System.map plus the boot's KASLR offset). With the
/// `Kernel Offset:` line, and without it but with one frame printing address and symbol.
#[test]
fn raw_addresses_use_the_kaslr_offset() {
    crate::common::needs_full_env!();
    let k = kernel("x86_64-thin");
    let want = [
        "dump_stack_lvl",
        "panic",
        "full_proxy_write",
        "vfs_write",
        "ksys_write",
        "do_syscall_64",
        "entry_SYSCALL_64_after_hwframe",
    ];
    for name in ["x86_64-thin-raw-kaslr.log", "x86_64-thin-raw-derived.log"] {
        let o = json(&k, &root().join("testdata/decode").join(name));
        assert_eq!(o[0]["kaslr_offset"], "0x34800000", "{name}");
        let got: Vec<&str> = frames(&o[0])
            .iter()
            .map(|f| f["elf_symbol"].as_str().unwrap_or("-"))
            .collect();
        assert_eq!(got, want, "{name}");
    }
}
