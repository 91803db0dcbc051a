//! The LLVM bitcode symbol table reader against `llvm-nm-16`.
//!
//! The defined symbols ksym reads from bitcode (plain objects, thin and regular archives)
//! must equal `llvm-nm-16 --defined-only`: same archive member, nm letter and name, as
//! multisets. Addresses are not compared: bitcode symbols have none; llvm-nm prints
//! `----------------` and ksym prints address 0 (`0000000000000000`).
//! Fixtures: testdata/link (see build.sh); real inputs: the 609 bitcode members of the
//! x86_64-thin kernel's thin `vmlinux.a` in /work/shared.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{require_tool, run, shared, TempDir};

type Entry = (String, char, String);

fn fixture(name: &str) -> PathBuf {
    common::root().join("testdata/link").join(name)
}

/// `(member, letter, name)` of every defined symbol ksym reads, sorted.
fn ksym_defined(path: &Path) -> Vec<Entry> {
    let table = symtab::read::read_path(path).unwrap_or_else(|e| panic!("ksym: {e}"));
    let mut v: Vec<Entry> = table
        .symbols
        .iter()
        .filter(|s| !matches!(s.letter, 'U' | 'w' | 'v'))
        // What nm hides by default (native ELF members: section, file, mapping symbols).
        .filter(|s| {
            !matches!(s.kind, symtab::SymKind::Section | symtab::SymKind::File)
                && !s.is_mapping_symbol()
        })
        .map(|s| {
            (
                s.member.clone().unwrap_or_default(),
                s.letter,
                s.name.clone(),
            )
        })
        .collect();
    v.sort();
    v
}

/// The same from `llvm-nm-16 --defined-only -A`, whose lines are
/// `FILE[:MEMBER]: ---------------- L NAME`.
fn llvm_nm_defined(path: &Path) -> Vec<Entry> {
    require_tool("llvm-nm-16", "llvm-16");
    let out = Command::new("llvm-nm-16")
        .args(["--defined-only", "-A"])
        .arg(path)
        .output()
        .expect("cannot run llvm-nm-16");
    assert!(
        out.status.success(),
        "llvm-nm-16 failed on {}",
        path.display()
    );
    let file = path.display().to_string();
    let mut v = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let rest = line
            .strip_prefix(&file)
            .unwrap_or_else(|| panic!("unexpected llvm-nm line {line:?}"));
        // Find ": " followed by a 16-character address column.
        let at = (0..rest.len())
            .find(|&i| {
                rest[i..].starts_with(": ")
                    && rest.as_bytes().get(i + 18) == Some(&b' ')
                    && rest.as_bytes()[i + 2..i + 18]
                        .iter()
                        .all(|b| b.is_ascii_hexdigit() || *b == b'-')
            })
            .unwrap_or_else(|| panic!("unexpected llvm-nm line {line:?}"));
        let member = rest[..at].strip_prefix(':').unwrap_or("").to_string();
        let tail = &rest[at + 19..];
        let letter = tail.chars().next().expect("letter");
        let name = tail.get(2..).unwrap_or("").to_string();
        v.push((member, letter, name));
    }
    v.sort();
    v
}

fn assert_same(path: &Path) -> usize {
    let ours = ksym_defined(path);
    let theirs = llvm_nm_defined(path);
    let only_ours: Vec<_> = ours.iter().filter(|e| !theirs.contains(e)).collect();
    let only_theirs: Vec<_> = theirs.iter().filter(|e| !ours.contains(e)).collect();
    assert!(
        ours == theirs,
        "{}: ksym and llvm-nm-16 differ\nonly ksym: {only_ours:?}\nonly llvm-nm: {only_theirs:?}",
        path.display()
    );
    ours.len()
}

#[test]
fn fixtures_match_llvm_nm() {
    crate::common::needs_full_env!();
    for f in [
        "sym.thin.o",
        "sym.full.o",
        "main.thin.o",
        "drv.thin.o",
        "odd.thin.o",
        "init.thin.a",
    ] {
        let n = assert_same(&fixture(f));
        assert!(n >= 5, "{f}: only {n} defined symbols");
    }
}

