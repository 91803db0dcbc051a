//! `ksym inlined` checked against llvm-dwarfdump-16's view of the same DWARF: every
//! `DW_TAG_inlined_subroutine` whose abstract origin llvm-dwarfdump names F, with its
//! call site and address ranges, must be listed, and nothing else. Line mode is checked
//! with llvm-symbolizer-16: the first address of each run must symbolize to the line.
//!
//! Normalizations (named, each with its reason):
//! - `basename`: llvm-dwarfdump prints `DW_AT_call_file` as stored, ksym joins it with its
//!   directory; compare file names only.
//! - `merge`: ksym joins touching ranges of one copy into one run; so does the parser here.
//! - empty ranges (`[a, a)`, which GCC emits) hold no code; ksym drops them, so does this.

use crate::common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use common::{require_tool, root, run, shared, unxz, TempDir};
use serde_json::Value;

type Site = (String, u64, u64, u64);

fn basename(p: &str) -> String {
    p.rsplit('/').next().unwrap_or(p).to_string()
}

fn merge(mut r: Vec<(u64, u64)>) -> Vec<(u64, u64)> {
    r.sort_unstable();
    let mut out: Vec<(u64, u64)> = Vec::new();
    for (a, b) in r {
        match out.last_mut() {
            Some(l) if l.1 == a => l.1 = b,
            _ => out.push((a, b)),
        }
    }
    out
}

/// A hex address, or the offset of a `.ko` address printed as `section+0x...` (llvm-dwarfdump
/// shows a relocatable file's addresses as section offsets).
fn hex(s: &str) -> u64 {
    let s = s.rsplit('+').next().unwrap_or(s);
    u64::from_str_radix(s.trim().trim_start_matches("0x"), 16)
        .unwrap_or_else(|e| panic!("{s:?} is not hex: {e}"))
}

/// The inlined copies of `origin` in llvm-dwarfdump `--debug-info` output.
fn dwarfdump_sites(dump: &str, origin: &str) -> BTreeSet<Site> {
    let mut out = BTreeSet::new();
    let quoted = format!("\"{origin}\")");
    for die in dump.split("\n\n") {
        let first = die.trim_start().lines().next().unwrap_or("");
        if !first.contains("DW_TAG_inlined_subroutine") {
            continue;
        }
        let attr = |name: &str| {
            die.lines()
                .find(|l| l.trim_start().starts_with(name))
                .map(|l| l.trim_start()[name.len()..].trim().to_string())
        };
        if !attr("DW_AT_abstract_origin").is_some_and(|v| v.ends_with(&quoted)) {
            continue;
        }
        let file =
            attr("DW_AT_call_file").map(|v| basename(v.trim_matches(|c| "()\"".contains(c))));
        let line = attr("DW_AT_call_line")
            .map(|v| v.trim_matches(|c| c == '(' || c == ')').parse().unwrap());
        let mut ranges = Vec::new();
        if let (Some(lo), Some(hi)) = (attr("DW_AT_low_pc"), attr("DW_AT_high_pc")) {
            let lo = hex(lo.trim_matches(|c| c == '(' || c == ')'));
            // llvm-dwarfdump prints an offset-form high_pc as the address it means.
            let hi = hex(hi.trim_matches(|c| c == '(' || c == ')'));
            ranges.push((lo, hi));
        }
        for l in die.lines() {
            let t = l.trim();
            // Address ranges print as `[0x..., 0x...)` (the last with the closing `)` of
            // the attribute); location lists add `: DW_OP...`.
            if let Some((a, b)) = t.strip_prefix('[').and_then(|r| r.split_once(", ")) {
                if b.ends_with(')') && !b.contains(':') {
                    ranges.push((hex(a), hex(b.trim_end_matches(')'))));
                }
            }
        }
        for (a, b) in merge(ranges.into_iter().filter(|(a, b)| a < b).collect()) {
            out.insert((file.clone().unwrap_or_default(), line.unwrap_or(0), a, b));
        }
    }
    out
}

