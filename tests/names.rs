//! The LTO name grammar (`symtab::name`): table-driven rows with real kernel names, names
//! that must not be merged, the evidence hook, and properties at scale on the production
//! maps and the shared kernels.
//!
//! Row sources: `x86`/`arm` are the shared ThinLTO kernels (clang-16, 6.1.192),
//! `deb-amd64`/`deb-arm64` Debian's production 6.1.0-56 maps (GCC 12, no LTO),
//! `gcc-lto` the GCC LTO fixture in `testdata/lto/kern`. Rows without a source are shapes
//! the compilers make that these inputs happen not to contain.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

use symtab::name::{self, Name, Policy, SuffixKind};
use symtab::SymbolTable;

use SuffixKind::*;

fn check(raw: &str, policy: Policy, want: &str, line: u32) {
    let got = name::clean(raw, policy);
    assert_eq!(got, want, "line {line}: clean({raw:?}, {policy})");
    assert_eq!(
        Name::parse(raw).clean(policy),
        want,
        "line {line}: Name::clean({raw:?}, {policy})"
    );
}

/// `t!(raw, lto, llvm, first-dot)`: the cleaned name under each policy (`none` is the raw name).
macro_rules! t {
    ($raw:expr, $lto:expr, $llvm:expr, $first:expr) => {
        check($raw, Policy::Lto, $lto, line!());
        check($raw, Policy::Llvm, $llvm, line!());
        check($raw, Policy::FirstDot, $first, line!());
        check($raw, Policy::None, $raw, line!());
    };
}

#[rustfmt::skip]
#[test]
fn clean_rows() {
    // ThinLTO promotion (x86, arm).
    t!("get_branch_type.llvm.17026518653902526769", "get_branch_type", "get_branch_type", "get_branch_type");
    t!("____do_softirq.llvm.12435523849867741484", "____do_softirq", "____do_softirq", "____do_softirq");
    // A promoted string literal: Clang's in-module `.N` stays under lto and llvm (arm).
    t!(".str.32.llvm.16856882240945804491", ".str.32", ".str.32", "");
    t!(".str.llvm.17193033810756456691", ".str", ".str", "");
    // A promoted function-scope static (arm).
    t!("rcu_sync_init.__key.llvm.12754410921632525802", "rcu_sync_init.__key", "rcu_sync_init.__key", "rcu_sync_init");
    // Clang function-scope statics, numbered when one function has several (x86, arm).
    t!("paranoid_xstate_size_valid.__already_done.27", "paranoid_xstate_size_valid.__already_done.27",
       "paranoid_xstate_size_valid.__already_done.27", "paranoid_xstate_size_valid");
    t!("dma_direct_map_resource.__print_once", "dma_direct_map_resource.__print_once",
       "dma_direct_map_resource.__print_once", "dma_direct_map_resource");
    t!("vgacon_startup.ega_console_resource.4", "vgacon_startup.ega_console_resource.4",
       "vgacon_startup.ega_console_resource.4", "vgacon_startup");
    // Clang in-module renames (x86).
    t!("tsc_adjust.1", "tsc_adjust.1", "tsc_adjust.1", "tsc_adjust");
    t!(".compoundliteral.12", ".compoundliteral.12", ".compoundliteral.12", "");
    t!(".compoundliteral", ".compoundliteral", ".compoundliteral", "");
    // Clang full LTO renames (testdata/lto/kern/clang-full-*): kept without evidence.
    t!("do_work.8", "do_work.8", "do_work.8", "do_work");
    // GCC statics and clones (deb-amd64, deb-arm64).
    t!("__warned.27", "__warned.27", "__warned.27", "__warned");
    t!("name_to_dev_t.cold", "name_to_dev_t.cold", "name_to_dev_t.cold", "name_to_dev_t");
    t!("get_sigframe.constprop.0.isra.0.cold", "get_sigframe.constprop.0.isra.0.cold",
       "get_sigframe.constprop.0.isra.0.cold", "get_sigframe");
    t!("link_path_walk.part.0.constprop.0", "link_path_walk.part.0.constprop.0",
       "link_path_walk.part.0.constprop.0", "link_path_walk");
    t!(".E_copy", ".E_copy", ".E_copy", "");
    t!("__kvm_nvhe_.L144721", "__kvm_nvhe_.L144721", "__kvm_nvhe_.L144721", "__kvm_nvhe_");
    // GCC LTO (gcc-lto): the static's own `.0` stays, the LTO rename goes.
    t!("do_work.lto_priv.3", "do_work", "do_work.lto_priv.3", "do_work");
    t!("__already_done.0.lto_priv.2", "__already_done.0", "__already_done.0.lto_priv.2", "__already_done");
    t!("hdr_checksum.lto_priv.0", "hdr_checksum", "hdr_checksum.lto_priv.0", "hdr_checksum");
    // llvm mirrors the kernel's strstr(".llvm."): everything after the first `.llvm.` goes,
    // hash or not; lto drops only a well-formed `.llvm.<hash>` suffix.
    t!("foo.llvm.123.cold", "foo.cold", "foo", "foo");
    t!("foo.llvm.bar", "foo.llvm.bar", "foo", "foo");
    t!("foo.isra.0.llvm.99", "foo.isra.0", "foo.isra.0", "foo");
    // Clang unique internal names and CFI: not LTO-only, kept.
    t!("foo.__uniq.12345678901234567890", "foo.__uniq.12345678901234567890",
       "foo.__uniq.12345678901234567890", "foo");
    t!("foo.__uniq.1234.llvm.5678", "foo.__uniq.1234", "foo.__uniq.1234", "foo");
    t!("foo.cfi_jt", "foo.cfi_jt", "foo.cfi_jt", "foo");
    t!("foo.llvm.77.cfi_jt", "foo.cfi_jt", "foo", "foo");
    // Degenerate inputs.
    t!("", "", "", "");
    t!(".", ".", ".", "");
    t!("..", "..", "..", "");
    t!("foo.", "foo.", "foo.", "foo");
    t!(".llvm.1", ".llvm.1", "", "");
}

