//! Hostile and damaged inputs: every one gives a clear error naming the file and exit
//! status 2 (or a correct answer), never a panic, a hang or unbounded memory. The inputs
//! are made here from the shared kernels' objects.

use crate::common;

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
    crate::common::needs_full_env!();
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
    crate::common::needs_full_env!();
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

/// A copy of `src` at `dst` with the value of symbol `name` (in `.symtab`) set.
fn patch_symbol_value(src: &Path, dst: &Path, name: &str, value: u64) {
    let mut b = std::fs::read(src).expect("read the object");
    let (symtab, strtab) = (shdr(&b, ".symtab"), shdr(&b, ".strtab"));
    let (syms, size) = (
        rd(&b, symtab + 24, 8) as usize,
        rd(&b, symtab + 32, 8) as usize,
    );
    let strs = rd(&b, strtab + 24, 8) as usize;
    let sym = (syms..syms + size)
        .step_by(24)
        .find(|&e| {
            let n = strs + rd(&b, e, 4) as usize;
            b[n..].split(|&c| c == 0).next() == Some(name.as_bytes())
        })
        .unwrap_or_else(|| panic!("no symbol {name}"));
    b[sym + 8..sym + 16].copy_from_slice(&value.to_le_bytes());
    std::fs::write(dst, &b).expect("write the patched object");
}

/// A symbol value near 2^64 in a relocatable object (a section offset, added to the
/// section's place in ksym's layout) once overflowed that addition: such a symbol has
/// no address; the other symbols answer as before.
#[test]
fn symbol_value_past_the_address_space() {
    crate::common::needs_full_env!();
    let dir = TempDir::new("rel-symvalue");
    let ko = lkdtm(dir.path());
    let bad = dir.path().join("value.ko");
    patch_symbol_value(&ko, &bad, "lkdtm_do_action", u64::MAX - 8);
    // In-process: an overflow is a panic in the test build.
    let s = common::symbolizer(&bad).expect("opens");
    s.index_symbols();
    let mut without = Vec::new();
    for i in 0..s.symbol_count() {
        let sym = s.symbol(i).expect("symbol");
        let _ = s.kallsyms_size(i);
        match s.symbol_address(&sym) {
            Some(a) => drop(s.lookup(a)),
            None => without.push(sym.name.to_string()),
        }
    }
    assert!(
        without.iter().any(|n| n == "lkdtm_do_action"),
        "{without:?}"
    );
    assert!(!without.iter().any(|n| n == "lkdtm_BUG"), "{without:?}");
    let b = bad.to_str().unwrap();
    let out = ksym()
        .args(["faddr2line", b, "lkdtm_do_action+0x1", "lkdtm_BUG+0x1"])
        .output()
        .expect("run ksym");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    let good = ksym()
        .args(["faddr2line", ko.to_str().unwrap(), "lkdtm_BUG+0x1"])
        .output()
        .expect("run ksym");
    let good = String::from_utf8_lossy(&good.stdout).into_owned();
    assert!(good.contains("lkdtm_BUG+0x1/"), "{good}");
    assert!(stdout.contains(&*good), "{stdout}\n{stderr}");
    assert!(!stdout.contains("lkdtm_do_action+0x1/"), "{stdout}");
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    for sub in [&["syms", b][..], &["sympos", b, "lkdtm_do_action"]] {
        let out = ksym().args(sub).output().expect("run ksym");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{sub:?}: {stderr}");
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{sub:?}: {stderr}"
        );
    }
}

/// Compress `src` into `dst` with `tool ARGS` (xz, zstd, gzip: the kernel's module
/// compressors).
fn compress(tool: &str, args: &[&str], src: &Path, dst: &Path) {
    common::require_tool(tool, if tool == "xz" { "xz-utils" } else { tool });
    let out = std::fs::File::create(dst).expect("create the compressed file");
    let st = std::process::Command::new(tool)
        .args(args)
        .arg("-c")
        .arg(src)
        .stdout(out)
        .status()
        .unwrap_or_else(|e| panic!("cannot run {tool}: {e}"));
    assert!(st.success(), "{tool} failed on {}", src.display());
}

