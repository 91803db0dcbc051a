//! The Linux 6.12 kernels of `../shared/kernels/*-thin-6.12` (clang-16 ThinLTO, lkdtm
//! crashes booted under qemu), against the 6.12 tools and the kernels' own output:
//!
//! - `decode`: every frame of both consoles and panic logs decoded, module frames
//!   through lkdtm.ko, every `WARNING`/`kernel BUG at` location equal to the kernel's own,
//!   every other line kept byte for byte; the header lines new since 6.1 (`CPU: 0 UID: 0`,
//!   the `Tainted: [W]=WARN` legend, `Oops: Oops:`) parsed.
//! - `faddr2line`: the output of 6.12's `scripts/faddr2line` (extracted from
//!   `linux-source-6.12` at test time), with binutils and with `LLVM=-16`, on vmlinux and
//!   lkdtm.ko. Listed divergences, each with its reason, in [`llvm_divergence`].
//! - `sympos`: the positions 6.12's livepatch core computes (`kallsyms_on_each_match_symbol`
//!   walks same-named symbols in address order; its error message for sympos 0).
//! - `lp-map` and `inlined` on the 6.12 vmlinux and module.
//! - kbuild: `scripts/kbuild/linux-6.12-ksym.patch` applies to 6.12's scripts
//!   (`patch --dry-run`), and the drop-in `scripts/kbuild/kallsyms`, called as 6.12's
//!   `link-vmlinux.sh` calls `scripts/kallsyms`, writes the build's own `.S` files.
//!
//! `kallsyms` and `kallsyms-dump` on 6.12 are in `tests/kallsyms.rs` (the 6.12 tool's
//! `kallsyms-steps`, and the dump against `/proc/kallsyms`).

use crate::common;
// The decode tests' helpers; this file uses some of them.
#[allow(dead_code)]
use crate::decode::support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Output};

use common::{ksym, shared};
use serde_json::Value;
use support::{decode, frames, json, kernel, Kernel};

const KERNELS: [&str; 2] = ["x86_64-thin-6.12", "arm64-thin-6.12"];

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn console(k: &str, file: &str) -> std::path::PathBuf {
    shared().join("kernels").join(k).join(file)
}

/// Every kernel frame decoded; module frames resolved through lkdtm.ko.
fn assert_all_decoded(what: &str, oopses: &[Value]) {
    for o in oopses {
        for f in frames(o) {
            if f["user"] == true {
                continue;
            }
            assert_eq!(f["decoded"], true, "{what}: {}: frame {f}", o["title"]);
            if f["module"] == "lkdtm" {
                assert!(f["elf_symbol"].is_string(), "{what}: {f}");
            }
        }
    }
}

#[test]
fn decode_every_frame_and_the_kernels_own_locations() {
    crate::common::needs_full_env!();
    for k in KERNELS {
        let kern = kernel(k);
        let oopses = json(&kern, &console(k, "console.log"));
        assert_all_decoded(k, &oopses);
        // WARNING, WARNING_MESSAGE, BUG, (arm64: the ct_kernel_exit WARNING), EXCEPTION,
        // ACCESS_NULL, WRITE_RO, EXEC_DATA, the sysrq panic.
        let want = if k.starts_with("x86") { 8 } else { 9 };
        assert_eq!(oopses.len(), want, "{k}: reports");
        let mut located = 0;
        for o in &oopses {
            let Some(loc) = o["location"].as_str() else {
                continue;
            };
            // The kernel printed `kernel BUG at F:L!` / `WARNING: ... at F:L`: the pc
            // frame's __bug_table entry says the same.
            let pc = frames(o)
                .iter()
                .find(|f| f["role"] == "pc" && f["repeat"] == false)
                .unwrap_or_else(|| panic!("{k}: {} has no pc frame", o["title"]));
            let t = &pc["trap"];
            assert_eq!(
                format!("{}:{}", t["file"].as_str().unwrap_or(""), t["line"]),
                loc,
                "{k}: {}",
                o["title"]
            );
            located += 1;
        }
        assert_eq!(located, if k.starts_with("x86") { 3 } else { 4 }, "{k}");
        // Module frames of the lkdtm actions name their lkdtm function.
        let lkdtm: BTreeSet<&str> = oopses
            .iter()
            .flat_map(frames)
            .filter(|f| f["module"] == "lkdtm")
            .filter_map(|f| f["symbol"].as_str())
            .collect();
        for s in [
            "lkdtm_WARNING",
            "lkdtm_BUG",
            "lkdtm_EXCEPTION",
            "lkdtm_do_action",
        ] {
            assert!(lkdtm.contains(s), "{k}: no {s} frame in {lkdtm:?}");
        }
    }
}

