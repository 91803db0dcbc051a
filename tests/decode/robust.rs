//! Output faithfulness and bad input: every line kept, garbage, a 1 MB line, a
//! truncated oops, missing files, and the syzkaller corpus against a foreign kernel.

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use super::support::*;
use crate::common::{self, ksym, root, shared};

/// Split keeping line ends.
fn lines(b: &[u8]) -> Vec<&[u8]> {
    b.split_inclusive(|&c| c == b'\n').collect()
}

#[test]
fn text_keeps_every_line() {
    crate::common::needs_full_env!();
    let k = kernel("x86_64-thin");
    let log = shared().join("kernels/x86_64-thin/console.log");
    let input = fs::read(&log).unwrap();
    let (_, out) = decode(&k, &[], &log);
    assert!(out.status.success());
    let ins = lines(&input);
    let outs = lines(&out.stdout);
    let mut j = 0;
    let mut annotated = 0;
    for (i, l) in ins.iter().enumerate() {
        let o = outs
            .get(j)
            .unwrap_or_else(|| panic!("output ends before input line {}", i + 1));
        j += 1;
        let next = ins.get(i + 1).map(|x| x.strip_suffix(b"\r\n").unwrap_or(x));
        if o == l {
            // A `Code:` line is followed by its disassembly, same prefix and line end.
            if l.windows(6).any(|w| w == b"Code: ") {
                while let Some(n) = outs.get(j) {
                    if next.is_some_and(|x| n.starts_with(x)) {
                        break;
                    }
                    assert!(n.ends_with(b"\r\n") && n.starts_with(b"["), "{n:?}");
                    j += 1;
                }
            }
            continue;
        }
        let body = l
            .strip_suffix(b"\r\n")
            .expect("console.log lines end in CRLF");
        assert!(
            o.starts_with(body) && o.ends_with(b"\r\n"),
            "line {} changed:\n{}\n{}",
            i + 1,
            String::from_utf8_lossy(l),
            String::from_utf8_lossy(o)
        );
        annotated += 1;
        // Inline lines follow until the next input line.
        while let Some(n) = outs.get(j) {
            if next.is_some_and(|x| n.starts_with(x)) {
                break;
            }
            assert!(n.ends_with(b"\r\n") && n.windows(4).any(|w| w == b" at "));
            j += 1;
        }
    }
    assert_eq!(j, outs.len(), "extra output at the end");
    assert!(annotated > 50, "only {annotated} lines annotated");
}

#[test]
fn bad_input() {
    crate::common::needs_full_env!();
    let k = kernel("x86_64-thin");
    let v = k.vmlinux.display().to_string();
    // Garbage: passed through unchanged, no frames, exit 1.
    let mut garbage = Vec::new();
    let mut x: u32 = 12345;
    for _ in 0..200_000 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        garbage.push((x >> 16) as u8);
    }
    let out = run_stdin(&["decode", "--vmlinux", &v, "-"], &garbage);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout, garbage, "garbage must come out unchanged");
    // A 1 MB line in the middle of a real oops.
    let log = fs::read(root().join("testdata/decode/x86_64-thin-bug.log")).unwrap();
    let mut big = log[..200].to_vec();
    big.extend(std::iter::repeat_n(b'x', 1 << 20));
    big.extend_from_slice(b" vfs_write+0xd0/0x250\r\n");
    big.extend_from_slice(&log[200..]);
    let out = run_stdin(
        &[
            "decode",
            "--vmlinux",
            &v,
            "--modules",
            &k.modules.display().to_string(),
        ],
        &big,
    );
    assert!(out.status.code().is_some(), "killed");
    assert!(out.stdout.len() >= big.len());
    assert!(String::from_utf8_lossy(&out.stdout).contains("drivers/misc/lkdtm/bugs.c:78"));
    // A truncated oops: cut in the middle of the call trace.
    let cut = &log[..log.len() * 2 / 3];
    let out = run_stdin(
        &[
            "decode",
            "--vmlinux",
            &v,
            "--modules",
            &k.modules.display().to_string(),
        ],
        cut,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("fs/read_write.c:582"));
    // Missing vmlinux: one clear error, exit 2.
    let out = run_stdin(&["decode", "--vmlinux", "/nonexistent/vmlinux", "-"], &log);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("/nonexistent/vmlinux") && err.lines().count() == 1,
        "{err}"
    );
    // A vmlinux that is not ELF: named, exit 2.
    let junk = common::TempDir::new("decode-junk");
    let not_elf = junk.path().join("vmlinux");
    fs::write(&not_elf, b"not an image").unwrap();
    let out = run_stdin(
        &["decode", "--vmlinux", &not_elf.display().to_string(), "-"],
        &log,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("{}: not an ELF file", not_elf.display())),
        "{err}"
    );
    // Missing module: said once, kernel frames still decoded, exit 1.
    let empty = common::TempDir::new("decode-nomod");
    let ko_less = empty.path().join("vmlinux");
    std::os::unix::fs::symlink(&k.vmlinux, &ko_less).unwrap();
    let log = shared().join("kernels/x86_64-thin/console.log");
    let out = Command::new(env!("CARGO_BIN_EXE_ksym"))
        .args(["decode", "--vmlinux"])
        .arg(&ko_less)
        .arg(&log)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("module lkdtm").count(), 1, "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("fs/read_write.c:582"));
    // Not a file at all.
    let out = ksym()
        .args(["decode", "--vmlinux", &v, "/nonexistent.log"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent.log"));
}

/// All 747 syzkaller reports as one log, decoded against the (wrong) x86 kernel, text and
/// JSON: no crash, every report found, output a superset of the input lines. The
/// reports' releases prove the kernel is not theirs: refused (exit 2) unless forced.
#[test]
fn syzkaller_corpus_against_a_foreign_kernel() {
    crate::common::needs_full_env!();
    let k = kernel("x86_64-thin");
    let v = k.vmlinux.display().to_string();
    let dir = shared().join("corpus/syzkaller");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("corpus")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    assert!(
        files.len() >= 700,
        "{}: {} files",
        dir.display(),
        files.len()
    );
    let mut all = Vec::new();
    for f in &files {
        all.extend(fs::read(f).unwrap());
        all.push(b'\n');
    }
    let out = run_stdin(&["decode", "--vmlinux", &v, "-"], &all);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("vmlinux: does not match the log: "), "{err}");
    assert!(out.stdout.len() >= all.len());
    let out = run_stdin(&["decode", "--force", "--vmlinux", &v, "-"], &all);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{err}");
    assert!(err.contains("warning: "), "{err}");
    assert!(out.stdout.len() > all.len());
    let out = run_stdin(&["decode", "--json", "--vmlinux", &v, "-"], &all);
    assert_eq!(out.status.code(), Some(2));
    let n = String::from_utf8_lossy(&out.stdout).lines().count();
    assert!(n >= files.len(), "{n} reports from {} files", files.len());
}
