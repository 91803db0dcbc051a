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

use crate::common;

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

const BINUTILS_AGREES: &str = "llvm-symbolizer finds no line row and falls back to the \
    STT_FILE name with line 0 (gcc-built relocatable objects, with or without LTO); binutils \
    addr2line, asked about the same addresses of the same file, agrees with ksym";

const BINUTILS_ARTIFICIAL: &str = "as above, but binutils names another file for the same \
    function and line: its known wrong-file answers on GCC DWARF (`<artificial>`, the name \
    of GCC's LTO partition unit, or the unit's primary file for a function from a header), \
    where ksym reads the file from the line table row";

/// binutils addr2line's chains (`-a -f -i`), function/file/line per level.
fn binutils(addr2line: &str, obj: &Path, addrs: &[u64]) -> Vec<Vec<Level>> {
    common::require_tool(addr2line, "binutils");
    let out = Command::new(addr2line)
        .args(["-a", "-f", "-i", "-e"])
        .arg(obj)
        .args(addrs.iter().map(|a| format!("{a:#x}")))
        .output()
        .unwrap_or_else(|e| panic!("cannot run {addr2line}: {e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    let mut res: Vec<Vec<Level>> = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(l) = lines.next() {
        if l.starts_with("0x") {
            res.push(Vec::new());
            continue;
        }
        let loc = lines.next().unwrap_or("");
        let loc = loc.split(" (discriminator").next().unwrap_or(loc);
        let (file, line) = loc.rsplit_once(':').unwrap_or((loc, "0"));
        if let Some(cur) = res.last_mut() {
            cur.push(Level {
                function: l.to_string(),
                file: file.to_string(),
                line: line.parse().unwrap_or(0),
            });
        }
    }
    res
}

/// Equal, except that binutils names the outermost frame from DWARF (`set_prio`) where
/// ksym names it from the symbol table (`set_prio.constprop.0`).
/// With `artificial`, files are not compared (see [`BINUTILS_ARTIFICIAL`]).
fn same_as_binutils(ours: &[Level], theirs: &[Level], artificial: bool) -> bool {
    ours.len() == theirs.len()
        && ours.iter().zip(theirs).enumerate().all(|(i, (o, t))| {
            (o.file == t.file || artificial)
                && o.line == t.line
                && (o.function == t.function
                    || i + 1 == ours.len() && o.function.starts_with(&format!("{}.", t.function)))
        })
}

fn compare(obj: &Path, sym: &Symbolizer, addrs: &[u64]) -> Report {
    let theirs = llvm(obj, addrs);
    let mut r = Report {
        total: addrs.len(),
        agree: 0,
        classes: Default::default(),
        unknown: Vec::new(),
    };
    let mut third = Vec::new();
    for (addr, t) in addrs.iter().zip(&theirs) {
        let o = ours(sym, *addr);
        if &o == t {
            r.agree += 1;
            continue;
        }
        match classify(sym, *addr, &o, t) {
            Some(c) => *r.classes.entry(c).or_default() += 1,
            None if t.len() == 1 && t[0].line == 0 && !t[0].file.contains('/') => {
                third.push((*addr, o));
            }
            None => r
                .unknown
                .push(format!("{addr:#x}:\n  ksym: {o:?}\n  llvm: {t:?}")),
        }
    }
    if !third.is_empty() {
        let tool = match sym.arch() {
            symtab::Arch::Aarch64 => "aarch64-linux-gnu-addr2line",
            _ => "addr2line",
        };
        let a: Vec<u64> = third.iter().map(|t| t.0).collect();
        let b = binutils(tool, obj, &a);
        for (i, (addr, o)) in third.iter().enumerate() {
            if b.get(i).is_some_and(|b| same_as_binutils(o, b, false)) {
                *r.classes.entry(BINUTILS_AGREES).or_default() += 1;
            } else if b.get(i).is_some_and(|b| same_as_binutils(o, b, true)) {
                *r.classes.entry(BINUTILS_ARTIFICIAL).or_default() += 1;
            } else {
                r.unknown.push(format!(
                    "{addr:#x}:\n  ksym: {o:?}\n  binutils: {:?}",
                    b.get(i)
                ));
            }
        }
    }
    r
}

fn check_vmlinux(rel: &str) {
    let path = common::unxz(rel, &kernel_dir());
    let sym = common::symbolizer(&path).expect("open vmlinux");
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
    crate::common::needs_full_env!();
    check_vmlinux("kernels/x86_64-thin/vmlinux.xz");
}

#[test]
fn arm64_vmlinux_agrees_with_llvm_symbolizer() {
    crate::common::needs_full_env!();
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
    let sym = common::symbolizer(&path).expect("open module");
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
    crate::common::needs_full_env!();
    check_module("kernels/x86_64-thin/lkdtm.ko.xz", "objcopy", "binutils");
}

#[test]
fn arm64_module_agrees_with_llvm_symbolizer_on_a_laid_out_copy() {
    crate::common::needs_full_env!();
    check_module(
        "kernels/arm64-thin/lkdtm.ko.xz",
        "aarch64-linux-gnu-objcopy",
        "binutils-aarch64-linux-gnu",
    );
}

/// Every fixture under `testdata/lto/kern` and `testdata/lto/kmod` (gcc, gcc LTO, clang
/// thin and full LTO; x86_64 and aarch64; DWARF 4 and 5; linked and relocatable): eight
/// addresses per function, all agreeing or explained.
#[test]
fn lto_fixtures_agree_with_llvm_symbolizer() {
    crate::common::needs_full_env!();
    let root = common::root().join("testdata/lto");
    let mut files = Vec::new();
    for area in ["kern", "kmod"] {
        let dir = root.join(area);
        let mut builds: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e} (the LTO fixtures are missing)", dir.display()))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir() && !p.ends_with("src"))
            .collect();
        builds.sort();
        for b in builds {
            for name in ["prog", "prog.o", "fixmod.ko"] {
                if b.join(name).is_file() {
                    files.push(b.join(name));
                }
            }
        }
    }
    assert!(
        files.len() >= 20,
        "expected the LTO fixtures, found {files:?}"
    );
    let tmp = common::TempDir::new("symdiff-fixtures");
    let (mut total, mut agree) = (0, 0);
    for path in &files {
        let sym = common::symbolizer(path).unwrap_or_else(|e| panic!("{e}"));
        let mut addrs = Vec::new();
        for s in sym.symbols() {
            if s.kind != SymKind::Func || s.size.unwrap_or(0) == 0 {
                continue;
            }
            let (Some(base), Some(size)) = (sym.symbol_address(s), s.size) else {
                continue;
            };
            addrs.extend((0..8).map(|k| base + size * k / 8));
        }
        addrs.sort_unstable();
        addrs.dedup();
        let obj = if sym.kind() == ObjectKind::Relocatable {
            let objcopy = match sym.arch() {
                symtab::Arch::Aarch64 => "aarch64-linux-gnu-objcopy",
                _ => "objcopy",
            };
            let sub = tmp.path().join(total.to_string());
            std::fs::create_dir_all(&sub).expect("temp dir");
            laid_out_copy(&sym, path, &sub, objcopy)
        } else {
            path.clone()
        };
        let r = compare(&obj, &sym, &addrs);
        eprintln!(
            "{}: {} of {} agree; classes {:?}",
            path.display(),
            r.agree,
            r.total,
            r.classes
        );
        for u in r.unknown.iter().take(10) {
            eprintln!("{u}");
        }
        assert!(
            r.unknown.is_empty(),
            "{}: unexplained disagreements",
            path.display()
        );
        total += r.total;
        agree += r.agree;
    }
    // Every address agrees or is explained (asserted per file above); llvm-symbolizer
    // cannot read gcc's aarch64 relocatable files, so the overall ratio is only reported.
    eprintln!("fixtures: {agree} of {total} addresses agree with llvm-symbolizer");
    assert!(total > 3000, "too few fixture addresses: {total}");
}