#[test]
fn decode_parses_the_headers_new_since_6_1() {
    crate::common::needs_full_env!();
    for k in KERNELS {
        let log = std::fs::read_to_string(console(k, "console.log")).unwrap();
        // The three changes, present in the capture.
        assert!(log.contains(" UID: 0 PID: "), "{k}: CPU line with UID");
        assert!(log.contains("] Tainted: [W]=WARN"), "{k}: taint legend");
        assert!(
            log.contains("] Oops: Oops: ") || log.contains("] Internal error: Oops: "),
            "{k}: Oops header"
        );
        let oopses = json(&kernel(k), &console(k, "console.log"));
        for o in oopses.iter().filter(|o| o["kind"] != "panic") {
            assert_eq!(o["release"], "6.12.118", "{k}: {}", o["title"]);
            assert_eq!(o["cpu"], 0, "{k}: {}", o["title"]);
            assert!(o["pid"].is_u64(), "{k}: {}", o["title"]);
            assert!(o["comm"].is_string(), "{k}: {}", o["title"]);
            assert_eq!(o["complete"], true, "{k}: {}", o["title"]);
        }
        // After the first WARNING every report is tainted W; the legend line is not
        // taken for a frame or a register line.
        let tainted = oopses
            .iter()
            .filter(|o| o["taint"].as_str().is_some_and(|t| t.contains('W')))
            .count();
        assert!(tainted >= oopses.len() - 2, "{k}: taint parsed: {tainted}");
        if k.starts_with("x86") {
            let titles: Vec<&str> = oopses.iter().filter_map(|o| o["title"].as_str()).collect();
            assert!(
                titles
                    .iter()
                    .any(|t| t.contains("NULL pointer dereference")),
                "{k}: {titles:?}"
            );
        }
    }
}

#[test]
fn decode_keeps_every_other_line_byte_for_byte() {
    crate::common::needs_full_env!();
    for k in KERNELS {
        let kern = kernel(k);
        let log = console(k, "console.log");
        let (args, out) = decode(&kern, &[], &log);
        assert!(out.status.success(), "ksym {}", args.join(" "));
        let frame_lines: BTreeSet<u64> = json(&kern, &log)
            .iter()
            .flat_map(frames)
            .filter_map(|f| f["line"].as_u64())
            .collect();
        let input = std::fs::read(&log).unwrap();
        let input: Vec<&[u8]> = input.split(|&c| c == b'\n').collect();
        let output: Vec<&[u8]> = out.stdout.split(|&c| c == b'\n').collect();
        // Walk the output: each input line comes in order, unchanged, or (a frame line)
        // as its text (without the CR) followed by the annotation; lines in between are
        // inserted annotations (inlined callers), which never start like an input line.
        let mut j = 0;
        let mut annotated = BTreeSet::new();
        for (n, line) in input.iter().enumerate() {
            let bare = line.strip_suffix(b"\r").unwrap_or(line);
            while j < output.len() && !output[j].starts_with(bare) {
                j += 1;
            }
            assert!(j < output.len(), "{k}: input line {} lost", n + 1);
            if output[j] != *line {
                annotated.insert(n as u64 + 1);
            }
            j += 1;
        }
        assert!(
            annotated.is_subset(&frame_lines),
            "{k}: lines changed that are not frames: {:?}",
            annotated.difference(&frame_lines).collect::<Vec<_>>()
        );
        assert!(
            annotated.len() > 50,
            "{k}: only {} frames annotated",
            annotated.len()
        );
    }
}

#[test]
fn decode_panic_logs() {
    crate::common::needs_full_env!();
    for k in KERNELS {
        let oopses = json(&kernel(k), &console(k, "panic.log"));
        assert_all_decoded(&format!("{k}/panic.log"), &oopses);
        let p = oopses.iter().find(|o| o["kind"] == "panic").expect("panic");
        // On arm64 the return address of the call to panic() lands on the next function
        // (`lkdtm_PANIC_STOP_IRQOFF+0x0/0x34`, in 6.1 it was `lkdtm_BUG+0x0/0x4`): only
        // address - 1 finds the caller.
        let f = frames(p)
            .iter()
            .find(|f| f["symbol"] == "lkdtm_PANIC" || f["symbol"] == "lkdtm_PANIC_STOP_IRQOFF")
            .unwrap_or_else(|| panic!("{k}: the lkdtm_PANIC frame"));
        assert_eq!(
            support::frames_last(f)["function"],
            "lkdtm_PANIC",
            "{k}: {f}"
        );
        assert_eq!(f["call_site"], true, "{k}");
    }
}

