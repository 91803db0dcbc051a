//! The compiled fixtures under `testdata/lto` contain what their READMEs claim.
//!
//! Other tests lean on these binaries (LTO renames, clones, DWARF versions, inline chains,
//! module sections), so a regeneration by `scripts/build-fixtures.sh` that silently lost one
//! of those shapes must fail here. Symbols are read through `ksym syms --clean=none` (itself
//! checked against GNU nm by `tests/nm_diff.rs`); ELF headers and DWARF through `object` and
//! `gimli`.

use crate::common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use object::{Object, ObjectKind, ObjectSection};

const TOOLCHAINS: [&str; 4] = ["gcc", "gcc-lto", "clang-thin", "clang-full"];
const ARCHES: [&str; 2] = ["x86_64", "aarch64"];

fn lto() -> PathBuf {
    common::root().join("testdata/lto")
}

/// One listed symbol: nm's letter and the raw name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Sym {
    letter: char,
    name: String,
}

/// `ksym syms --clean=none FILE`, parsed (`ADDRESS TYPE NAME`, or `TYPE NAME` when undefined).
fn syms(path: &Path) -> Vec<Sym> {
    let o = common::run(&["syms", "--clean=none", path.to_str().expect("utf-8 path")]);
    assert!(
        o.status.success(),
        "ksym syms {} failed: {}",
        path.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    let text = String::from_utf8(o.stdout).expect("utf-8 output");
    text.lines()
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let (letter, name) = match f.as_slice() {
                [_, t, n] | [t, n] => (*t, *n),
                _ => panic!("{}: unexpected line {l:?}", path.display()),
            };
            Sym {
                letter: letter.chars().next().expect("letter"),
                name: name.to_string(),
            }
        })
        .collect()
}

fn names(s: &[Sym]) -> BTreeSet<&str> {
    s.iter().map(|s| s.name.as_str()).collect()
}

/// `base` followed by `.` and one or more decimal digits, and nothing else.
fn is_numeric_rename(name: &str, base: &str) -> bool {
    name.strip_prefix(base)
        .and_then(|r| r.strip_prefix('.'))
        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
}

fn has_llvm_promotion(name: &str, base: &str) -> bool {
    is_numeric_rename(name, &format!("{base}.llvm"))
}

