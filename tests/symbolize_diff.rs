//! Differential test of the DWARF symbolizer against llvm-symbolizer-16.
//!
//! For every sized function of the shared x86_64 and arm64 vmlinux (one address each, at
//! a pseudo-random offset inside it: about 21,000 addresses), ksym's inline chain must
//! agree with `llvm-symbolizer-16 --inlining --functions=linkage` on the function name,
//! file and line of every level for at least 99.5% of addresses, and every disagreement
//! must fall in a class listed in [`classify`] with its reason. For lkdtm.ko, whose
//! sections all start at 0 (llvm-symbolizer's own `.ko` handling is broken for that),
//! llvm-symbolizer reads a copy whose allocated sections were moved by objcopy to the
//! same distinct addresses ksym lays them out at; there every address must agree.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use ksym::dwarf::{ObjectKind, Symbolizer};
use symtab::SymKind;

/// One inline level as both tools are compared on.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Level {
    function: String,
    file: String,
    line: u32,
}

/// Where decompressed kernels live between test runs (the test's own target temp dir).
fn kernel_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("ksym-kernels");
    std::fs::create_dir_all(&d).expect("cannot create the kernel cache dir");
    d
}

fn ours(sym: &Symbolizer, addr: u64) -> Vec<Level> {
    let frames = sym
        .lookup(addr)
        .unwrap_or_else(|e| panic!("lookup {addr:#x}: {e}"));
    let n = frames.len();
    frames
        .iter()
        .enumerate()
        .map(|(i, f)| Level {
            // llvm-symbolizer names the outermost frame from the symbol table, as ksym
            // does (`Frame::name`); inlined frames from DWARF.
            function: if i + 1 == n {
                f.name()
            } else {
                f.function.as_deref()
            }
            .unwrap_or_default()
            .to_string(),
            file: f.file.clone().unwrap_or_default(),
            line: f.line.unwrap_or(0),
        })
        .filter(|l| !(l.function.is_empty() && l.file.is_empty()))
        .collect()
}