/// Objects as users have them: `.ko`, `.ko.xz`, `.ko.zst`, `.ko.gz` give the same answer
/// in every subcommand that takes an object.
#[test]
fn compressed_modules_everywhere() {
    crate::common::needs_full_env!();
    let dir = TempDir::new("rel-compressed");
    let ko = lkdtm(dir.path());
    let plain = |args: &[&str]| {
        let o = ksym().args(args).output().expect("run ksym");
        assert_eq!(
            o.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        o.stdout
    };
    let k = ko.to_str().unwrap();
    let want_syms = plain(&["syms", k]);
    let want_f2l = plain(&["faddr2line", k, "lkdtm_do_action+0x1"]);
    let want_pos = plain(&["sympos", k, "lkdtm_do_action"]);
    for (tool, args, ext) in [
        ("xz", &["--check=crc32", "--lzma2=dict=1MiB"][..], "xz"),
        ("zstd", &["-q", "-T0"][..], "zst"),
        ("gzip", &["-9"][..], "gz"),
    ] {
        let c = dir.path().join(format!("lkdtm.ko.{ext}"));
        compress(tool, args, &ko, &c);
        let c = c.to_str().unwrap();
        assert_eq!(plain(&["syms", c]), want_syms, "syms {ext}");
        assert_eq!(
            plain(&["faddr2line", c, "lkdtm_do_action+0x1"]),
            want_f2l,
            "faddr2line {ext}"
        );
        assert_eq!(
            plain(&["sympos", c, "lkdtm_do_action"]),
            want_pos,
            "sympos {ext}"
        );
        let named = String::from_utf8_lossy(&plain(&["modsections", "check", c])).replace(c, k);
        let want = String::from_utf8_lossy(&plain(&["modsections", "check", k])).into_owned();
        assert_eq!(named, want, "modsections {ext}");
        // The livepatch commands name their objects in the output: compare with the
        // compressed file's name put back.
        for args in [
            &["inlined", "OBJ", "lkdtm_do_action"][..],
            &["lp-map", "OBJ", k][..],
        ] {
            let with = |obj: &str| -> Vec<String> {
                args.iter()
                    .map(|a| {
                        if *a == "OBJ" {
                            obj.to_string()
                        } else {
                            a.to_string()
                        }
                    })
                    .collect()
            };
            let got = ksym().args(with(c)).output().expect("run ksym");
            let want = ksym().args(with(k)).output().expect("run ksym");
            assert_eq!(
                got.status.code(),
                want.status.code(),
                "{args:?} {ext}: {}",
                String::from_utf8_lossy(&got.stderr)
            );
            assert!(
                want.status.code().is_some_and(|c| c < 2),
                "{args:?}: {}",
                String::from_utf8_lossy(&want.stderr)
            );
            assert_eq!(
                String::from_utf8_lossy(&got.stdout).replace(c, k),
                String::from_utf8_lossy(&want.stdout),
                "{args:?} {ext}"
            );
        }
    }
}

/// `/proc/kallsyms`-like inputs: a FIFO (and the live file, whose size reads as 0) is
/// read as a stream wherever a symbol table is read.
#[test]
fn symbol_tables_from_fifos_and_proc() {
    crate::common::needs_full_env!();
    let dir = TempDir::new("rel-fifo");
    let _ = shared();
    let map = shared().join("kernels/x86_64-thin/kallsyms.txt");
    let text = std::fs::read(&map).expect("read kallsyms.txt");
    let run_fifo = |args: &[&str]| {
        let fifo = dir.path().join("kallsyms.fifo");
        let _ = std::fs::remove_file(&fifo);
        let st = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo");
        assert!(st.success());
        let writer = {
            let fifo = fifo.clone();
            let text = text.clone();
            std::thread::spawn(move || std::fs::write(&fifo, &text).expect("write the FIFO"))
        };
        let mut full: Vec<&str> = args.to_vec();
        let f = fifo.to_str().unwrap().to_string();
        full.iter_mut()
            .filter(|a| **a == "FIFO")
            .for_each(|a| *a = &f);
        let o = ksym().args(&full).output().expect("run ksym");
        writer.join().expect("writer");
        o
    };
    let m = map.to_str().unwrap();
    for args in [
        &["syms", "FIFO"][..],
        &["sympos", "FIFO", "vfs_read"][..],
        &["lp-map", "FIFO", m][..],
    ] {
        let o = run_fifo(args);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let regular: Vec<&str> = args
            .iter()
            .map(|a| if *a == "FIFO" { m } else { a })
            .collect();
        let want = ksym().args(&regular).output().expect("run ksym");
        assert_eq!(o.stdout, want.stdout, "{args:?}");
    }
    // The live file reads as size 0; it lists this machine's symbols.
    let o = ksym()
        .args(["syms", "/proc/kallsyms"])
        .output()
        .expect("run ksym");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// An endless device is read up to the stated limit, then refused.
#[test]
fn endless_input_is_refused_at_the_limit() {
    let zero = Path::new("/dev/zero");
    let e = refused(&["syms", "/dev/zero"], zero);
    assert!(e.contains("limit"), "{e}");
}

/// A forged compression header (`SHF_COMPRESSED`, `ch_size` 3 GiB, garbage after it)
/// once made every DWARF command allocate and zero-fill 3 GiB before noticing the data
/// was not zlib. The refusal must come first: the run stays small (GNU time's maximum
/// resident set size).
#[test]
fn forged_compression_header_is_refused_without_allocating() {
    crate::common::needs_full_env!();
    common::require_tool("/usr/bin/time", "time");
    let dir = TempDir::new("rel-chdr");
    let ko = lkdtm(dir.path());
    let bad = dir.path().join("chdr.ko");
    let mut b = std::fs::read(&ko).expect("read lkdtm.ko");
    let h = shdr(&b, ".debug_str");
    let flags = rd(&b, h + 8, 8) | 0x800; // SHF_COMPRESSED
    b[h + 8..h + 16].copy_from_slice(&flags.to_le_bytes());
    let off = rd(&b, h + 24, 8) as usize;
    // Elf64_Chdr: ch_type ELFCOMPRESS_ZLIB, reserved, ch_size, ch_addralign.
    let mut chdr = Vec::new();
    chdr.extend_from_slice(&1u32.to_le_bytes());
    chdr.extend_from_slice(&0u32.to_le_bytes());
    chdr.extend_from_slice(&0xc000_0000u64.to_le_bytes());
    chdr.extend_from_slice(&1u64.to_le_bytes());
    b[off..off + 24].copy_from_slice(&chdr);
    std::fs::write(&bad, &b).expect("write");
    let rss = dir.path().join("rss");
    let out = std::process::Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&rss)
        .arg(env!("CARGO_BIN_EXE_ksym"))
        .args(["faddr2line", bad.to_str().unwrap(), "lkdtm_do_action+0x1"])
        .env("KSYM_CACHE_DIR", "")
        .output()
        .expect("run ksym");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(".debug_str") && stderr.contains(bad.to_str().unwrap()),
        "{stderr}"
    );
    let kib: u64 = std::fs::read_to_string(&rss)
        .expect("time's output")
        .lines()
        .last()
        .unwrap_or_default()
        .trim()
        .parse()
        .expect("a size in KiB");
    assert!(kib < 256 << 10, "ksym grew to {kib} KiB before refusing");
}