// faddr2line against 6.12's scripts/faddr2line.

/// Decompressed kernel files, shared with the decode tests.
fn kernel_files(k: &str) -> Kernel {
    kernel(k)
}

/// Environment variables for the script.
type Env<'a> = &'a [(&'a str, &'a str)];

/// Run 6.12's script on `obj` and `inputs` with `env`.
fn script(obj: &Path, inputs: &[&str], env: Env) -> Output {
    common::require_tool("readelf", "binutils");
    let mut c = Command::new("bash");
    c.arg(common::linux_source_612("scripts/faddr2line"))
        .arg(obj)
        .args(inputs)
        .env_remove("CROSS_COMPILE")
        .env_remove("LLVM");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("cannot run bash")
}

fn ksym_faddr2line(obj: &Path, inputs: &[&str]) -> Output {
    ksym()
        .arg("faddr2line")
        .arg(obj)
        .args(inputs)
        .output()
        .expect("cannot run ksym")
}

fn sorted_lines(b: &[u8]) -> Vec<String> {
    let mut v: Vec<String> = text(b).lines().map(String::from).collect();
    v.sort();
    v
}

/// What 6.12's script prints differently with `LLVM=-16` (llvm-addr2line-16), and why
/// ksym keeps the binutils form:
/// - a location with line 0 prints `file:0` (binutils: `file:?`): ksym prints `?`, as
///   the binutils run of the same script and the 6.1 script do;
/// - on a module the script passes `--section=NAME`, which llvm-addr2line-16 rejects
///   (`error: unknown argument`), so no location is printed; ksym prints it.
fn llvm_divergence(line: &str) -> String {
    match line.strip_suffix(":0") {
        Some(head) => format!("{head}:?"),
        None => line.to_string(),
    }
}

#[test]
fn faddr2line_same_as_the_6_12_script_with_binutils() {
    crate::common::needs_full_env!();
    let x86 = kernel_files("x86_64-thin-6.12");
    let vmlinux_inputs = [
        "do_idle+0x50",
        "schedule+0x30/0x1",
        "schedule+0x1000",
        "no_such_function+0x10",
        "schedule",
        "vfs_read+0x20",
        "start_kernel+0x40",
        "lkdtm_BUG+0x1",
    ];
    let module_inputs = [
        "lkdtm_BUG+0x1",
        "lkdtm_WARNING+0x4/0xc",
        "lkdtm_BUG+0x30",
        "lkdtm_BUG+0x1/0x9",
        "lkdtm_do_action+0x10",
    ];
    common::require_tool("aarch64-linux-gnu-addr2line", "binutils-aarch64-linux-gnu");
    let arm = kernel_files("arm64-thin-6.12");
    let arm64: Env = &[("CROSS_COMPILE", "aarch64-linux-gnu-")];
    let cases: [(&Path, &[&str], Env); 4] = [
        (&x86.vmlinux, &vmlinux_inputs, &[]),
        (&x86.modules.join("lkdtm.ko"), &module_inputs, &[]),
        (&arm.vmlinux, &vmlinux_inputs[..4], arm64),
        (&arm.modules.join("lkdtm.ko"), &module_inputs, arm64),
    ];
    for (obj, inputs, env) in cases {
        let s = script(obj, inputs, env);
        let o = ksym_faddr2line(obj, inputs);
        // The script leaves a module's build directory (`/usr/src/linux-6.12/`) on its
        // paths; ksym prints every path relative to the kernel tree.
        let theirs: String = text(&s.stdout)
            .lines()
            .map(|l| match l.split_once(" at ") {
                Some((who, loc)) => {
                    format!("{who} at {}\n", ksym::dwarf::kernel_relative(loc))
                }
                None => format!("{l}\n"),
            })
            .collect();
        assert_eq!(
            text(&o.stdout),
            theirs,
            "{} {inputs:?}: stdout",
            obj.display()
        );
        assert_eq!(sorted_lines(&o.stderr), sorted_lines(&s.stderr), "stderr");
        // Exit status: the script always exits 0; ksym's follows its 0/1/2 rule.
    }
}

