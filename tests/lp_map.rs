//! `ksym lp-map` on two builds differing by one line (testdata/lto/lpdiff: the `.llvm.`
//! hashes of b.c change, a.c's stay), and on a real kernel against its own System.map
//! (what is left unmatched must be exactly what scripts/mksysmap filters out).

use crate::common;

use std::path::Path;

use common::{root, run, shared, unxz, TempDir};
use serde_json::Value;

fn lp_map(old: &Path, new: &Path) -> Vec<Value> {
    let out = run(&[
        "lp-map",
        "--json",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "ksym lp-map: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn of_type<'a>(recs: &'a [Value], t: &str) -> Vec<&'a Value> {
    recs.iter()
        .filter(|r| r["type"] == t)
        .map(|r| &r["data"])
        .collect()
}

#[test]
fn one_line_change_renames_one_file() {
    for build in [
        "clang-thin-x86_64/prog",
        "clang-thin-aarch64/prog",
        "clang-thin-x86_64/prog.o",
        "clang-thin-aarch64/prog.o",
    ] {
        let dir = root().join("testdata/lto/lpdiff");
        let recs = lp_map(&dir.join("old").join(build), &dir.join("new").join(build));
        let pairs = of_type(&recs, "pair");
        // All ten functions and objects pair up; nothing is left over.
        assert_eq!(pairs.len(), 10, "{build}: {recs:?}");
        for t in ["removed", "added", "ambiguous"] {
            assert!(of_type(&recs, t).is_empty(), "{build}: {t}");
        }
        let rule_of = |old_prefix: &str| {
            let p = pairs
                .iter()
                .find(|p| p["old"]["name"].as_str().unwrap().starts_with(old_prefix))
                .unwrap_or_else(|| panic!("{build}: no pair for {old_prefix}"));
            (
                p["rule"].as_str().unwrap().to_string(),
                p["old"]["name"].as_str().unwrap().to_string(),
                p["new"]["name"].as_str().unwrap().to_string(),
                p["new"]["file"].as_str().unwrap_or("").to_string(),
            )
        };
        // b.c's promoted statics: new hash, matched by source file and base name.
        for f in ["b_check.llvm.", "helper.llvm."] {
            let candidates: Vec<_> = pairs
                .iter()
                .filter(|p| p["old"]["name"].as_str().unwrap().starts_with(f))
                .collect();
            let b = candidates
                .iter()
                .find(|p| {
                    p["new"]["file"]
                        .as_str()
                        .is_some_and(|s| s.ends_with("b.c"))
                })
                .unwrap_or_else(|| panic!("{build}: {f} of b.c"));
            assert_eq!(b["rule"], "file+base", "{build}: {f}");
            assert_ne!(b["old"]["name"], b["new"]["name"]);
        }
        // a.c's helper keeps its hash, so its full name matches.
        let a = pairs
            .iter()
            .find(|p| {
                p["old"]["name"]
                    .as_str()
                    .unwrap()
                    .starts_with("helper.llvm.")
                    && p["new"]["file"]
                        .as_str()
                        .is_some_and(|s| s.ends_with("a.c"))
            })
            .unwrap();
        assert_eq!(a["rule"], "name");
        assert_eq!(a["old"]["name"], a["new"]["name"]);
        let (rule, old, new, _) = rule_of("lp_main");
        assert_eq!((rule.as_str(), old.as_str()), ("name", new.as_str()));
        let summary = of_type(&recs, "summary");
        assert_eq!(summary[0]["file_base"], 2);
    }
}

/// One matched `.llvm.` pair seeds its file: testdata/livepatch/hashpair, where c.c's
/// promoted function pairs by file and base name, and its promoted variable (no file) by
/// the hash pair that seeded.
#[test]
fn hash_pair_seeds_the_file() {
    let dir = root().join("testdata/livepatch/hashpair");
    let recs = lp_map(&dir.join("old/prog"), &dir.join("new/prog"));
    let pairs = of_type(&recs, "pair");
    let rule = |prefix: &str| {
        let p = pairs
            .iter()
            .find(|p| p["old"]["name"].as_str().unwrap().starts_with(prefix))
            .unwrap_or_else(|| panic!("no pair for {prefix}"));
        assert_ne!(p["old"]["name"], p["new"]["name"]);
        p["rule"].as_str().unwrap().to_string()
    };
    assert_eq!(rule("c_helper.llvm."), "file+base");
    assert_eq!(rule("c_count.llvm."), "hash");
    assert_eq!(pairs.len(), 4);
    for t in ["removed", "added", "ambiguous"] {
        assert!(of_type(&recs, t).is_empty(), "{t}");
    }
}

/// The shared kernel against its own System.map: every map symbol is found, duplicates
/// (seven `type_show`s) pair by position at the same addresses, and what stays unmatched
/// in vmlinux is what scripts/mksysmap drops (`.L`, `__kstrtab_`, `__kstrtabns_`, `__crc_`).
#[test]
fn real_kernel_against_its_system_map() {
    crate::common::needs_full_env!();
    let tmp = TempDir::new("lp-map");
    let vmlinux = unxz("kernels/x86_64-thin/vmlinux.xz", tmp.path());
    let map = shared().join("kernels/x86_64-thin/System.map");
    let recs = lp_map(&vmlinux, &map);
    assert!(of_type(&recs, "added").is_empty());
    assert!(of_type(&recs, "ambiguous").is_empty());
    for r in of_type(&recs, "removed") {
        let n = r["name"].as_str().unwrap();
        assert!(
            [".L", "__kstrtab_", "__kstrtabns_", "__crc_", "$"]
                .iter()
                .any(|p| n.starts_with(p)),
            "unmatched {n}"
        );
    }
    let pairs = of_type(&recs, "pair");
    assert!(pairs.len() > 15000);
    let mut positions = 0;
    for p in &pairs {
        assert_eq!(p["old"]["addr"], p["new"]["addr"], "{p}");
        if p["rule"] == "position" {
            positions += 1;
        }
    }
    assert!(
        positions > 100,
        "duplicated names pair by position: {positions}"
    );
}

#[test]
fn lp_map_bad_input() {
    let dir = root().join("testdata/lto/lpdiff");
    let x86 = dir.join("old/clang-thin-x86_64/prog");
    let arm = dir.join("new/clang-thin-aarch64/prog");
    let out = run(&["lp-map", x86.to_str().unwrap(), arm.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("is x86_64 but") && err.contains("aarch64"),
        "{err}"
    );
    let tmp = TempDir::new("lp-map-bad");
    let empty = tmp.path().join("empty");
    std::fs::write(&empty, b"").unwrap();
    let out = run(&["lp-map", x86.to_str().unwrap(), empty.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("empty"));
}