fn count(s: &[Sym], pred: impl Fn(&str) -> bool) -> usize {
    s.iter().filter(|s| pred(&s.name)).count()
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every build folder of `kern`, with the ELF kind and machine its files must have.
fn kern_builds() -> Vec<(String, &'static str, PathBuf)> {
    let mut v = Vec::new();
    for tc in TOOLCHAINS {
        for arch in ARCHES {
            v.push((
                tc.to_string(),
                arch,
                lto().join(format!("kern/{tc}-{arch}")),
            ));
        }
    }
    v
}

fn assert_elf(path: &Path, kind: ObjectKind, arch: &str) {
    let data = read(path);
    let obj = object::File::parse(&*data).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(obj.kind(), kind, "{}", path.display());
    let want = match arch {
        "x86_64" => object::Architecture::X86_64,
        _ => object::Architecture::Aarch64,
    };
    assert_eq!(obj.architecture(), want, "{}", path.display());
}

#[test]
fn kern_builds_are_executables_and_relocatables() {
    for (_, arch, dir) in kern_builds() {
        assert_elf(&dir.join("prog"), ObjectKind::Executable, arch);
        assert_elf(&dir.join("prog.o"), ObjectKind::Relocatable, arch);
    }
}

/// The renames each toolchain's LTO makes, in both the executable and the `ld -r` object.
#[test]
fn kern_lto_renames() {
    for (tc, _, dir) in kern_builds() {
        for file in ["prog", "prog.o"] {
            let path = dir.join(file);
            let s = syms(&path);
            let at = path.display();
            let llvm = count(&s, |n| n.contains(".llvm."));
            let lto_priv = count(&s, |n| n.contains(".lto_priv."));
            let do_work_renames = count(&s, |n| is_numeric_rename(n, "do_work"));
            match tc.as_str() {
                "clang-thin" => {
                    assert!(
                        s.iter().any(|x| has_llvm_promotion(&x.name, "do_work")),
                        "{at}: no do_work.llvm.<hash>"
                    );
                    assert!(
                        s.iter().any(|x| has_llvm_promotion(&x.name, "last_file")),
                        "{at}: no promoted static variable last_file.llvm.<hash>"
                    );
                    assert_eq!(lto_priv + do_work_renames, 0, "{at}");
                }
                "clang-full" => {
                    assert!(do_work_renames >= 3, "{at}: {do_work_renames} do_work.N");
                    assert!(
                        names(&s).contains("do_work"),
                        "{at}: one do_work keeps its name"
                    );
                    for base in ["set_prio", "dev_weight", "hdr_checksum"] {
                        assert!(
                            s.iter().any(|x| is_numeric_rename(&x.name, base)),
                            "{at}: no {base}.N"
                        );
                    }
                    assert_eq!(llvm + lto_priv, 0, "{at}");
                }
                "gcc-lto" => {
                    for i in 0..4 {
                        let n = format!("do_work.lto_priv.{i}");
                        assert!(names(&s).contains(n.as_str()), "{at}: no {n}");
                    }
                    assert!(
                        names(&s).contains("__already_done.0.lto_priv.0"),
                        "{at}: no function-scope static with .lto_priv"
                    );
                    assert_eq!(llvm, 0, "{at}");
                }
                _ => assert_eq!(llvm + lto_priv + do_work_renames, 0, "{at}"),
            }
        }
    }
}

/// GCC's IPA clones, partial inlining and hot/cold splits, with and without LTO.
#[test]
fn kern_gcc_clones() {
    for (tc, arch, dir) in kern_builds() {
        if !tc.starts_with("gcc") {
            continue;
        }
        for file in ["prog", "prog.o"] {
            let path = dir.join(file);
            let s = syms(&path);
            let at = path.display();
            assert!(names(&s).contains("set_prio.constprop.0"), "{at}");
            assert!(names(&s).contains("dev_weight.isra.0"), "{at}");
            assert!(names(&s).contains("rebalance.part.0"), "{at}");
            if tc == "gcc" {
                // The header's static, once per including file, under one name.
                assert_eq!(count(&s, |n| n == "hdr_checksum"), 2, "{at}");
            }
            let cold = count(&s, |n| n.ends_with(".cold"));
            if arch == "x86_64" {
                for n in ["net_rx.cold", "fs_crash.cold"] {
                    assert!(names(&s).contains(n), "{at}: no {n}");
                }
            } else {
                // GCC does no hot/cold partitioning on aarch64 by default; Debian's arm64
                // System.map has no `.cold` either. A change here means the fixture changed.
                assert_eq!(cold, 0, "{at}: .cold on aarch64");
            }
            // Function-scope statics: `__already_done.N`, one per WARN_ON_ONCE site.
            assert!(
                count(&s, |n| n.starts_with("__already_done.")) >= 4,
                "{at}: WARN_ON_ONCE statics"
            );
        }
    }
}

/// Clang's function-scope statics are named after their function, and weak symbols stay weak.
#[test]
fn kern_statics_and_weak() {
    for (tc, _, dir) in kern_builds() {
        let path = dir.join("prog.o");
        let s = syms(&path);
        let at = path.display();
        if tc.starts_with("clang") {
            for f in ["sched_tick", "net_rx", "fs_open", "fs_sync"] {
                let n = format!("{f}.__already_done");
                assert!(names(&s).contains(n.as_str()), "{at}: no {n}");
            }
        }
        let letter = |n: &str| s.iter().find(|x| x.name == n).map(|x| x.letter);
        assert_eq!(letter("arch_hook"), Some('W'), "{at}");
        assert_eq!(letter("optional_hook"), Some('w'), "{at}");
        assert_eq!(letter("devices"), Some('B'), "{at}");
        assert_eq!(letter("debug_level"), Some('D'), "{at}");
        assert_eq!(letter("kern_version"), Some('R'), "{at}");
        assert_eq!(letter("banner"), Some('r'), "{at}");
        assert_eq!(letter("fs_crash"), Some('T'), "{at}");
    }
}

/// The DWARF unit versions of one ELF file.
fn dwarf_versions(path: &Path) -> BTreeSet<u16> {
    let data = read(path);
    let obj = object::File::parse(&*data).expect("ELF");
    let info = obj
        .section_by_name(".debug_info")
        .unwrap_or_else(|| panic!("{}: no .debug_info", path.display()));
    let bytes = info.uncompressed_data().expect(".debug_info data");
    let debug_info = gimli::DebugInfo::new(&bytes, gimli::LittleEndian);
    let mut versions = BTreeSet::new();
    let mut units = debug_info.units();
    while let Some(u) = units.next().expect("unit header") {
        versions.insert(u.version());
    }
    versions
}

/// The longest chain of nested `DW_TAG_inlined_subroutine`s in one ELF file.
fn max_inline_depth(path: &Path) -> usize {
    let data = read(path);
    let obj = object::File::parse(&*data).expect("ELF");
    let section = |name: &str| -> Vec<u8> {
        obj.section_by_name(name)
            .and_then(|s| s.uncompressed_data().ok())
            .map(|d| d.into_owned())
            .unwrap_or_default()
    };
    let (info, abbrev) = (section(".debug_info"), section(".debug_abbrev"));
    let debug_info = gimli::DebugInfo::new(&info, gimli::LittleEndian);
    let debug_abbrev = gimli::DebugAbbrev::new(&abbrev, gimli::LittleEndian);
    let mut best = 0;
    let mut units = debug_info.units();
    while let Some(u) = units.next().expect("unit header") {
        let abbrevs = u.abbreviations(&debug_abbrev).expect("abbreviations");
        let mut cursor = u.entries(&abbrevs);
        // chain[d]: the inline chain length ending at the current entry of depth d.
        let mut chain: Vec<usize> = Vec::new();
        while let Some(e) = cursor.next_dfs().expect("DIE") {
            let d = usize::try_from(e.depth()).expect("depth");
            chain.resize(d + 1, 0);
            chain[d] = if e.tag() == gimli::DW_TAG_inlined_subroutine {
                d.checked_sub(1).map_or(0, |p| chain[p]) + 1
            } else {
                0
            };
            best = best.max(chain[d]);
        }
    }
    best
}

#[test]
fn kern_dwarf_versions_and_inline_chains() {
    let mut seen = BTreeSet::new();
    for (tc, arch, dir) in kern_builds() {
        let want = if matches!(
            (tc.as_str(), arch),
            ("gcc", "aarch64") | ("clang-full", "x86_64")
        ) {
            4
        } else {
            5
        };
        for file in ["prog", "prog.o"] {
            let path = dir.join(file);
            let v = dwarf_versions(&path);
            assert_eq!(v, BTreeSet::from([want]), "{}", path.display());
            seen.extend(v);
        }
        // hw_read -> hw_clamp -> hw_scale, all inlined.
        let prog = dir.join("prog");
        let depth = max_inline_depth(&prog);
        assert!(depth >= 3, "{}: inline depth {depth}", prog.display());
    }
    assert_eq!(seen, BTreeSet::from([4, 5]));
}

/// DWARF names the sources under the mapped prefix, never the build machine's paths.
#[test]
fn kern_paths_are_mapped() {
    for (_, _, dir) in kern_builds() {
        let path = dir.join("prog");
        let data = read(&path);
        let hay = String::from_utf8_lossy(&data);
        assert!(
            hay.contains("/ksym/testdata/lto/kern/src"),
            "{}",
            path.display()
        );
        let root = common::root();
        assert!(
            !hay.contains(root.to_string_lossy().as_ref()),
            "{}: build path leaked",
            path.display()
        );
    }
}

/// Every `kern` executable has the kernel-style `__bug_table` of its BUG() sites.
#[test]
fn kern_bug_table() {
    for (_, _, dir) in kern_builds() {
        let path = dir.join("prog");
        let data = read(&path);
        let obj = object::File::parse(&*data).expect("ELF");
        let table = obj
            .section_by_name("__bug_table")
            .unwrap_or_else(|| panic!("{}: no __bug_table", path.display()));
        // Entries are 12 bytes: trap offset, file offset (both PC-relative), line, flags.
        let size = table.size();
        assert!(
            size >= 24 && size.is_multiple_of(12),
            "{}: {size}",
            path.display()
        );
    }
}

#[test]
fn kmod_sections_and_symbols() {
    for tc in ["gcc", "clang-thin"] {
        for arch in ARCHES {
            let path = lto().join(format!("kmod/{tc}-{arch}/fixmod.ko"));
            assert_elf(&path, ObjectKind::Relocatable, arch);
            let data = read(&path);
            let obj = object::File::parse(&*data).expect("ELF");
            for sec in [
                ".init.text",
                ".exit.text",
                ".text.unlikely",
                ".text.fixmod_run",
                ".modinfo",
                ".gnu.linkonce.this_module",
            ] {
                assert!(
                    obj.section_by_name(sec).is_some(),
                    "{}: no {sec}",
                    path.display()
                );
            }
            let s = syms(&path);
            let letter = |n: &str| s.iter().find(|x| x.name == n).map(|x| x.letter);
            assert_eq!(letter("printk"), Some('U'), "{}", path.display());
            assert_eq!(letter("fixmod_init"), Some('t'), "{}", path.display());
            assert_eq!(letter("fixmod_exit"), Some('t'), "{}", path.display());
            assert_eq!(letter("__this_module"), Some('D'), "{}", path.display());
            let promoted = s.iter().any(|x| has_llvm_promotion(&x.name, "do_work"));
            assert_eq!(promoted, tc == "clang-thin", "{}", path.display());
        }
    }
}

/// The sources of `lpdiff/old` and `lpdiff/new` differ in exactly one line of `b.c`.
#[test]
fn lpdiff_sources_differ_by_one_line() {
    let mut changed = Vec::new();
    for f in ["main.c", "a.c", "b.c", "lp.h"] {
        let old = String::from_utf8(read(&lto().join("lpdiff/old/src").join(f))).expect("utf-8");
        let new = String::from_utf8(read(&lto().join("lpdiff/new/src").join(f))).expect("utf-8");
        assert_eq!(old.lines().count(), new.lines().count(), "{f}");
        for (a, b) in old.lines().zip(new.lines()) {
            if a != b {
                changed.push((f, a.to_string(), b.to_string()));
            }
        }
    }
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert_eq!(changed[0].0, "b.c");
}

/// Only the changed file's promoted statics change their `.llvm.` hash.
#[test]
fn lpdiff_llvm_hashes() {
    for arch in ARCHES {
        for file in ["prog", "prog.o"] {
            let promoted = |v: &str| -> BTreeSet<String> {
                let path = lto().join(format!("lpdiff/{v}/clang-thin-{arch}/{file}"));
                syms(&path)
                    .into_iter()
                    .filter(|s| s.name.contains(".llvm."))
                    .map(|s| s.name)
                    .collect()
            };
            let (old, new) = (promoted("old"), promoted("new"));
            let at = format!("lpdiff clang-thin-{arch}/{file}");
            assert_eq!(old.len(), 3, "{at}: {old:?}");
            assert_eq!(new.len(), 3, "{at}: {new:?}");
            let kept: Vec<_> = old.intersection(&new).collect();
            assert_eq!(kept.len(), 1, "{at}: only a.c's helper keeps its hash");
            assert!(kept[0].starts_with("helper.llvm."), "{at}: {kept:?}");
            // b.c's two statics share one (new) module hash.
            let hash = |n: &str| n.rsplit('.').next().map(str::to_string);
            let b_new: BTreeSet<_> = new.difference(&old).map(|n| hash(n)).collect();
            let b_old: BTreeSet<_> = old.difference(&new).map(|n| hash(n)).collect();
            assert_eq!(b_new.len(), 1, "{at}: {new:?}");
            assert_eq!(b_old.len(), 1, "{at}: {old:?}");
            assert_ne!(b_new, b_old, "{at}");
        }
    }
}