#[test]
fn faddr2line_same_as_the_6_12_script_with_llvm() {
    crate::common::needs_full_env!();
    common::require_tool("llvm-addr2line-16", "llvm-16");
    let x86 = kernel_files("x86_64-thin-6.12");
    let inputs = [
        "do_idle+0x50",
        "schedule+0x30/0x1",
        "no_such_function+0x10",
        "vfs_read+0x20",
        "start_kernel+0x40",
    ];
    let s = script(&x86.vmlinux, &inputs, &[("LLVM", "-16")]);
    let o = ksym_faddr2line(&x86.vmlinux, &inputs);
    let theirs: Vec<String> = text(&s.stdout).lines().map(llvm_divergence).collect();
    let ours: Vec<String> = text(&o.stdout).lines().map(String::from).collect();
    assert_eq!(ours, theirs, "LLVM=-16 on vmlinux");
    assert!(
        text(&s.stdout).contains("fs/read_write.c:0"),
        "the line-0 divergence is exercised"
    );
    assert_eq!(sorted_lines(&o.stderr), sorted_lines(&s.stderr));
    // On a module the script cannot pass the section to llvm-addr2line.
    let ko = x86.modules.join("lkdtm.ko");
    let s = script(&ko, &["lkdtm_BUG+0x1"], &[("LLVM", "-16")]);
    assert!(
        text(&s.stderr).contains("unknown argument '--section=.text.lkdtm_BUG'"),
        "{}",
        text(&s.stderr)
    );
    let o = ksym_faddr2line(&ko, &["lkdtm_BUG+0x1"]);
    let header = text(&s.stdout).lines().next().unwrap_or("").to_string();
    assert_eq!(header, "lkdtm_BUG+0x1/0x2:");
    assert_eq!(
        text(&o.stdout),
        format!("{header}\nlkdtm_BUG at drivers/misc/lkdtm/bugs.c:105\n")
    );
}

// sympos, lp-map, inlined.

/// Symbols of the vmlinux part of a `/proc/kallsyms` capture: name -> addresses, in table
/// (address) order.
fn proc_names(k: &str) -> BTreeMap<String, Vec<u64>> {
    let t = std::fs::read_to_string(console(k, "kallsyms.txt")).unwrap();
    let mut m: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for l in t.lines().filter(|l| !l.contains("\t[")) {
        let mut f = l.split(' ');
        let (Some(a), Some(_), Some(n)) = (f.next(), f.next(), f.next()) else {
            continue;
        };
        m.entry(n.to_string())
            .or_default()
            .push(u64::from_str_radix(a, 16).unwrap());
    }
    m
}