/// Assembly for an executable whose DWARF nests `n` inlined subroutines in `f` (after
/// ../shared/repro/deep_inline_gen.py), assembled and linked with binutils.
fn deep_inline_object(dir: &Path, n: usize) -> PathBuf {
    common::require_tool("as", "binutils");
    common::require_tool("ld", "binutils");
    let mut s = String::from(
        "\t.text\n\t.globl f\n\t.type f,@function\nf:\n\t.rept 64\n\tnop\n\t.endr\n\t.size f, 64\n\
         \t.globl _start\n_start:\n\tret\n\t.section .debug_abbrev,\"\",@progbits\n.Labbrev:\n",
    );
    // 1: compile unit (name, low_pc, high_pc data8, stmt_list data4);
    // 2: subprogram with children (name, low_pc, high_pc data8);
    // 3: inlined subroutine with children (abstract_origin ref4, low_pc, high_pc, call_line);
    // 4: subprogram without children (name, inline).
    for v in [
        "1 0x11 1 0x03 0x08 0x11 0x01 0x12 0x07 0x10 0x17 0 0",
        "2 0x2e 1 0x03 0x08 0x11 0x01 0x12 0x07 0 0",
        "3 0x1d 1 0x31 0x13 0x11 0x01 0x12 0x07 0x59 0x06 0 0",
        "4 0x2e 0 0x03 0x08 0x20 0x0b 0 0",
        "0",
    ] {
        for b in v.split(' ') {
            s += &format!("\t.uleb128 {b}\n");
        }
    }
    s += "\t.section .debug_info,\"\",@progbits\n.Lcu:\n\t.4byte .Lcu_end - .Lcu - 4\n\
          \t.2byte 4\n\t.4byte .Labbrev\n\t.byte 8\n\t.uleb128 1\n\t.asciz \"deep.c\"\n\
          \t.8byte f\n\t.8byte 64\n\t.4byte .Lline\n.Lg:\n\t.uleb128 4\n\t.asciz \"g\"\n\t.byte 3\n\
          \t.uleb128 2\n\t.asciz \"f\"\n\t.8byte f\n\t.8byte 64\n";
    s += &format!(
        "\t.rept {n}\n\t.uleb128 3\n\t.4byte .Lg - .Lcu\n\t.8byte f\n\t.8byte 64\n\t.4byte 7\n\t.endr\n"
    );
    s += &format!("\t.rept {n}\n\t.byte 0\n\t.endr\n\t.byte 0\n\t.byte 0\n.Lcu_end:\n");
    // An empty line program (version 2), so the unit has a line table.
    s += "\t.section .debug_line,\"\",@progbits\n.Lline:\n\t.4byte .Lline_end - .Lline - 4\n\
          \t.2byte 2\n\t.4byte .Lline_hdr_end - .Lline_hdr\n.Lline_hdr:\n\t.byte 1\n\t.byte 1\n\
          \t.byte -5\n\t.byte 14\n\t.byte 13\n\t.byte 0,1,1,1,1,0,0,0,1,0,0,1\n\t.byte 0\n\
          \t.asciz \"deep.c\"\n\t.uleb128 0\n\t.uleb128 0\n\t.uleb128 0\n\t.byte 0\n.Lline_hdr_end:\n\
          .Lline_end:\n";
    let src = dir.join(format!("deep{n}.s"));
    let obj = dir.join(format!("deep{n}.o"));
    let exe = dir.join(format!("deep{n}"));
    std::fs::write(&src, s).expect("write the assembly");
    for (tool, args) in [
        ("as", vec![src.as_os_str(), "-o".as_ref(), obj.as_os_str()]),
        (
            "ld",
            vec![
                "-e".as_ref(),
                "_start".as_ref(),
                obj.as_os_str(),
                "-o".as_ref(),
                exe.as_os_str(),
            ],
        ),
    ] {
        let st = std::process::Command::new(tool)
            .args(args)
            .status()
            .expect(tool);
        assert!(st.success(), "{tool} failed");
    }
    exe
}