/// `p!(raw, base, [kinds])`: the parse, and that base and suffix texts give back the raw name.
macro_rules! p {
    ($raw:expr, $base:expr, [$($kind:expr),*]) => {{
        let n = Name::parse($raw);
        assert_eq!(n.base, $base, "line {}: base of {:?}", line!(), $raw);
        let kinds: Vec<SuffixKind> = n.suffixes.iter().map(|s| s.kind).collect();
        assert_eq!(kinds, vec![$($kind),*], "line {}: suffixes of {:?}", line!(), $raw);
        assert_eq!(rebuild(&n), $raw);
    }};
}

fn rebuild(n: &Name<'_>) -> String {
    let mut s = n.base.to_string();
    for x in &n.suffixes {
        s.push_str(x.text);
    }
    s
}

#[rustfmt::skip]
#[test]
fn parse_rows() {
    p!("get_branch_type.llvm.17026518653902526769", "get_branch_type", [LlvmPromoted]);
    p!(".str.1.llvm.12593098806251680514", ".str", [Numeric, LlvmPromoted]);
    p!(".L.str.2", ".L.str", [Numeric]);
    p!(".compoundliteral.12", ".compoundliteral", [Numeric]);
    p!("__already_done.12", "__already_done", [Numeric]);
    p!("mmap_init.__key.llvm.14304774920493763420", "mmap_init", [PromotedStatic, LlvmPromoted]);
    p!("copy_signal.__key.19", "copy_signal", [PromotedStatic, Numeric]);
    p!("swiotlb_tbl_map_single._rs.11", "swiotlb_tbl_map_single", [PromotedStatic, Numeric]);
    p!("get_sigframe.constprop.0.isra.0.cold", "get_sigframe", [Constprop, Isra, Cold]);
    p!("ftrace_regex_write.part.0.isra.0", "ftrace_regex_write", [Part, Isra]);
    p!("foo.isra.56.cold.74", "foo", [Isra, Cold]);
    p!("foo.constprop.0.isra.0", "foo", [Constprop, Isra]);
    p!("__already_done.0.lto_priv.1", "__already_done", [Numeric, LtoPriv]);
    p!("_start.cold", "_start", [Cold]);
    p!("foo.localalias", "foo", [Localalias]);
    p!("foo.localalias.0", "foo", [Localalias]);
    p!("foo.__uniq.314159", "foo", [UniqueInternal]);
    p!("foo.cfi", "foo", [Cfi]);
    p!("foo.cfi_jt", "foo", [CfiJt]);
    p!("foo.1", "foo", [Numeric]);
    p!(".LCPI11_0", ".LCPI11_0", []);
    // arm64 KVM nVHE symbols: a prefix, then the object's own name.
    p!("__kvm_nvhe_.L144721", "__kvm_nvhe_.L144721", []);
    p!("__kvm_nvhe_handle___kvm_vcpu_run.cold", "__kvm_nvhe_handle___kvm_vcpu_run", [Cold]);
    p!("__kvm_nvhe___hyp_section_.hyp.data..ro_after_init", "__kvm_nvhe___hyp_section_",
       [PromotedStatic, Unknown]);
    // GCC LTO early-debug anchors (gcc-lto): `<file>.c.<hex>`.
    p!("fs.c.77659c5a", "fs", [PromotedStatic, Unknown]);
    // Not a hash, not a number: unknown, to the end.
    p!("foo.llvm.", "foo", [Unknown]);
    p!("foo.isra", "foo", [Unknown]);
    p!("foo.bar.baz", "foo", [PromotedStatic, Unknown]);
    p!("foo.1.bar", "foo", [Numeric, Unknown]);
    p!("foo$x.1", "foo$x", [Numeric]);
    p!("", "", []);
    p!(".", ".", []);
    p!("..", ".", [Unknown]);
    p!("a..b", "a", [Unknown]);
    p!("a.é.1", "a", [Unknown]);
}