#[test]
fn fixture_letters_cover_every_ir_kind() {
    let syms = ksym_defined(&fixture("sym.thin.o"));
    let letter = |name: &str| {
        syms.iter()
            .find(|e| e.2 == name)
            .unwrap_or_else(|| panic!("{name} missing"))
            .1
    };
    assert_eq!(letter("global_fn"), 'T');
    assert_eq!(letter("g_data"), 'D');
    assert_eq!(letter("g_common"), 'C');
    assert_eq!(letter("weak_fn"), 'W');
    assert_eq!(letter("weak_data"), 'W');
    assert_eq!(letter("asm_global"), 'T');
    assert_eq!(letter("asm_local"), 't');
    assert_eq!(letter("g_rodata"), 'D');
    assert_eq!(letter("local_fn"), 't');
    let table = symtab::read::read_path(&fixture("sym.thin.o")).unwrap();
    assert_eq!(table.arch, Some(symtab::Arch::X86_64));
    assert!(table
        .symbols
        .iter()
        .any(|s| s.name == "weak_undef" && s.letter == 'w'));
    assert!(table
        .symbols
        .iter()
        .any(|s| s.name == "ext_data" && s.letter == 'U'));
}

#[test]
fn cli_lists_bitcode() {
    let out = run(&["syms", "--defined-only", "--clean=none"]
        .iter()
        .map(|s| s.to_string())
        .chain([fixture("sym.full.o").display().to_string()])
        .collect::<Vec<_>>()
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>());
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("0000000000000000 T global_fn\n"), "{text}");
    assert!(!text.contains(" U "), "{text}");
}

#[test]
fn wrapped_bitcode_reads_the_same() {
    let raw = std::fs::read(fixture("sym.thin.o")).unwrap();
    let mut wrapped = Vec::new();
    for w in [0x0B17_C0DEu32, 0, 20, raw.len() as u32, 0x0100_0007] {
        wrapped.extend_from_slice(&w.to_le_bytes());
    }
    wrapped.extend_from_slice(&raw);
    wrapped.extend_from_slice(&[0; 12]);
    let a = symtab::read::read_bytes(&raw, None).unwrap();
    let b = symtab::read::read_bytes(&wrapped, None).unwrap();
    assert_eq!(a.symbols, b.symbols);
}

#[test]
fn kernel_link_inputs_match_llvm_nm() {
    crate::common::needs_full_env!();
    require_tool("tar", "tar");
    let tarball = shared().join("kernels/x86_64-thin/link-inputs.tar.xz");
    assert!(tarball.is_file(), "{} is missing", tarball.display());
    let dir = TempDir::new("bitcode-li");
    let st = Command::new("tar")
        .arg("-xJf")
        .arg(&tarball)
        .arg("-C")
        .arg(dir.path())
        .status()
        .expect("cannot run tar");
    assert!(st.success(), "cannot unpack {}", tarball.display());
    let archive = dir.path().join("vmlinux.a");
    let n = assert_same(&archive);
    let table = symtab::read::read_path(&archive).unwrap();
    let mut members: Vec<_> = table
        .symbols
        .iter()
        .filter_map(|s| s.member.clone())
        .collect();
    members.dedup();
    assert!(
        members.len() > 590,
        "only {} members with symbols",
        members.len()
    );
    assert!(n > 25_000, "only {n} defined symbols");
}