/// `ksym inlined --json`: (holder symbol, sites).
fn ksym_inlined(target: &Path, args: &[&str]) -> Vec<Value> {
    let mut a = vec!["inlined", "--json", target.to_str().unwrap()];
    a.extend_from_slice(args);
    let out = run(&a);
    assert!(
        out.status.success(),
        "ksym {a:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            assert_eq!(v["type"], "inlined");
            v["data"].clone()
        })
        .collect()
}

fn ksym_sites(holders: &[Value]) -> BTreeSet<Site> {
    let mut out = BTreeSet::new();
    for h in holders {
        for s in h["sites"].as_array().unwrap() {
            let file = basename(s["file"].as_str().unwrap_or(""));
            let line = s["line"].as_u64().unwrap_or(0);
            for r in s["ranges"].as_array().unwrap() {
                out.insert((
                    file.clone(),
                    line,
                    hex(r["low"].as_str().unwrap()),
                    hex(r["high"].as_str().unwrap()),
                ));
            }
        }
    }
    out
}

fn holders(h: &[Value]) -> Vec<String> {
    h.iter()
        .map(|h| h["symbol"].as_str().unwrap().to_string())
        .collect()
}

fn dwarfdump(args: &[&str], file: &Path) -> String {
    require_tool("llvm-dwarfdump-16", "llvm-16");
    let out = Command::new("llvm-dwarfdump-16")
        .args(args)
        .arg(file)
        .output()
        .expect("cannot run llvm-dwarfdump-16");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

fn check_fixture(build: &str, function: &str, want_holders: &[&str]) {
    let prog = root().join(format!("testdata/lto/kern/{build}/prog"));
    let dump = dwarfdump(&["--debug-info"], &prog);
    let theirs = dwarfdump_sites(&dump, function);
    assert!(
        !theirs.is_empty(),
        "{build}: llvm-dwarfdump shows no copy of {function}"
    );
    let h = ksym_inlined(&prog, &[function]);
    assert_eq!(ksym_sites(&h), theirs, "{build}: copies of {function}");
    assert_eq!(holders(&h), want_holders, "{build}: holders of {function}");
    // The relocatable link of the same code: same holders, through .ko-style relocation.
    let obj = root().join(format!("testdata/lto/kern/{build}/prog.o"));
    let h = ksym_inlined(&obj, &[function]);
    let mut got = holders(&h);
    let mut want: Vec<String> = want_holders.iter().map(|s| s.to_string()).collect();
    got.sort();
    want.sort();
    assert_eq!(got, want, "{build} prog.o: holders of {function}");
}

#[test]
fn inlined_into_cold_part() {
    crate::common::needs_full_env!();
    // GCC LTO splits net_rx's unlikely path into net_rx.cold; panic (net.c's __cold
    // callee, from another file) is inlined there.
    check_fixture("gcc-lto-x86_64", "panic", &["net_rx.cold"]);
}

#[test]
fn static_inline_helper_across_files() {
    crate::common::needs_full_env!();
    // hw_scale (static inline in helpers.h), three levels deep under hw_read/hw_clamp.
    check_fixture(
        "gcc-lto-x86_64",
        "hw_scale",
        &["net_rx", "sched_tick", "kmain"],
    );
    check_fixture(
        "clang-thin-x86_64",
        "hw_scale",
        &["net_rx", "sched_tick", "kmain"],
    );
    // memcpy of lib.c inlined by LTO into fs.c's fs_open.
    check_fixture("gcc-lto-x86_64", "memcpy", &["fs_open"]);
}

#[test]
fn lines_agree_with_llvm_symbolizer() {
    crate::common::needs_full_env!();
    require_tool("llvm-symbolizer-16", "llvm-16");
    let prog = root().join("testdata/lto/kern/clang-thin-x86_64/prog");
    let h = ksym_inlined(&prog, &["--lines", "include/helpers.h:1-200"]);
    assert!(h.len() >= 3, "too few holders of helpers.h code: {h:?}");
    for holder in &h {
        for s in holder["sites"].as_array().unwrap() {
            let line = s["line"].as_u64().unwrap();
            for r in s["ranges"].as_array().unwrap() {
                let addr = r["low"].as_str().unwrap();
                let out = Command::new("llvm-symbolizer-16")
                    .args(["--obj", prog.to_str().unwrap(), addr])
                    .output()
                    .unwrap();
                let text = String::from_utf8(out.stdout).unwrap();
                let frame = text.lines().nth(1).unwrap_or("");
                assert!(
                    frame.contains(&format!("helpers.h:{line}:")),
                    "{addr}: ksym says helpers.h:{line}, llvm-symbolizer says {text}"
                );
            }
        }
    }
}

/// A real kernel: `__nr_to_section` (a static inline of include/linux/mmzone.h) in
/// init/main.c's unit, against llvm-dwarfdump of that unit only (keeps the test fast).
#[test]
fn real_kernel_inline_in_one_unit() {
    crate::common::needs_full_env!();
    let tmp = TempDir::new("lp-inlined");
    let vmlinux = unxz("kernels/x86_64-thin/vmlinux.xz", tmp.path());
    let _ = shared();
    // The unit of start_kernel, by llvm-dwarfdump's own lookup.
    let sym = Command::new("nm").arg(&vmlinux).output().expect("nm");
    let nm = String::from_utf8(sym.stdout).unwrap();
    let start = nm
        .lines()
        .find(|l| l.ends_with(" start_kernel"))
        .and_then(|l| l.split_whitespace().next())
        .expect("start_kernel in nm");
    let lookup = dwarfdump(&[&format!("--lookup=0x{start}")], &vmlinux);
    let cu = lookup
        .lines()
        .find(|l| l.contains("DW_TAG_compile_unit"))
        .and_then(|l| l.split(':').next())
        .expect("compile unit in --lookup output")
        .to_string();
    let dump = dwarfdump(&[&format!("--debug-info={cu}"), "-c"], &vmlinux);
    let cu_ranges: Vec<(u64, u64)> = dump
        .split("\n\n")
        .find(|b| b.contains("DW_TAG_compile_unit"))
        .expect("the unit's DIE")
        .lines()
        .filter_map(|l| l.trim().strip_prefix('[')?.split_once(", "))
        .map(|(a, b)| (hex(a), hex(b.trim_end_matches(')'))))
        .collect();
    assert!(!cu_ranges.is_empty());
    let theirs = dwarfdump_sites(&dump, "__nr_to_section");
    assert!(
        theirs.len() >= 2,
        "init/main.c inlines __nr_to_section: {theirs:?}"
    );
    let h = ksym_inlined(&vmlinux, &["__nr_to_section"]);
    let ours: BTreeSet<Site> = ksym_sites(&h)
        .into_iter()
        .filter(|s| cu_ranges.iter().any(|r| r.0 <= s.2 && s.2 < r.1))
        .collect();
    assert_eq!(ours, theirs);
    // And elsewhere too: a header inline is copied into many units.
    assert!(h.len() > ours.len());
}

/// A real module: `refcount_read` (include/linux/refcount.h) in lkdtm.ko, whose DWARF
/// needs the `.rela.debug_*` relocations applied.
#[test]
fn real_module_relocated() {
    crate::common::needs_full_env!();
    for kernel in ["x86_64-thin", "arm64-thin"] {
        let tmp = TempDir::new("lp-inlined-ko");
        let ko = unxz(&format!("kernels/{kernel}/lkdtm.ko.xz"), tmp.path());
        let dump = dwarfdump(&["--debug-info"], &ko);
        let theirs = dwarfdump_sites(&dump, "refcount_read");
        let copies = dump
            .split("\n\n")
            .filter(|d| d.contains("DW_TAG_inlined_subroutine") && d.contains("\"refcount_read\")"))
            .count();
        assert!(copies > 20, "{kernel}: {copies} copies");
        let h = ksym_inlined(&ko, &["refcount_read"]);
        assert_eq!(ksym_sites(&h), theirs, "{kernel}");
        let sites: usize = h.iter().map(|h| h["sites"].as_array().unwrap().len()).sum();
        assert_eq!(sites, copies, "{kernel}: one site per copy");
        for holder in &h {
            assert_eq!(holder["object"], "lkdtm");
            let low = holder["range"]["low"].as_str().unwrap();
            let sym = holder["symbol"].as_str().unwrap();
            assert_eq!(
                low,
                format!(".text.{sym}+0x0"),
                "{kernel}: function sections"
            );
        }
    }
}

#[test]
fn inlined_bad_input() {
    crate::common::needs_full_env!();
    let map = shared().join("kernels/x86_64-thin/System.map");
    let out = run(&["inlined", map.to_str().unwrap(), "schedule"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("needs debug info"), "{err}");
    let prog = root().join("testdata/lto/kern/gcc-lto-x86_64/prog");
    let out = run(&["inlined", prog.to_str().unwrap(), "no_such_function"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no inlined copy of 'no_such_function'"));
    let out = run(&["inlined", prog.to_str().unwrap(), "--lines", "helpers.h:x"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["inlined", prog.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
}

/// Broken DWARF: `inlined` fails naming the file (exit 2); `sympos` still answers from the
/// symbol table, with a warning, since DWARF only adds source files there.
#[test]
fn broken_dwarf() {
    use object::{Object, ObjectSection};
    let tmp = TempDir::new("lp-inlined-bad");
    let src = root().join("testdata/lto/kern/clang-thin-x86_64/prog");
    let mut data = std::fs::read(&src).unwrap();
    let file = object::File::parse(&*data).unwrap();
    let (off, size) = file
        .section_by_name(".debug_info")
        .unwrap()
        .file_range()
        .unwrap();
    drop(file);
    for i in (off as usize + 11..(off + size) as usize).step_by(7) {
        data[i] = 0xff;
    }
    let bad = tmp.path().join("prog");
    std::fs::write(&bad, &data).unwrap();
    let out = run(&["inlined", bad.to_str().unwrap(), "hw_scale"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("prog: invalid DWARF"), "{err}");
    assert!(!err.contains("panicked"));
    let out = run(&["sympos", bad.to_str().unwrap(), "net_rx"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid DWARF"));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("net_rx "));
}

/// Per line, the merged address ranges of `ksym inlined --lines` holders.
fn ranges_by_line(holders: &[Value]) -> BTreeSet<(u64, u64, u64)> {
    let mut by_line: std::collections::BTreeMap<u64, Vec<(u64, u64)>> = Default::default();
    for h in holders {
        for s in h["sites"].as_array().unwrap() {
            let line = s["line"].as_u64().unwrap();
            for r in s["ranges"].as_array().unwrap() {
                let (a, b) = (
                    hex(r["low"].as_str().unwrap()),
                    hex(r["high"].as_str().unwrap()),
                );
                by_line.entry(line).or_default().push((a, b));
            }
        }
    }
    by_line
        .into_iter()
        .flat_map(|(l, r)| merge(r).into_iter().map(move |(a, b)| (l, a, b)))
        .collect()
}

/// arm64 assembly units: Clang's integrated assembler writes address advances that wrap
/// (a "negative" `DW_LNS_advance_pc`) as macros switch sections and back; LLVM runs them
/// modulo 2^64. `inlined --lines` reads them through the engine's line-table reader and
/// must find exactly the code llvm-dwarfdump-16's decoded rows give: within each
/// sequence, rows in address order, each covering up to the next higher row address.
#[test]
fn arm64_assembly_lines() {
    crate::common::needs_full_env!();
    let tmp = TempDir::new("lp-inlined-arm64");
    let vmlinux = unxz("kernels/arm64-thin/vmlinux.xz", tmp.path());
    let h = ksym_inlined(&vmlinux, &["--lines", "arch/arm64/kernel/entry.S:1-2000"]);
    let names = holders(&h);
    assert!(names.iter().any(|n| n == "vectors"), "{names:?}");
    assert!(names.iter().any(|n| n == "el0t_64_sync"), "{names:?}");
    // The unit of `vectors` (entry.S) and its line table, by llvm-dwarfdump's lookup.
    let nm = Command::new("nm").arg(&vmlinux).output().expect("nm");
    let nm = String::from_utf8(nm.stdout).unwrap();
    let vectors = nm
        .lines()
        .find(|l| l.ends_with(" vectors"))
        .and_then(|l| l.split_whitespace().next())
        .expect("vectors in nm");
    let lookup = dwarfdump(&[&format!("--lookup=0x{vectors}")], &vmlinux);
    assert!(lookup.contains("arch/arm64/kernel/entry.S"), "{lookup}");
    let stmt = lookup
        .lines()
        .find_map(|l| l.trim().strip_prefix("DW_AT_stmt_list\t("))
        .map(|v| v.trim_end_matches(')').to_string())
        .expect("DW_AT_stmt_list in --lookup output");
    let dump = dwarfdump(&[&format!("--debug-line={stmt}")], &vmlinux);
    // Rows: address, line, ..., flags (end_sequence closes a sequence).
    let mut theirs: std::collections::BTreeMap<u64, Vec<(u64, u64)>> = Default::default();
    let mut seq: Vec<(u64, u64)> = Vec::new();
    let mut backward = 0;
    for l in dump.lines().filter(|l| l.starts_with("0x")) {
        let f: Vec<&str> = l.split_whitespace().collect();
        let (addr, line) = (hex(f[0]), f[1].parse::<u64>().unwrap());
        if seq.last().is_some_and(|p| p.0 > addr) {
            backward += 1;
        }
        if !l.contains("end_sequence") {
            seq.push((addr, line));
            continue;
        }
        seq.sort_by_key(|r| r.0);
        let ends: Vec<u64> = seq.iter().skip(1).map(|r| r.0).chain([addr]).collect();
        for (&(a, line), b) in seq.iter().zip(ends) {
            if b > a && (1..=2000).contains(&line) {
                theirs.entry(line).or_default().push((a, b));
            }
        }
        seq.clear();
    }
    assert!(
        backward > 10,
        "entry.S's rows go backward ({backward} times)"
    );
    let theirs: BTreeSet<(u64, u64, u64)> = theirs
        .into_iter()
        .flat_map(|(l, r)| merge(r).into_iter().map(move |(a, b)| (l, a, b)))
        .collect();
    assert_eq!(ranges_by_line(&h), theirs);
}

/// A C file of the arm64 kernel: each run starts where llvm-symbolizer-16 puts the line.
#[test]
fn arm64_c_lines() {
    crate::common::needs_full_env!();
    require_tool("llvm-symbolizer-16", "llvm-16");
    let tmp = TempDir::new("lp-inlined-arm64-c");
    let vmlinux = unxz("kernels/arm64-thin/vmlinux.xz", tmp.path());
    let h = ksym_inlined(&vmlinux, &["--lines", "mm/page_alloc.c:5000-5100"]);
    assert!(holders(&h).iter().any(|n| n == "__alloc_pages_slowpath"));
    let mut want = Vec::new();
    for holder in &h {
        for s in holder["sites"].as_array().unwrap() {
            // Relative to the kernel tree, as every subcommand prints paths.
            assert_eq!(s["file"].as_str(), Some("mm/page_alloc.c"), "{s}");
            for r in s["ranges"].as_array().unwrap() {
                want.push((
                    r["low"].as_str().unwrap().to_string(),
                    s["line"].as_u64().unwrap(),
                ));
            }
        }
    }
    let out = Command::new("llvm-symbolizer-16")
        .arg("--obj")
        .arg(&vmlinux)
        .args(want.iter().map(|w| &w.0))
        .output()
        .expect("cannot run llvm-symbolizer-16");
    let text = String::from_utf8(out.stdout).unwrap();
    let blocks: Vec<&str> = text
        .split("\n\n")
        .filter(|b| !b.trim().is_empty())
        .collect();
    assert_eq!(blocks.len(), want.len(), "one answer per address");
    for ((addr, line), block) in want.iter().zip(&blocks) {
        let frame = block.lines().nth(1).unwrap_or("");
        assert!(
            frame.contains(&format!("page_alloc.c:{line}:")),
            "{addr}: ksym says page_alloc.c:{line}, llvm-symbolizer says {block}"
        );
    }
}

/// Assembly for an object whose DWARF nests `n` inlined copies of `g` in `f`, each
/// covering all of `f` (the shape of a pathological inline tree).
fn deep_inline_asm(n: usize) -> String {
    let abbrevs = [
        // 1: compile unit, children: name (string), low_pc (addr), high_pc (data8),
        // stmt_list absent, language (data2).
        "1, 0x11, 1, 0x03, 0x08, 0x11, 0x01, 0x12, 0x07, 0x13, 0x05, 0, 0",
        // 2: subprogram, children: name, low_pc, high_pc.
        "2, 0x2e, 1, 0x03, 0x08, 0x11, 0x01, 0x12, 0x07, 0, 0",
        // 3: inlined subroutine, children: abstract_origin (ref4), low_pc, high_pc,
        // call_line (data4).
        "3, 0x1d, 1, 0x31, 0x13, 0x11, 0x01, 0x12, 0x07, 0x59, 0x06, 0, 0",
        // 4: subprogram without children: name, inline (data1).
        "4, 0x2e, 0, 0x03, 0x08, 0x20, 0x0b, 0, 0",
    ];
    let mut s = String::from(
        "\t.text\n\t.globl f\n\t.type f,@function\nf:\n\t.rept 64\n\tnop\n\t.endr\n\
         \t.size f, 64\n\t.globl _start\n_start:\n\tret\n\
         \t.section .debug_abbrev,\"\",@progbits\n.Labbrev:\n",
    );
    for a in abbrevs {
        s += &format!("\t.byte {a}\n");
    }
    s += "\t.byte 0\n\t.section .debug_info,\"\",@progbits\n.Lcu:\n\
          \t.4byte .Lcu_end - .Lcu - 4\n\t.2byte 4\n\t.4byte .Labbrev\n\t.byte 8\n\
          \t.uleb128 1\n\t.asciz \"deep.c\"\n\t.8byte f\n\t.8byte 64\n\t.2byte 0x0c\n\
          .Lg:\n\t.uleb128 4\n\t.asciz \"g\"\n\t.byte 3\n\
          \t.uleb128 2\n\t.asciz \"f\"\n\t.8byte f\n\t.8byte 64\n";
    s += &format!(
        "\t.rept {n}\n\t.uleb128 3\n\t.4byte .Lg - .Lcu\n\t.8byte f\n\t.8byte 64\n\
         \t.4byte 7\n\t.endr\n\t.rept {n}\n\t.byte 0\n\t.endr\n"
    );
    s += "\t.byte 0\n\t.byte 0\n.Lcu_end:\n";
    s
}

/// 200,000 nested copies of `g` in one function: each is one site of `f`. Grouping sites
/// by holder once searched the holder's sites linearly per copy (2 * 10^10 comparisons
/// here: hours); it is linear now, and this test takes well under a second of it.
#[test]
fn deep_inline_nesting_is_linear() {
    crate::common::needs_full_env!();
    require_tool("as", "binutils");
    require_tool("ld", "binutils");
    let tmp = TempDir::new("lp-inlined-deep");
    let n = 200_000;
    let src = tmp.path().join("deep.s");
    std::fs::write(&src, deep_inline_asm(n)).unwrap();
    let obj = tmp.path().join("deep.o");
    let exe = tmp.path().join("deep");
    let st = Command::new("as").arg(&src).arg("-o").arg(&obj).status();
    assert!(st.expect("cannot run as").success());
    let st = Command::new("ld")
        .args(["-e", "_start"])
        .arg(&obj)
        .arg("-o")
        .arg(&exe)
        .status();
    assert!(st.expect("cannot run ld").success());
    let out = run(&["inlined", exe.to_str().unwrap(), "g"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines();
    assert!(lines.next().unwrap().starts_with("f vmlinux sympos=0 "));
    let sites: Vec<&str> = lines.collect();
    assert_eq!(sites.len(), n, "one site per copy");
    // No call file in this DWARF: each site prints its range only, all of `f`.
    let f_range = format!(
        "  {}",
        text.lines().next().unwrap().rsplit(' ').next().unwrap()
    );
    assert!(sites.iter().all(|l| *l == f_range), "{:?}", &sites[..3]);
}
