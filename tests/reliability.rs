//! Hostile and damaged inputs: every one gives a clear error naming the file and exit
//! status 2 (or a correct answer), never a panic, a hang or unbounded memory. The inputs
//! are made here from the shared kernels' objects.

mod common;

use std::path::{Path, PathBuf};

use common::{ksym, shared, unxz, TempDir};

/// The x86_64 6.1 `lkdtm.ko`, decompressed into `dir`.
fn lkdtm(dir: &Path) -> PathBuf {
    let _ = shared();
    unxz("kernels/x86_64-thin/lkdtm.ko.xz", dir)
}

fn rd(b: &[u8], at: usize, n: usize) -> u64 {
    (0..n)
        .rev()
        .fold(0u64, |v, i| v << 8 | u64::from(b[at + i]))
}

/// The offset of section `name`'s header in the ELF64 little-endian file `b`.
fn shdr(b: &[u8], name: &str) -> usize {
    let shoff = rd(b, 0x28, 8) as usize;
    let shnum = rd(b, 0x3c, 2) as usize;
    let shstrndx = rd(b, 0x3e, 2) as usize;
    let stroff = rd(b, shoff + shstrndx * 64 + 24, 8) as usize;
    (0..shnum)
        .map(|i| shoff + i * 64)
        .find(|&h| {
            let n = stroff + rd(b, h, 4) as usize;
            b[n..].split(|&c| c == 0).next() == Some(name.as_bytes())
        })
        .unwrap_or_else(|| panic!("no section {name}"))
}

/// Field offsets in an ELF64 section header.
const SH_SIZE: usize = 32;

/// A copy of `src` at `dst` with one 8-byte field of section `name`'s header set.
fn patch_shdr(src: &Path, dst: &Path, name: &str, field: usize, value: u64) -> Vec<u8> {
    let mut b = std::fs::read(src).expect("read the object");
    let h = shdr(&b, name);
    b[h + field..h + field + 8].copy_from_slice(&value.to_le_bytes());
    std::fs::write(dst, &b).expect("write the patched object");
    b
}

/// Run ksym and check it refused the input cleanly: exit 2, one message naming `file`,
/// no panic.
fn refused(args: &[&str], file: &Path) -> String {
    let out = ksym().args(args).output().expect("run ksym");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !stderr.contains("panicked"),
        "ksym {args:?} panicked:\n{stderr}"
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "ksym {args:?}: want exit 2; stderr:\n{stderr}"
    );
    assert!(
        stderr.contains(&file.display().to_string()),
        "ksym {args:?}: the error does not name {}:\n{stderr}",
        file.display()
    );
    stderr
}

/// A zero-size string table (two changed bytes) once panicked every symbol reader: the
/// reader took the table's place from where a parser's empty slice pointed.
#[test]
fn empty_string_table_is_an_error() {
    let dir = TempDir::new("rel-strtab");
    let ko = lkdtm(dir.path());
    let bad = dir.path().join("strtab0.ko");
    patch_shdr(&ko, &bad, ".strtab", SH_SIZE, 0);
    let b = bad.to_str().unwrap();
    refused(&["syms", b], &bad);
    refused(&["faddr2line", b, "lkdtm_do_action+0x1"], &bad);
    refused(&["sympos", b, "lkdtm_do_action"], &bad);
}

/// A forged section size in a relocatable object (`.bss` has no bytes to bound it) once
/// overflowed the synthetic section layout, and then DWARF's `low_pc + length`.
#[test]
fn huge_bss_is_refused() {
    let dir = TempDir::new("rel-bss");
    let ko = lkdtm(dir.path());
    let bad = dir.path().join("bss.ko");
    patch_shdr(&ko, &bad, ".bss", SH_SIZE, u64::MAX - 0x10);
    // In-process: an overflow is a panic in the test build.
    let err = common::symbolizer(&bad).err().expect("refused");
    assert!(err.to_string().contains(".bss"), "{err}");
    let b = bad.to_str().unwrap();
    refused(&["faddr2line", b, "lkdtm_do_action+0x1"], &bad);
}
