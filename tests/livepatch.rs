//! `ksym sympos` against the kernel's own view: the shared kernels' `/proc/kallsyms`
//! (`kallsyms.txt`, printed in kallsyms index order, the order `klp_find_callback()`
//! counts in) must give every duplicated name the same positions as ksym computes from
//! vmlinux, System.map and the `.ko`.

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{run, shared, unxz, TempDir};
use ksym::livepatch::image::Image;
use serde_json::Value;

/// `(name, addr)` of kallsyms.txt lines, vmlinux part or one module's part, in file order.
fn kallsyms(kernel: &str, module: Option<&str>) -> Vec<(String, u64)> {
    let text = std::fs::read_to_string(shared().join(format!("kernels/{kernel}/kallsyms.txt")))
        .expect("cannot read kallsyms.txt");
    let mut out = Vec::new();
    for line in text.lines() {
        let (main, m) = match line.split_once('\t') {
            Some((a, m)) => (a, Some(m.trim_matches(|c| c == '[' || c == ']'))),
            None => (line, None),
        };
        if m != module {
            continue;
        }
        let f: Vec<&str> = main.split_whitespace().collect();
        if let [addr, _, name] = f[..] {
            out.push((name.to_string(), u64::from_str_radix(addr, 16).unwrap()));
        }
    }
    out
}

/// Names occurring more than once, with their addresses in order.
fn duplicates(syms: &[(String, u64)]) -> BTreeMap<String, Vec<u64>> {
    let mut all: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for (n, a) in syms {
        all.entry(n.clone()).or_default().push(*a);
    }
    all.retain(|_, v| v.len() > 1);
    all
}

/// `ksym sympos --json TARGET NAMES...`, as records grouped by full name.
fn sympos_json(target: &Path, names: &[&str]) -> BTreeMap<String, Vec<Value>> {
    let mut args = vec!["sympos", "--json", target.to_str().unwrap()];
    args.extend_from_slice(names);
    let out = run(&args);
    assert!(
        out.status.success(),
        "ksym sympos failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut by: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["type"], "sympos");
        let d = v["data"].clone();
        by.entry(d["name"].as_str().unwrap().to_string())
            .or_default()
            .push(d);
    }
    by
}

fn addr_of(v: &Value) -> u64 {
    u64::from_str_radix(v["addr"].as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

/// Every duplicated vmlinux name of kallsyms.txt: same count, same order, positions 1..n,
/// from vmlinux, System.map and kallsyms.txt itself.
fn check_vmlinux(kernel: &str) {
    let tmp = TempDir::new("lp-sympos");
    let vmlinux = unxz(&format!("kernels/{kernel}/vmlinux.xz"), tmp.path());
    let kall = kallsyms(kernel, None);
    let dups = duplicates(&kall);
    assert!(
        dups.len() > 20,
        "{kernel}: too few duplicated names ({})",
        dups.len()
    );
    let names: Vec<&str> = dups.keys().map(String::as_str).collect();
    let dir = shared().join(format!("kernels/{kernel}"));
    for target in [vmlinux, dir.join("System.map"), dir.join("kallsyms.txt")] {
        let got = sympos_json(&target, &names);
        for (name, addrs) in &dups {
            let recs = got
                .get(name)
                .unwrap_or_else(|| panic!("{kernel} {}: {name} not found", target.display()));
            let vm: Vec<&Value> = recs.iter().filter(|r| r["object"] == "vmlinux").collect();
            let got_addrs: Vec<u64> = vm.iter().map(|r| addr_of(r)).collect();
            assert_eq!(
                &got_addrs,
                addrs,
                "{kernel} {}: order of {name}",
                target.display()
            );
            for (i, r) in vm.iter().enumerate() {
                assert_eq!(r["sympos"], i + 1, "{kernel}: sympos of {name}");
                assert_eq!(r["count"], addrs.len());
                assert!(r["sympos0_error"]
                    .as_str()
                    .unwrap()
                    .starts_with("unresolvable ambiguity"));
            }
        }
    }
}

#[test]
fn sympos_x86_64_matches_kallsyms_order() {
    crate::common::needs_full_env!();
    check_vmlinux("x86_64-thin");
}

#[test]
fn sympos_arm64_matches_kallsyms_order() {
    crate::common::needs_full_env!();
    check_vmlinux("arm64-thin");
}

/// A known case, by hand: seven static `type_show` functions; the fourth is perf's.
#[test]
fn sympos_known_case_and_sources() {
    crate::common::needs_full_env!();
    let tmp = TempDir::new("lp-sympos-known");
    let vmlinux = unxz("kernels/x86_64-thin/vmlinux.xz", tmp.path());
    let got = sympos_json(&vmlinux, &["type_show", "get_branch_type"]);
    let ts = &got["type_show"];
    assert_eq!(ts.len(), 7);
    assert_eq!(ts[3]["addr"], "0xffffffff81019550");
    assert_eq!(ts[3]["sympos"], 4);
    assert_eq!(ts[3]["file"], "kernel/events/core.c");
    assert_eq!(ts[3]["file_source"], "dwarf");
    // A source name that exists only as a promoted LTO name: found by cleaning, unique
    // under its full name, and flagged as not matching the kernel's strcmp.
    let (full, recs) = got
        .iter()
        .find(|(k, _)| k.starts_with("get_branch_type.llvm."))
        .expect("get_branch_type.llvm.* not found");
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0]["sympos"], 0);
    assert_eq!(recs[0]["exact"], false);
    assert_eq!(recs[0]["file"], "arch/x86/events/utils.c");
    assert!(full.len() > "get_branch_type.llvm.".len());
}