/// Bad input: one-line error naming the file, exit 2, no panic.
fn assert_clean_error(path: &Path, what: &str) {
    let out = run(&["syms", path.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{what}: {err}");
    assert!(!err.contains("panicked"), "{what}: {err}");
    assert_eq!(err.lines().count(), 1, "{what}: {err}");
    assert!(err.contains(&path.display().to_string()), "{what}: {err}");
}

#[test]
fn truncated_bitcode_fails_cleanly() {
    let raw = std::fs::read(fixture("sym.thin.o")).unwrap();
    let dir = TempDir::new("bitcode-trunc");
    for len in [
        5,
        8,
        40,
        raw.len() / 3,
        raw.len() / 2,
        raw.len() - 300,
        raw.len() - 9,
    ] {
        let p = dir.path().join(format!("cut{len}.o"));
        std::fs::write(&p, &raw[..len]).unwrap();
        assert_clean_error(&p, &format!("truncated at {len}"));
    }
}

#[test]
fn unknown_symtab_version_is_named() {
    let raw = std::fs::read(fixture("sym.thin.o")).unwrap();
    let symtab = symtab::read::read_irsymtab(&raw).unwrap();
    // The irsymtab header: version, then the producer string (offset, size).
    let plen = (symtab.producer.len() as u32).to_le_bytes();
    let ver = symtab.version.to_le_bytes();
    let hits: Vec<usize> = (0..raw.len() - 12)
        .step_by(4)
        .filter(|&i| raw[i..i + 4] == ver && raw[i + 8..i + 12] == plen)
        .collect();
    assert_eq!(hits.len(), 1, "cannot locate the irsymtab header");
    let mut patched = raw.clone();
    patched[hits[0]..hits[0] + 4].copy_from_slice(&99u32.to_le_bytes());
    let dir = TempDir::new("bitcode-ver");
    let p = dir.path().join("future.o");
    std::fs::write(&p, &patched).unwrap();
    assert_clean_error(&p, "version 99");
    let out = run(&["syms", p.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown bitcode symbol table version 99"),
        "{err}"
    );
}

#[test]
fn thin_archive_with_missing_member_names_it() {
    let dir = TempDir::new("bitcode-thin");
    let a = dir.path().join("init.thin.a");
    std::fs::copy(fixture("init.thin.a"), &a).unwrap();
    assert_clean_error(&a, "missing thin members");
    let out = run(&["syms", a.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("main.thin.o"), "{err}");
}

/// `ksym syms --inputs`: the names of the link inputs are the evidence that a numeric
/// suffix was made by the link. Fixture: three files linked with full LTO (which renames
/// the second `do_work` and `counter` to `do_work.1`, `counter.2`) and without LTO; `table.7`
/// has its suffix in the source already.
fn cleaned(args: &[&str]) -> Vec<(String, String)> {
    let dir = fixture("");
    let out = common::ksym()
        .args(["syms", "--clean=lto"])
        .args(args)
        .current_dir(&dir)
        .output()
        .expect("cannot run ksym");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(" table.7\n"), "{stdout}");
    stdout
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.len() == 4).then(|| (f[2].to_string(), f[3].to_string()))
        })
        .collect()
}

#[test]
fn inputs_evidence_marks_exactly_the_lto_suffixes() {
    crate::common::needs_full_env!();
    let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(
        cleaned(&[
            "--inputs",
            "evid_a.full.o",
            "evid_b.full.o",
            "evid_start.full.o",
            "--",
            "evid.full"
        ]),
        vec![pair("do_work.1", "do_work"), pair("counter.2", "counter")]
    );
    // Without evidence a numeric suffix may be the source's own: kept.
    assert_eq!(cleaned(&["evid.full"]), vec![]);
    // The same program linked without LTO: nothing to clean, evidence or not.
    assert_eq!(
        cleaned(&[
            "evid.nolto",
            "--inputs",
            "evid_a.o",
            "evid_b.o",
            "evid_start.o"
        ]),
        vec![]
    );
    // Evidence from an archive of the inputs reads the same.
    let dir = TempDir::new("bitcode-evid");
    let a = dir.path().join("in.a");
    require_tool("llvm-ar-16", "llvm-16");
    let st = Command::new("llvm-ar-16")
        .arg("rc")
        .arg(&a)
        .args(["evid_a.full.o", "evid_b.full.o", "evid_start.full.o"].map(fixture))
        .status()
        .unwrap();
    assert!(st.success());
    assert_eq!(
        cleaned(&["evid.full", "--inputs", a.to_str().unwrap()]).len(),
        2
    );
    // A missing input is an error naming it.
    let out = run(&[
        "syms",
        "--inputs",
        "/nonexistent/in.o",
        "--",
        fixture("evid.full").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/in.o"));
}