/// Run llvm-symbolizer once over all addresses (one batch on stdin, JSON output).
fn llvm(obj: &Path, addrs: &[u64]) -> Vec<Vec<Level>> {
    common::require_tool("llvm-symbolizer-16", "llvm-16");
    let mut child = Command::new("llvm-symbolizer-16")
        .arg(format!("--obj={}", obj.display()))
        .args(["--inlining", "--functions=linkage", "--output-style=JSON"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("cannot run llvm-symbolizer-16");
    let mut input = String::new();
    for a in addrs {
        input.push_str(&format!("{a:#x}\n"));
    }
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().expect("llvm-symbolizer output");
    writer
        .join()
        .expect("writer")
        .expect("write to llvm-symbolizer");
    assert!(out.status.success(), "llvm-symbolizer-16 failed");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let res: Vec<Vec<Level>> = text
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("llvm-symbolizer JSON");
            v["Symbol"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|f| Level {
                            function: f["FunctionName"].as_str().unwrap_or("").to_string(),
                            file: f["FileName"].as_str().unwrap_or("").to_string(),
                            line: f["Line"].as_u64().unwrap_or(0) as u32,
                        })
                        .filter(|l| !(l.function.is_empty() && l.file.is_empty()))
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(
        res.len(),
        addrs.len(),
        "llvm-symbolizer answered a different count"
    );
    res
}

/// One address per sized function, at a deterministic pseudo-random offset.
fn sample(sym: &Symbolizer) -> Vec<u64> {
    let mut out: Vec<u64> = sym
        .symbols()
        .iter()
        .filter(|s| s.kind == SymKind::Func && s.size.unwrap_or(0) > 0)
        .filter_map(|s| {
            let base = sym.symbol_address(s)?;
            let size = s.size?;
            let h = (base ^ (base >> 17)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            Some(base + (h >> 32) % size)
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Disagreement classes, each with its reason (checked, not normalized away).
const ALIAS: &str = "alias: the outermost frame is named by another symbol at the same \
    address; llvm-symbolizer takes the last alias in symbol-table order, ksym the one \
    kallsyms prefers (sized function, then global before weak before local)";
const STT_FILE: &str = "no line info: llvm-symbolizer names the file from the STT_FILE \
    symbol (a bare basename such as `alternative.c`), ksym leaves the file unknown";

const NON_TEXT: &str = "code in a non-executable section (lkdtm_rodata_do_nothing is \
    placed in .rodata on purpose): llvm-symbolizer maps addresses of relocatable files \
    only to text sections and finds no line there, ksym resolves it";

/// Which listed class a disagreement falls in. `None`: not a known class.
fn classify(sym: &Symbolizer, addr: u64, ours: &[Level], theirs: &[Level]) -> Option<&'static str> {
    if theirs.len() == 1
        && theirs[0].file.is_empty()
        && ours.last().map(|l| &l.function) == Some(&theirs[0].function)
        && sym.section_offset(addr).is_some_and(|(s, _)| !s.exec)
    {
        return Some(NON_TEXT);
    }
    let (Some(o), Some(t)) = (ours.last(), theirs.last()) else {
        return None;
    };
    let n = ours.len();
    if n == theirs.len() && ours[..n - 1] == theirs[..n - 1] && o.file == t.file && o.line == t.line
    {
        let addr_of = |name: &str| -> Vec<u64> {
            sym.symbols()
                .iter()
                .filter(|s| s.name == name)
                .filter_map(|s| sym.symbol_address(s))
                .collect()
        };
        let (a, b) = (addr_of(&o.function), addr_of(&t.function));
        if a.iter().any(|x| b.contains(x)) {
            return Some(ALIAS);
        }
        return None;
    }
    if n == 1
        && theirs.len() == 1
        && o.function == t.function
        && o.file.is_empty()
        && o.line == 0
        && t.line == 0
        && !t.file.contains('/')
        && sym
            .symbols()
            .iter()
            .any(|s| s.kind == SymKind::File && s.name == t.file)
    {
        return Some(STT_FILE);
    }
    None
}

struct Report {
    total: usize,
    agree: usize,
    classes: std::collections::BTreeMap<&'static str, usize>,
    unknown: Vec<String>,
}

fn compare(obj: &Path, sym: &Symbolizer, addrs: &[u64]) -> Report {
    let theirs = llvm(obj, addrs);
    let mut r = Report {
        total: addrs.len(),
        agree: 0,
        classes: Default::default(),
        unknown: Vec::new(),
    };
    for (addr, t) in addrs.iter().zip(&theirs) {
        let o = ours(sym, *addr);
        if &o == t {
            r.agree += 1;
            continue;
        }
        match classify(sym, *addr, &o, t) {
            Some(c) => *r.classes.entry(c).or_default() += 1,
            None => r
                .unknown
                .push(format!("{addr:#x}:\n  ksym: {o:?}\n  llvm: {t:?}")),
        }
    }
    r
}

fn check_vmlinux(rel: &str) {
    let path = common::unxz(rel, &kernel_dir());
    let sym = Symbolizer::open(&path).expect("open vmlinux");
    assert_ne!(sym.kind(), ObjectKind::Relocatable);
    let addrs = sample(&sym);
    assert!(addrs.len() > 9000, "{rel}: only {} functions", addrs.len());
    let r = compare(&path, &sym, &addrs);
    eprintln!(
        "{rel}: {} of {} addresses agree; classes: {:?}; unknown: {}",
        r.agree,
        r.total,
        r.classes,
        r.unknown.len()
    );
    for u in r.unknown.iter().take(30) {
        eprintln!("{u}");
    }
    assert!(
        r.unknown.is_empty(),
        "{rel}: {} unexplained disagreements",
        r.unknown.len()
    );
    let ratio = r.agree as f64 / r.total as f64;
    assert!(ratio >= 0.995, "{rel}: agreement {ratio:.4} < 0.995");
}

#[test]
fn x86_64_vmlinux_agrees_with_llvm_symbolizer() {
    check_vmlinux("kernels/x86_64-thin/vmlinux.xz");
}

#[test]
fn arm64_vmlinux_agrees_with_llvm_symbolizer() {
    check_vmlinux("kernels/arm64-thin/vmlinux.xz");
}

/// A copy of the module whose allocated sections sit at ksym's synthetic addresses, so
/// llvm-symbolizer (which adds `sh_addr` to symbol values in relocatable files) resolves
/// the same addresses.
fn laid_out_copy(sym: &Symbolizer, src: &Path, dir: &Path, objcopy: &str) -> PathBuf {
    let dst = dir.join(format!(
        "{}.laid-out.ko",
        src.file_name().and_then(|n| n.to_str()).unwrap_or("module")
    ));
    let mut cmd = Command::new(objcopy);
    for s in sym
        .sections()
        .iter()
        .filter(|s| s.alloc && !s.name.is_empty())
    {
        cmd.arg(format!("--change-section-address={}={:#x}", s.name, s.addr));
    }
    let out = cmd
        .arg(src)
        .arg(&dst)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {objcopy}: {e}"));
    assert!(
        out.status.success(),
        "{objcopy} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    dst
}

fn check_module(rel: &str, objcopy: &str, package: &str) {
    common::require_tool(objcopy, package);
    let tmp = common::TempDir::new("symdiff-ko");
    let path = common::unxz(rel, tmp.path());
    let sym = Symbolizer::open(&path).expect("open module");
    assert_eq!(sym.kind(), ObjectKind::Relocatable);
    // Several addresses in each function, so every text section is exercised.
    let mut addrs = Vec::new();
    for s in sym.symbols() {
        if s.kind != SymKind::Func || s.size.unwrap_or(0) == 0 {
            continue;
        }
        let (Some(base), Some(size)) = (sym.symbol_address(s), s.size) else {
            continue;
        };
        for k in 0..4 {
            addrs.push(base + size * k / 4);
        }
    }
    addrs.sort_unstable();
    addrs.dedup();
    let sections: std::collections::BTreeSet<&str> = addrs
        .iter()
        .filter_map(|&a| sym.section_offset(a).map(|(s, _)| s.name.as_str()))
        .collect();
    assert!(
        sections.contains(".init.text") && sections.contains(".exit.text"),
        "{rel}: expected addresses in .init.text and .exit.text, got {sections:?}"
    );
    let copy = laid_out_copy(&sym, &path, tmp.path(), objcopy);
    let r = compare(&copy, &sym, &addrs);
    eprintln!(
        "{rel}: {} of {} addresses agree over {} sections; classes: {:?}",
        r.agree,
        r.total,
        sections.len(),
        r.classes
    );
    for u in r.unknown.iter().take(30) {
        eprintln!("{u}");
    }
    assert!(
        r.unknown.is_empty(),
        "{rel}: {} unexplained",
        r.unknown.len()
    );
    // Every disagreement is explained above; the explained ones are one function in .rodata.
    assert!(
        r.agree as f64 >= 0.99 * r.total as f64,
        "{rel}: too many disagreements"
    );
}

#[test]
fn x86_64_module_agrees_with_llvm_symbolizer_on_a_laid_out_copy() {
    check_module("kernels/x86_64-thin/lkdtm.ko.xz", "objcopy", "binutils");
}

#[test]
fn arm64_module_agrees_with_llvm_symbolizer_on_a_laid_out_copy() {
    check_module(
        "kernels/arm64-thin/lkdtm.ko.xz",
        "aarch64-linux-gnu-objcopy",
        "binutils-aarch64-linux-gnu",
    );
}