/// Deep inline nesting once overflowed the stack (one recursion per level, about 10,700
/// levels): now read iteratively, and refused past the stated limit.
#[test]
fn deep_inline_nesting() {
    crate::common::needs_full_env!();
    let dir = TempDir::new("rel-deep");
    let ok = deep_inline_object(dir.path(), 50);
    let out = ksym()
        .args(["faddr2line", ok.to_str().unwrap(), "f+0x4"])
        .output()
        .expect("run ksym");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout.matches("inlined by").count(), 50, "{stdout}");
    let deep = deep_inline_object(dir.path(), 20000);
    let e = refused(&["faddr2line", deep.to_str().unwrap(), "f+0x4"], &deep);
    assert!(e.contains("nested deeper than 1024"), "{e}");
}

/// Run `ksym ARGS` with `stdin` as its input under GNU time: (output, peak RSS in KiB).
fn run_measured(args: &[&str], stdin: &[u8]) -> (std::process::Output, u64) {
    use std::io::Write;
    common::require_tool("/usr/bin/time", "time");
    let dir = TempDir::new("rel-rss");
    let rss = dir.path().join("rss");
    let mut child = std::process::Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .arg("-o")
        .arg(&rss)
        .arg(env!("CARGO_BIN_EXE_ksym"))
        .args(args)
        .env("KSYM_CACHE_DIR", "")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run ksym");
    let mut input = child.stdin.take().expect("stdin");
    let data = stdin.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().expect("wait for ksym");
    feeder.join().expect("feeder");
    let kib = std::fs::read_to_string(&rss)
        .expect("time's output")
        .lines()
        .last()
        .unwrap_or_default()
        .trim()
        .parse()
        .expect("a size in KiB");
    (out, kib)
}