/// The module: `.ko` symbol table order against the kernel's `[lkdtm]` lines.
#[test]
fn sympos_module_matches_kallsyms_order() {
    crate::common::needs_full_env!();
    for kernel in ["x86_64-thin", "arm64-thin"] {
        let tmp = TempDir::new("lp-sympos-ko");
        let ko = unxz(&format!("kernels/{kernel}/lkdtm.ko.xz"), tmp.path());
        // The whole search order equals the kernel's list of the module's symbols.
        let image = Image::open(&ko).unwrap();
        let order = image.order();
        assert_eq!(order.objects.len(), 1);
        assert_eq!(order.objects[0].0.name(), "lkdtm");
        let ours: Vec<&str> = order.objects[0].1.iter().map(|s| s.name.as_str()).collect();
        let kall = kallsyms(kernel, Some("lkdtm"));
        let theirs: Vec<&str> = kall.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(ours, theirs, "{kernel}: lkdtm search order");
        // And through the command: crashtypes, one static array per lkdtm source file.
        let dups = duplicates(&kall);
        let ct = &dups["crashtypes"];
        let got = sympos_json(&ko, &["crashtypes"]);
        let recs = &got["crashtypes"];
        assert_eq!(recs.len(), ct.len());
        for (i, r) in recs.iter().enumerate() {
            assert_eq!(r["object"], "lkdtm");
            assert_eq!(r["sympos"], i + 1);
        }
        assert_eq!(
            recs[0]["sympos0_error"],
            "unresolvable ambiguity for symbol 'crashtypes' in object 'lkdtm'"
        );
    }
}

#[test]
fn sympos_bad_input() {
    crate::common::needs_full_env!();
    let tmp = TempDir::new("lp-sympos-bad");
    let map = shared().join("kernels/x86_64-thin/System.map");
    let out = run(&["sympos", map.to_str().unwrap(), "no_such_symbol_at_all"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no symbol named 'no_such_symbol_at_all'"),
        "{err}"
    );
    // A full LTO name from another build (wrong hash): the names of this build are offered.
    let out = run(&["sympos", map.to_str().unwrap(), "get_branch_type.llvm.123"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("same name without LTO suffixes: get_branch_type.llvm.17026518653902526769"),
        "{err}"
    );
    let missing = tmp.path().join("missing");
    let out = run(&["sympos", missing.to_str().unwrap(), "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
    let garbage = tmp.path().join("garbage");
    std::fs::write(&garbage, b"\x7fELF\x02\x01\x01garbage").unwrap();
    let out = run(&["sympos", garbage.to_str().unwrap(), "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}