fn json_lines(out: &Output) -> Vec<Value> {
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

#[test]
fn sympos_counts_as_the_6_12_livepatch_core() {
    crate::common::needs_full_env!();
    for k in KERNELS {
        let names = proc_names(k);
        // The most repeated names, one .llvm. name (printed in full since 6.11) and a
        // unique one.
        let mut by_count: Vec<(&String, &Vec<u64>)> = names.iter().collect();
        by_count.sort_by_key(|(n, v)| (std::cmp::Reverse(v.len()), (*n).clone()));
        let mut query: Vec<&str> = by_count.iter().take(4).map(|(n, _)| n.as_str()).collect();
        let llvm = names
            .keys()
            .find(|n| n.contains(".llvm."))
            .expect("an .llvm. name");
        query.push(llvm);
        query.push("start_kernel");
        let vmlinux = kernel(k).vmlinux;
        let proc_file = console(k, "kallsyms.txt");
        for target in [vmlinux.as_path(), proc_file.as_path()] {
            let out = ksym()
                .args(["sympos", "--json"])
                .arg(target)
                .args(&query)
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", text(&out.stderr));
            let mut got: BTreeMap<String, Vec<(u64, u64, u64)>> = BTreeMap::new();
            for v in json_lines(&out) {
                let d = &v["data"];
                let addr = d["addr"].as_str().unwrap().trim_start_matches("0x");
                got.entry(d["name"].as_str().unwrap().to_string())
                    .or_default()
                    .push((
                        u64::from_str_radix(addr, 16).unwrap(),
                        d["sympos"].as_u64().unwrap(),
                        d["count"].as_u64().unwrap(),
                    ));
                if d["count"].as_u64() > Some(1) {
                    // klp_find_object_symbol()'s message for sympos 0 (objname NULL).
                    assert_eq!(
                        d["sympos0_error"],
                        format!(
                            "unresolvable ambiguity for symbol '{}' in object '(null)'",
                            d["name"].as_str().unwrap()
                        )
                    );
                }
            }
            for q in &query {
                let addrs = &names[*q];
                // kallsyms_on_each_match_symbol() visits same-named symbols in name
                // order, ties by address: the k-th by address is sympos k (0 if unique).
                let want: Vec<(u64, u64, u64)> = addrs
                    .iter()
                    .enumerate()
                    .map(|(i, &a)| {
                        let n = addrs.len() as u64;
                        (a, if n == 1 { 0 } else { i as u64 + 1 }, n)
                    })
                    .collect();
                let mut g = got.get(*q).cloned().unwrap_or_default();
                g.sort();
                assert_eq!(g, want, "{k}: {q} in {}", target.display());
            }
        }
    }
}

#[test]
fn lp_map_pairs_every_symbol_of_a_6_12_build_with_itself() {
    crate::common::needs_full_env!();
    for k in KERNELS {
        let kern = kernel(k);
        for obj in [kern.vmlinux.clone(), kern.modules.join("lkdtm.ko")] {
            let out = ksym()
                .args(["lp-map", "--json", "--all"])
                .arg(&obj)
                .arg(&obj)
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", text(&out.stderr));
            let lines = json_lines(&out);
            let s = &lines.last().expect("summary")["data"];
            assert_eq!(
                (
                    &s["removed"],
                    &s["added"],
                    &s["ambiguous"],
                    &s["size_changed"]
                ),
                (
                    &Value::from(0),
                    &Value::from(0),
                    &Value::from(0),
                    &Value::from(0)
                ),
                "{k}: {}",
                obj.display()
            );
            assert!(s["pairs"].as_u64() > Some(100));
            // Every pair maps a symbol to itself (same full name, same address).
            for p in lines.iter().filter(|l| l["type"] == "pair") {
                let d = &p["data"];
                assert_eq!(d["old"]["name"], d["new"]["name"], "{k}: {d}");
                assert_eq!(d["old"]["addr"], d["new"]["addr"], "{k}: {d}");
            }
        }
    }
}

#[test]
fn inlined_sites_lie_inside_their_holders() {
    crate::common::needs_full_env!();
    for k in KERNELS {
        let names = proc_names(k);
        let out = ksym()
            .args(["inlined", "--json"])
            .arg(kernel(k).vmlinux)
            .arg("mmap_write_unlock")
            .output()
            .unwrap();
        assert!(out.status.success(), "{k}: {}", text(&out.stderr));
        let holders = json_lines(&out);
        assert!(holders.len() > 3, "{k}: {} holders", holders.len());
        let hex = |v: &Value| {
            u64::from_str_radix(v.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
        };
        for h in &holders {
            let d = &h["data"];
            let (lo, hi) = (hex(&d["range"]["low"]), hex(&d["range"]["high"]));
            // The holder is a symbol of the booted kernel's table, at that address.
            let sym = d["symbol"].as_str().unwrap();
            assert!(
                names.get(sym).is_some_and(|a| a.contains(&lo)),
                "{k}: holder {sym} at {lo:#x} not in /proc/kallsyms"
            );
            for s in d["sites"].as_array().unwrap() {
                assert_eq!(s["origin"], "mmap_write_unlock");
                for r in s["ranges"].as_array().unwrap() {
                    assert!(lo <= hex(&r["low"]) && hex(&r["high"]) <= hi, "{k}: {d}");
                }
            }
        }
    }
}

// kbuild integration for 6.12 (the kernel builds themselves are run by hand:
// scripts/build-test-kernel.sh, docs/kbuild.md).

#[test]
fn kbuild_patch_applies_to_6_12() {
    crate::common::needs_full_env!();
    common::require_tool("patch", "patch");
    let link = common::linux_source_612("scripts/link-vmlinux.sh");
    common::linux_source_612("scripts/Makefile.vmlinux_o");
    let tree = link.parent().and_then(Path::parent).expect("source tree");
    let patch = common::root().join("scripts/kbuild/linux-6.12-ksym.patch");
    let out = Command::new("patch")
        .args(["-p1", "--dry-run", "-i"])
        .arg(&patch)
        .current_dir(tree)
        .output()
        .expect("cannot run patch");
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    // The line it replaces is the one 6.12 runs kallsyms with.
    let script = std::fs::read_to_string(&link).unwrap();
    assert!(script.contains("\tscripts/kallsyms ${kallsymopt} \"${1}\" > \"${2}.S\"\n"));
}

#[test]
fn kbuild_drop_in_kallsyms_writes_the_6_12_builds_output() {
    crate::common::needs_full_env!();
    let dir = common::TempDir::new("dropin-612");
    let config = dir.path().join("include/config");
    std::fs::create_dir_all(&config).unwrap();
    // kbuild runs the tool in the build directory, which names the kernel.
    std::fs::write(config.join("kernel.release"), "6.12.118\n").unwrap();
    let steps = "kernels/x86_64-thin-6.12/kallsyms-steps";
    let syms = common::unxz(&format!("{steps}/tmp_vmlinux2.syms.xz"), dir.path());
    let want = common::unxz(&format!("{steps}/tmp_vmlinux2.kallsyms.S.xz"), dir.path());
    let empty = dir.path().join(".tmp_vmlinux.kallsyms0.syms");
    std::fs::write(&empty, "").unwrap();
    let want0 = common::unxz(&format!("{steps}/tmp_vmlinux0.kallsyms.S.xz"), dir.path());
    for (input, expected) in [(&syms, &want), (&empty, &want0)] {
        // link-vmlinux.sh: scripts/kallsyms ${kallsymopt} "${1}" > "${2}.S"
        let out = Command::new("sh")
            .arg(common::root().join("scripts/kbuild/kallsyms"))
            .arg("--all-symbols")
            .arg(input)
            .current_dir(dir.path())
            .env("KSYM", env!("CARGO_BIN_EXE_ksym"))
            .output()
            .expect("cannot run sh");
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(
            out.stdout == std::fs::read(expected).unwrap(),
            "{}: the drop-in differs from the build's output",
            input.display()
        );
    }
}

#[test]
fn sympos_in_a_module_counts_in_its_symbol_table_order() {
    crate::common::needs_full_env!();
    // For a module, klp_find_object_symbol() counts with module_kallsyms_on_each_symbol(),
    // in the module's symbol table order: the order of its /proc/kallsyms lines.
    for k in KERNELS {
        let t = std::fs::read_to_string(console(k, "kallsyms.txt")).unwrap();
        let mut lines: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
        for l in t.lines().filter(|l| l.ends_with("\t[lkdtm]")) {
            let f: Vec<&str> = l.split(['\t', ' ']).collect();
            // Data symbols; not arm64's `$d` mapping symbols, which a livepatch never
            // names (the booted table lists fewer of them than the module file has).
            if f.len() >= 3 && f[1] == "d" && !f[2].starts_with('$') {
                let addr = u64::from_str_radix(f[0], 16).unwrap();
                lines.entry(f[2]).or_default().push(addr);
            }
        }
        let dups: Vec<(&str, Vec<u64>)> = lines.into_iter().filter(|(_, v)| v.len() > 1).collect();
        assert!(
            dups.iter().any(|(n, v)| *n == "crashtypes" && v.len() == 8),
            "{k}: {dups:?}"
        );
        let ko = kernel(k).modules.join("lkdtm.ko");
        for (name, booted) in &dups {
            let out = ksym()
                .args(["sympos", "--json"])
                .arg(&ko)
                .arg(name)
                .output()
                .unwrap();
            let mut got: Vec<(u64, String, u64)> = json_lines(&out)
                .iter()
                .map(|v| {
                    let d = &v["data"];
                    // `SECTION+0xOFF` in a relocatable module.
                    let addr = d["addr"].as_str().unwrap();
                    let (sec, off) = addr.split_once("+0x").unwrap_or_else(|| panic!("{addr}"));
                    (
                        d["sympos"].as_u64().unwrap(),
                        sec.to_string(),
                        u64::from_str_radix(off, 16).unwrap(),
                    )
                })
                .collect();
            got.sort();
            let positions: Vec<u64> = got.iter().map(|g| g.0).collect();
            assert_eq!(
                positions,
                (1..=booted.len() as u64).collect::<Vec<_>>(),
                "{k}: {name}"
            );
            // sympos k is the k-th line of the booted kernel: the same distances between
            // neighbours in one section.
            for (g, b) in got.windows(2).zip(booted.windows(2)) {
                if g[0].1 == g[1].1 {
                    assert_eq!(
                        g[1].2.wrapping_sub(g[0].2),
                        b[1].wrapping_sub(b[0]),
                        "{k}: {name}"
                    );
                }
            }
        }
    }
}