/// One report naming 3,000 distinct modules: lookups (and their warnings) stop at the
/// stated limit of distinct modules.
#[test]
fn modules_per_log_are_bounded() {
    let dir = TempDir::new("rel-mods");
    let mut log =
        b"[    0.703666] Kernel panic - not syncing: dumptest\n[    0.704496] Call Trace:\n"
            .to_vec();
    for i in 0..3000 {
        log.extend_from_slice(
            format!("[    0.706588]  direct_entry+0x137/0x150 [mod{i}]\n").as_bytes(),
        );
    }
    let m = dir.path().to_str().unwrap();
    let (out, _) = run_measured(&["decode", "--modules", m, "-"], &log);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("more than 1024 distinct modules"),
        "{stderr}"
    );
    assert!(
        stderr.lines().count() < 1100,
        "{} warning lines",
        stderr.lines().count()
    );
    // The log itself comes back whole.
    assert!(out.stdout.starts_with(&log[..60]));
}

/// Reports that follow each other with no ordinary line between them are freed once
/// written: memory does not grow with their number.
#[test]
fn back_to_back_reports_are_freed() {
    let mut log = Vec::new();
    for i in 0..150_000 {
        log.extend_from_slice(
            format!(
                "[    0.703666] Kernel panic - not syncing: dumptest {i}\n[    0.704496] Call Trace:\n\
                 [    0.706850]  vfs_write+0xd0/0x250\n\
                 [    0.710271] ---[ end Kernel panic - not syncing: dumptest ]---\n"
            )
            .as_bytes(),
        );
    }
    let (out, kib) = run_measured(&["decode", "-"], &log);
    assert_eq!(out.stdout.len(), log.len(), "every line written");
    assert!(
        kib < 100 << 10,
        "ksym grew to {kib} KiB on {} reports",
        150_000
    );
}

/// `objcopy --add-gnu-debuglink` with a debug file named `name` in `dir`, then the link's
/// name bytes replaced by `link` (same length).
fn with_debuglink(stripped: &Path, out: &Path, dir: &Path, name: &str, link: &str) {
    common::require_tool("objcopy", "binutils");
    assert_eq!(name.len(), link.len());
    let dbg = dir.join(name);
    if !dbg.exists() {
        std::fs::write(&dbg, b"placeholder").expect("write");
    }
    let st = std::process::Command::new("objcopy")
        .arg(format!("--add-gnu-debuglink={}", dbg.display()))
        .arg(stripped)
        .arg(out)
        .status()
        .expect("objcopy");
    assert!(st.success());
    let mut b = std::fs::read(out).expect("read");
    let at = b
        .windows(name.len())
        .rposition(|w| w == name.as_bytes())
        .expect("the link name");
    b[at..at + link.len()].copy_from_slice(link.as_bytes());
    std::fs::write(out, b).expect("write");
}