#[test]
fn suffix_numbers_and_display() {
    let n = Name::parse("foo.isra.56.cold.74.llvm.17026518653902526769");
    let nums: Vec<Option<u64>> = n.suffixes.iter().map(|s| s.number()).collect();
    assert_eq!(nums, [Some(56), Some(74), Some(17026518653902526769)]);
    assert_eq!(n.to_string(), "foo.isra.56.cold.74");
    assert_eq!(
        format!("{n:#}"),
        "foo.isra.56.cold.74.llvm.17026518653902526769"
    );
    assert!(n.has(Cold) && !n.has(Part));
    assert_eq!(Name::parse("x.cold").suffixes[0].number(), None);
    assert_eq!(
        Name::parse("x.99999999999999999999999").suffixes[0].number(),
        None
    );
    for p in Policy::ALL {
        assert_eq!(p.to_string().parse::<Policy>(), Ok(p));
    }
    assert_eq!(Policy::default(), Policy::Lto);
    assert!("first_dot".parse::<Policy>().is_err());
}

/// Names that must stay apart under `lto` (and `llvm`): each pair is two different symbols.
#[test]
fn must_not_merge() {
    let pairs = [
        ("kzalloc.constprop.0", "kzalloc"),
        ("__already_done.12", "__already_done.13"),
        ("__already_done.0.lto_priv.0", "__already_done.1"),
        (
            "get_sigframe.constprop.0.isra.0",
            "get_sigframe.constprop.0.isra.0.cold",
        ),
        (
            "ftrace_regex_write.part.0.isra.0",
            "ftrace_regex_write.isra.0",
        ),
        ("copy_signal.__key.19", "copy_signal.__key.21"),
        ("copy_signal.__key.19", "copy_signal"),
        (
            ".str.1.llvm.12593098806251680514",
            ".str.10.llvm.9005732462042611966",
        ),
        ("tsc_adjust.1", "tsc_adjust.2"),
        ("foo.__uniq.1", "foo.__uniq.2"),
        ("foo.cfi_jt", "foo"),
        ("foo.1", "foo"),
    ];
    for (a, b) in pairs {
        for p in [Policy::Lto, Policy::Llvm] {
            assert_ne!(
                name::clean(a, p),
                name::clean(b, p),
                "{a:?} and {b:?} merged under {p}"
            );
        }
    }
    // ... and pairs that are one symbol seen through LTO, which lto merges.
    let same = [
        ("do_work.lto_priv.0", "do_work"),
        (
            "single_step_handler.llvm.18157976930324382286",
            "single_step_handler",
        ),
        (".str.1.llvm.12593098806251680514", ".str.1"),
    ];
    for (a, b) in same {
        assert_eq!(
            name::clean(a, Policy::Lto),
            name::clean(b, Policy::Lto),
            "{a:?} vs {b:?}"
        );
    }
}