/// A `.gnu_debuglink` name is a file name: one with `../` is not followed out of the
/// object's directory, and a link to something that is not ELF leaves the object
/// readable without DWARF instead of failing it.
#[test]
fn debuglink_is_confined_and_optional() {
    crate::common::needs_full_env!();
    let dir = TempDir::new("rel-debuglink");
    let ko = lkdtm(dir.path());
    let stripped = dir.path().join("stripped.ko");
    common::strip_debug(&ko, &stripped);
    let obj_dir = dir.path().join("obj");
    let other = dir.path().join("other");
    std::fs::create_dir_all(&obj_dir).unwrap();
    std::fs::create_dir_all(&other).unwrap();
    // The real debug info, reachable only by climbing out: ../other/lkdtm.dbg
    std::fs::copy(&ko, other.join("lkdtm.dbg")).unwrap();
    let climbing = obj_dir.join("climbing.ko");
    with_debuglink(
        &stripped,
        &climbing,
        &obj_dir,
        "xxxxxxxxxlkdtm.dbg",
        "../other/lkdtm.dbg",
    );
    let q = "lkdtm_do_action+0x1";
    let out = ksym()
        .args(["faddr2line", climbing.to_str().unwrap(), q])
        .env("KSYM_SYSROOT", dir.path().join("root"))
        .output()
        .expect("run ksym");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        !stdout.contains("core.c"),
        "followed ../ out of the directory: {stdout}"
    );
    // A link to a file that is not ELF: read without DWARF, exit 0.
    let text = obj_dir.join("text.ko");
    with_debuglink(&stripped, &text, &obj_dir, "notelf.debug", "notelf.debug");
    std::fs::write(obj_dir.join("notelf.debug"), b"this is not an ELF file\n").unwrap();
    let out = ksym()
        .args(["faddr2line", text.to_str().unwrap(), q])
        .env("KSYM_SYSROOT", dir.path().join("root"))
        .output()
        .expect("run ksym");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A symbol map with more lines than the stated limit is refused before its symbols are
/// read (two 10-million-line maps made `lp-map` abort in the text reader).
#[test]
fn huge_symbol_maps_are_refused() {
    let dir = TempDir::new("rel-hugemap");
    let map = dir.path().join("huge.map");
    let line = b"ffffffff81000000 T a\n";
    let n = symtab::read::MAX_SYMBOLS + 1;
    let mut data = Vec::with_capacity(line.len() * n);
    for _ in 0..n {
        data.extend_from_slice(line);
    }
    std::fs::write(&map, &data).expect("write the map");
    drop(data);
    let e = refused(&["syms", map.to_str().unwrap()], &map);
    assert!(e.contains("the limit for a symbol map"), "{e}");
}

/// A line longer than the reader's 64 KiB chunks is one line: the line numbers of what
/// follows it (in `--json`) are the log's own.
#[test]
fn json_line_numbers_after_a_long_line() {
    let mut log = vec![b'x'; 200 << 10];
    log.push(b'\n');
    log.extend_from_slice(
        b"[    0.703666] Kernel panic - not syncing: dumptest\n[    0.704496] Call Trace:\n\
          [    0.706850]  vfs_write+0xd0/0x250\n",
    );
    let (out, _) = run_measured(&["decode", "--json", "-"], &log);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap_or(""))
        .unwrap_or_else(|e| panic!("{e}: {stdout}"));
    assert_eq!(report["data"]["first_line"], 2, "{report}");
    assert_eq!(report["data"]["frames"][0]["line"], 4, "{report}");
}

/// Frames past the per-report limit are counted and said, never dropped in silence.
#[test]
fn frames_past_the_limit_are_reported() {
    let mut log =
        b"[    0.703666] Kernel panic - not syncing: dumptest\n[    0.704496] Call Trace:\n"
            .to_vec();
    for _ in 0..5000 {
        log.extend_from_slice(b"[    0.706850]  vfs_write+0xd0/0x250\n");
    }
    let (out, _) = run_measured(&["decode", "--json", "-"], &log);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let report: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap_or(""))
        .unwrap_or_else(|e| panic!("{e}: {stdout}"));
    assert_eq!(
        report["data"]["frames"].as_array().map(Vec::len),
        Some(4096)
    );
    assert_eq!(report["data"]["frames_dropped"], 904, "{stderr}");
    assert!(
        stderr.contains("904 frames past the limit of 4096"),
        "{stderr}"
    );
    assert_eq!(out.status.code(), Some(2), "{stderr}");
}