/// The evidence hook: a `.N` goes only when the link inputs have the base and not the name.
#[test]
fn numeric_with_evidence() {
    let inputs: BTreeSet<&str> = ["foo", "__already_done.12", "bar", "bar.1", "baz.3"].into();
    let has = |s: &str| inputs.contains(s);
    let lto = |raw| Name::parse(raw).clean_with(Policy::Lto, has).into_owned();
    // Full LTO renamed a second `foo` to `foo.1`: the inputs only know `foo`.
    assert_eq!(lto("foo.1"), "foo");
    assert_eq!(lto("foo.1.llvm.42"), "foo");
    // A GCC static: the inputs have the suffixed name itself.
    assert_eq!(lto("__already_done.12"), "__already_done.12");
    // Both exist in the inputs: keep.
    assert_eq!(lto("bar.1"), "bar.1");
    // The base is unknown: no evidence, keep.
    assert_eq!(lto("qux.1"), "qux.1");
    // Only a trailing `.N` is a candidate.
    assert_eq!(lto("baz.3.cold"), "baz.3.cold");
    assert_eq!(lto("foo.isra.0"), "foo.isra.0");
    // Other policies are fixed kernel rules.
    assert_eq!(Name::parse("foo.1").clean_with(Policy::Llvm, has), "foo.1");
    assert_eq!(Name::parse("foo.1").clean_with(Policy::None, has), "foo.1");
    // Without evidence a `.N` stays.
    assert_eq!(name::clean("foo.1", Policy::Lto), "foo.1");
}

// ---------------------------------------------------------------------------------------
// At scale: the production maps and the shared kernels.

fn shared() -> PathBuf {
    crate::common::shared()
}