/// Decompressed modules leave nothing in `$TMPDIR`: ksym's temporary files are unlinked
/// as soon as they are created (so nothing is left when it is killed either; see the
/// `symtab::input` unit tests, which check the link count is 0).
#[test]
fn no_temporary_file_is_left_behind() {
    crate::common::needs_full_env!();
    let dir = TempDir::new("rel-tmp");
    let tmp = dir.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let ko = shared().join("kernels/x86_64-thin/lkdtm.ko.xz");
    let out = ksym()
        .args(["faddr2line", ko.to_str().unwrap(), "lkdtm_do_action+0x1"])
        .env("TMPDIR", &tmp)
        .output()
        .expect("run ksym");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let left: Vec<_> = std::fs::read_dir(&tmp)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

/// A compressed module padded with 200 MB of zeros (a decompression bomb: zstd packs the
/// zeros into a few KiB) is refused at the ratio limit, before it is written out or read.
#[test]
fn decompression_bomb_is_refused() {
    crate::common::needs_full_env!();
    common::require_tool("zstd", "zstd");
    let dir = TempDir::new("rel-bomb");
    let ko = lkdtm(dir.path());
    let padded = dir.path().join("padded.ko");
    let mut b = std::fs::read(&ko).expect("read");
    b.resize(b.len() + (200 << 20), 0);
    std::fs::write(&padded, &b).expect("write");
    drop(b);
    let bomb = dir.path().join("bomb.ko.zst");
    compress("zstd", &["-q", "-1"], &padded, &bomb);
    std::fs::remove_file(&padded).expect("remove");
    let tmp = dir.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let out = std::process::Command::new("/usr/bin/time")
        .args(["-f", "%M", "-o"])
        .arg(dir.path().join("rss"))
        .arg(env!("CARGO_BIN_EXE_ksym"))
        .args(["syms", bomb.to_str().unwrap()])
        .env("TMPDIR", &tmp)
        .output()
        .expect("run ksym");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(bomb.to_str().unwrap()) && stderr.contains("the limit"),
        "{stderr}"
    );
    let kib: u64 = std::fs::read_to_string(dir.path().join("rss"))
        .expect("time's output")
        .lines()
        .last()
        .unwrap_or_default()
        .trim()
        .parse()
        .expect("KiB");
    assert!(kib < 100 << 10, "ksym grew to {kib} KiB");
}

/// Every fuzz target `fuzz/Cargo.toml` builds is one `scripts/fuzz.sh` runs by default
/// and one docs/fuzzing.md describes: a target left out of either is never run.
#[test]
fn every_fuzz_target_is_run_and_documented() {
    let read = |p: &str| std::fs::read_to_string(common::root().join(p)).expect(p);
    let manifest = read("fuzz/Cargo.toml");
    let script = read("scripts/fuzz.sh");
    let docs = read("docs/fuzzing.md");
    let targets: Vec<&str> = manifest
        .lines()
        .filter_map(|l| l.strip_prefix("name = \""))
        .filter_map(|l| l.strip_suffix('"'))
        .filter(|n| *n != "ksym-fuzz")
        .collect();
    assert!(targets.len() >= 10, "{targets:?}");
    let list = script
        .split_once("all=(")
        .and_then(|(_, rest)| rest.split_once(')'))
        .expect("fuzz.sh's `all=(...)`")
        .0;
    let listed: Vec<&str> = list.split_whitespace().collect();
    for t in &targets {
        assert!(listed.contains(t), "scripts/fuzz.sh does not run {t}");
        assert!(
            docs.contains(&format!("| `{t}` | ")),
            "docs/fuzzing.md's table lacks {t}"
        );
    }
    assert_eq!(listed.len(), targets.len(), "{listed:?} vs {targets:?}");
}

/// The inputs the fuzzers found crashes with (testdata/fuzz/TARGET/, bytes after the ELF
/// magic, as the targets take them) stay fixed: each is replayed through the target's
/// library entry. An overflow is a panic in the test build.
#[test]
fn fuzz_findings_stay_fixed() {
    let dir = TempDir::new("rel-fuzz");
    let found = common::root().join("testdata/fuzz/dwarf_object");
    let mut n = 0;
    for entry in std::fs::read_dir(&found).expect("testdata/fuzz/dwarf_object") {
        let input = entry.expect("entry").path();
        let mut bytes = b"\x7fELF".to_vec();
        bytes.extend(std::fs::read(&input).expect("read"));
        let obj = dir.path().join("input.o");
        std::fs::write(&obj, &bytes).expect("write");
        eprintln!("replaying {}", input.display());
        ksym::dwarf::fuzz_object(&obj);
        n += 1;
    }
    assert!(n >= 2, "{n} inputs in {}", found.display());
}