fn read_map(rel: &str) -> SymbolTable {
    let path = shared().join(rel);
    let data = if rel.ends_with(".xz") {
        let out = Command::new("xz")
            .arg("-dc")
            .arg(&path)
            .output()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run xz (package xz-utils) on {}: {e}",
                    path.display()
                )
            });
        assert!(out.status.success(), "xz -dc {} failed", path.display());
        out.stdout
    } else {
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    symtab::read::read_text(&data).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Cleaned names standing for two or more distinct raw names (the `ksym syms --collisions`
/// definition), and cleaned names standing for two or more symbols of which at least one was
/// changed by cleaning (the count issue 2 quotes).
fn collisions(t: &SymbolTable, p: Policy) -> (usize, usize) {
    let mut groups: BTreeMap<String, (BTreeSet<&str>, usize, bool)> = BTreeMap::new();
    for s in &t.symbols {
        let c = name::clean(&s.name, p);
        let changed = c != s.name;
        let g = groups.entry(c.into_owned()).or_default();
        g.0.insert(&s.name);
        g.1 += 1;
        g.2 |= changed;
    }
    let distinct = groups.values().filter(|g| g.0.len() >= 2).count();
    let symbols = groups.values().filter(|g| g.1 >= 2 && g.2).count();
    (distinct, symbols)
}

struct Scan {
    kinds: BTreeMap<SuffixKind, usize>,
    names: usize,
}

/// Parse every name: no panic, the parts give back the name, and `Name::clean` agrees with
/// `clean` under every policy.
fn scan(t: &SymbolTable) -> Scan {
    let mut kinds = BTreeMap::new();
    for s in &t.symbols {
        let n = Name::parse(&s.name);
        assert_eq!(rebuild(&n), s.name);
        for p in Policy::ALL {
            assert_eq!(n.clean(p), name::clean(&s.name, p), "{} under {p}", s.name);
        }
        for x in &n.suffixes {
            *kinds.entry(x.kind).or_insert(0) += 1;
        }
    }
    Scan {
        kinds,
        names: t.symbols.len(),
    }
}

fn count(s: &Scan, k: SuffixKind) -> usize {
    s.kinds.get(&k).copied().unwrap_or(0)
}

#[test]
fn production_maps_at_scale() {
    crate::common::needs_full_env!();
    for (rel, cold) in [
        ("maps/debian-6.1.0-56-amd64.System.map.xz", true),
        ("maps/debian-6.1.0-56-arm64.System.map.xz", false),
    ] {
        let t = read_map(rel);
        let s = scan(&t);
        assert!(s.names > 90_000, "{rel}: only {} symbols", s.names);
        for k in [Numeric, Constprop, Isra, Part] {
            assert!(count(&s, k) > 100, "{rel}: {k} suffixes: {:?}", s.kinds);
        }
        // GCC 12 arm64 keeps cold parts as local labels, not symbols.
        assert_eq!(count(&s, Cold) > 0, cold, "{rel}: {:?}", s.kinds);
        // No LTO here: lto and llvm change nothing, so no two GCC `.N` statics (or any two
        // names) ever share a cleaned name.
        for p in [Policy::Lto, Policy::Llvm] {
            assert_eq!(count(&s, LlvmPromoted) + count(&s, LtoPriv), 0);
            for sym in &t.symbols {
                assert_eq!(
                    name::clean(&sym.name, p),
                    sym.name.as_str(),
                    "{rel} under {p}"
                );
            }
            assert_eq!(collisions(&t, p).0, 0, "{rel} under {p}");
        }
    }
    // Issue 2: "a strip-at-first-dot rule makes 571 base names ambiguous" on the arm64 map.
    // 553 cleaned names stand for two or more distinct raw names (`--collisions`); 18 more
    // stand for two or more symbols only because the same suffixed name is defined twice
    // (`kzalloc.constprop.0` in two files), which is ambiguous under every policy.
    let arm = read_map("maps/debian-6.1.0-56-arm64.System.map.xz");
    assert_eq!(collisions(&arm, Policy::FirstDot), (553, 571));
}

#[test]
fn shared_kernels_at_scale() {
    crate::common::needs_full_env!();
    for (arch, llvm) in [("x86_64-thin", 801), ("arm64-thin", 556)] {
        let rel = format!("kernels/{arch}/System.map");
        let t = read_map(&rel);
        let s = scan(&t);
        // facts.txt counts the `.llvm.` symbols; each is one LlvmPromoted suffix.
        assert_eq!(count(&s, LlvmPromoted), llvm, "{rel}: {:?}", s.kinds);
        for k in [Numeric, PromotedStatic] {
            assert!(count(&s, k) > 20, "{rel}: {k}: {:?}", s.kinds);
        }
        // Clang makes none of GCC's clones or renames.
        for k in [Constprop, Isra, Part, Cold, LtoPriv] {
            assert_eq!(count(&s, k), 0, "{rel}: {k}: {:?}", s.kinds);
        }
        for sym in &t.symbols {
            let c = name::clean(&sym.name, Policy::Llvm);
            assert!(!c.contains(".llvm."), "{rel}: {c}");
            // lto and llvm agree on a ThinLTO kernel: the only LTO suffix is last.
            assert_eq!(
                name::clean(&sym.name, Policy::Lto),
                c,
                "{rel}: {}",
                sym.name
            );
            // A Clang static keeps its number under lto: two `__already_done` of one
            // function stay apart.
            if Name::parse(&sym.name).has(Numeric) {
                assert!(
                    c.bytes().last().is_some_and(|b| b.is_ascii_digit()),
                    "{}",
                    sym.name
                );
            }
        }
        // Promotion merges nothing by itself: a cleaned name stands for two raw names only
        // where the same local name was promoted in two modules, or one module's copy was
        // promoted and another's was not.
        let (lto, _) = collisions(&t, Policy::Lto);
        let (first, _) = collisions(&t, Policy::FirstDot);
        assert!(lto < first, "{rel}: lto {lto} >= first-dot {first}");
    }
}

// ---------------------------------------------------------------------------------------
// The evidence hook on real LTO output: the clang fixtures of `testdata/lto/kern`, against
// their own link inputs compiled here without LTO (same names before LTO).

fn fixture_inputs(arch: &str, dir: &std::path::Path) -> BTreeSet<String> {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/lto/kern/src");
    let mut names = BTreeSet::new();
    for f in ["start.c", "sched.c", "net.c", "fs.c", "lib.c"] {
        let obj = dir.join(f.replace(".c", ".o"));
        let out = Command::new("clang-16")
            .arg(format!("--target={arch}-linux-gnu"))
            .args(["-O2", "-ffreestanding", "-fno-pic", "-fno-stack-protector"])
            .args([
                "-fno-asynchronous-unwind-tables",
                "-fno-common",
                "-Iinclude",
                "-c",
                f,
                "-o",
            ])
            .arg(&obj)
            .current_dir(&src)
            .output()
            .unwrap_or_else(|e| panic!("cannot run clang-16 (package clang-16): {e}"));
        assert!(
            out.status.success(),
            "clang-16 {f}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let t = symtab::read::read_path(&obj).unwrap_or_else(|e| panic!("{}: {e}", obj.display()));
        names.extend(
            t.symbols
                .into_iter()
                .filter(|s| s.section_index.is_some())
                .map(|s| s.name),
        );
    }
    names
}

#[test]
fn clang_lto_fixtures_with_evidence() {
    crate::common::needs_full_env!();
    let dir = std::env::temp_dir().join(format!("ksym-names-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for arch in ["x86_64", "aarch64"] {
        let inputs = fixture_inputs(arch, &dir);
        for (lto, renamed_kind) in [("full", Numeric), ("thin", LlvmPromoted)] {
            let rel = format!("testdata/lto/kern/clang-{lto}-{arch}/prog");
            let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(&rel);
            let t = symtab::read::read_path(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
            let mut renamed = 0;
            for s in t
                .symbols
                .iter()
                .filter(|s| !s.is_mapping_symbol() && s.section_index.is_some())
            {
                let n = Name::parse(&s.name);
                let c = n.clean_with(Policy::Lto, |x| inputs.contains(x));
                if inputs.contains(&s.name) {
                    assert_eq!(c, s.name.as_str(), "{rel}: {} is an input name", s.name);
                } else {
                    // Every name LTO made leads back to an input name, through a suffix of
                    // the kind this LTO mode adds.
                    assert!(
                        inputs.contains(c.as_ref()),
                        "{rel}: {} cleans to {c}",
                        s.name
                    );
                    assert_eq!(
                        n.suffixes.last().map(|x| x.kind),
                        Some(renamed_kind),
                        "{rel}: {}",
                        s.name
                    );
                    renamed += 1;
                }
            }
            // The README's renames: four `do_work`s, two `set_prio`s, two `dev_weight`s and
            // two `hdr_checksum`s under full LTO (one of each keeps its name); `do_work`
            // and `last_file` promoted under ThinLTO.
            let want = if lto == "full" { 6 } else { 2 };
            assert_eq!(renamed, want, "{rel}");
            // Without evidence, lto keeps full LTO's `.N`: it could be a static's own number.
            if lto == "full" {
                assert_eq!(name::clean("do_work.8", Policy::Lto), "do_work.8");
            }
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// `lookup_keys`: the names a trace may print for a symbol once LTO renaming is lost.
#[rustfmt::skip]
#[test]
fn lookup_keys() {
    let keys = |raw: &str| -> Vec<String> {
        Name::parse(raw).lookup_keys().into_iter().map(|k| k.into_owned()).collect()
    };
    assert_eq!(keys("get_branch_type.llvm.4227548113478785131"), ["get_branch_type"]); // x86
    assert_eq!(keys("do_work.lto_priv.0"), ["do_work"]); // gcc-lto
    assert_eq!(keys("do_work.1"), ["do_work"]); // clang-full fixture rename
    assert_eq!(keys("__already_done.0.lto_priv.0"), ["__already_done.0", "__already_done"]); // gcc-lto
    assert_eq!(keys("net_rx.cold"), Vec::<String>::new()); // a clone is its own symbol
    assert_eq!(keys("kzalloc.constprop.0"), Vec::<String>::new()); // deb-amd64
    assert_eq!(keys("vfs_write"), Vec::<String>::new());
    assert_eq!(keys("foo.llvm.123"), ["foo"]);
    assert_eq!(keys("foo.lto_priv.0"), ["foo"]);
    assert_eq!(keys("foo.7"), ["foo"]);
    assert_eq!(keys("foo.cold"), Vec::<String>::new());
    assert_eq!(keys("foobar.7"), ["foobar"]); // never `foo`
    assert_eq!(keys(".str.1.llvm.11400480422490436792"), [".str.1", ".str"]); // x86
}
