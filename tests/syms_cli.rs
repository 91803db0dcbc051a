//! `ksym syms` through the binary: listing forms, exit codes, and bad input.

use crate::common;

use common::{run, TempDir};

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Bad input gets one line on stderr that names the file, exit status 2, and no panic.
fn assert_clean_error(path: &std::path::Path, expect: &str) {
    let o = run(&["syms", path.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(
        o.status.code(),
        Some(2),
        "exit status for {}: {err}",
        path.display()
    );
    assert!(
        !err.contains("panicked"),
        "panic on {}: {err}",
        path.display()
    );
    assert_eq!(err.lines().count(), 1, "one line expected, got: {err}");
    assert!(err.starts_with("ksym: "), "{err}");
    assert!(
        err.contains(&path.display().to_string()),
        "file not named: {err}"
    );
    assert!(err.contains(expect), "expected {expect:?} in: {err}");
}

/// A small real ELF object: this test's own executable.
fn some_elf() -> Vec<u8> {
    std::fs::read(std::env::current_exe().unwrap()).unwrap()
}

#[test]
fn bad_inputs_give_one_line_errors() {
    let d = TempDir::new("syms-bad");
    let p = |n: &str| d.path().join(n);

    std::fs::write(p("empty"), b"").unwrap();
    assert_clean_error(&p("empty"), "empty file");

    assert_clean_error(&p("does-not-exist"), "cannot open");

    let elf = some_elf();
    std::fs::write(p("trunc-header"), &elf[..40]).unwrap();
    assert_clean_error(&p("trunc-header"), "invalid ELF header");

    std::fs::write(p("trunc-body"), &elf[..4096]).unwrap();
    assert_clean_error(&p("trunc-body"), "invalid ELF section headers");

    // e_machine (offset 18) set to an unknown machine.
    let mut m = elf.clone();
    m[18] = 0x34;
    m[19] = 0x12;
    std::fs::write(p("machine"), &m).unwrap();
    assert_clean_error(&p("machine"), "unsupported ELF machine type 4660");

    // The section header table's offset (e_shoff, offset 40) pointed past the end.
    let mut c = elf.clone();
    c[40..48].copy_from_slice(&(elf.len() as u64 + 1000).to_le_bytes());
    std::fs::write(p("shoff"), &c).unwrap();
    assert_clean_error(&p("shoff"), "invalid ELF section headers");

    std::fs::write(p("binary"), b"\x01\x02\x03\x00garbage").unwrap();
    assert_clean_error(&p("binary"), "not an ELF file, archive or symbol map");

    std::fs::write(p("notmap"), b"hello world, this is not a map\n").unwrap();
    assert_clean_error(&p("notmap"), "line 1: not a symbol line");

    let mut big = b"ffffffff81000000 T a\n".to_vec();
    big.extend(std::iter::repeat_n(b'x', 10 << 20));
    big.push(b'\n');
    std::fs::write(p("hugeline"), &big).unwrap();
    assert_clean_error(&p("hugeline"), "line 2: line too long");

    std::fs::write(p("badarchive"), b"!<arch>\nnot a member header").unwrap();
    assert_clean_error(&p("badarchive"), "invalid archive");
}

#[test]
fn corrupt_symbol_table_is_an_error() {
    // Point .symtab's sh_offset past the end of the file.
    let d = TempDir::new("syms-symtab");
    let mut elf = some_elf();
    let shoff = u64::from_le_bytes(elf[40..48].try_into().unwrap()) as usize;
    let shentsize = u16::from_le_bytes(elf[58..60].try_into().unwrap()) as usize;
    let shnum = u16::from_le_bytes(elf[60..62].try_into().unwrap()) as usize;
    let mut patched = false;
    for i in 0..shnum {
        let h = shoff + i * shentsize;
        let sh_type = u32::from_le_bytes(elf[h + 4..h + 8].try_into().unwrap());
        if sh_type == 2 {
            let past = (elf.len() as u64 + 4096).to_le_bytes();
            elf[h + 24..h + 32].copy_from_slice(&past);
            patched = true;
        }
    }
    assert!(patched, "the test executable has no .symtab");
    let p = d.path().join("symtab");
    std::fs::write(&p, &elf).unwrap();
    assert_clean_error(&p, "invalid .symtab");
}

#[test]
fn map_listing_keeps_nm_form_and_adds_the_clean_name() {
    let d = TempDir::new("syms-map");
    let p = d.path().join("System.map");
    std::fs::write(
        &p,
        "ffffffff81000000 T _stext\n\
         ffffffff81000100 t foo.llvm.1234567890\n\
         ffffffff81000200 t bar.constprop.0\n",
    )
    .unwrap();
    let o = run(&["syms", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        "ffffffff81000000 T _stext\n\
         ffffffff81000100 t foo.llvm.1234567890 foo\n\
         ffffffff81000200 t bar.constprop.0\n"
    );
}

#[test]
fn json_lines_carry_raw_and_clean_names() {
    let d = TempDir::new("syms-json");
    let p = d.path().join("kallsyms");
    std::fs::write(&p, "ffffffffc0002000 t lkdtm_BUG.llvm.42\t[lkdtm]\n").unwrap();
    let o = run(&["syms", "--json", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let line = String::from_utf8(o.stdout).unwrap();
    let v: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    assert_eq!(v["type"], "symbol");
    assert_eq!(v["data"]["name"], "lkdtm_BUG.llvm.42");
    assert_eq!(v["data"]["clean"], "lkdtm_BUG");
    assert_eq!(v["data"]["addr"], "0xffffffffc0002000");
    assert_eq!(v["data"]["nm_type"], "t");
    assert_eq!(v["data"]["module"], "lkdtm");
}

#[test]
fn collisions_exit_status_and_listing() {
    let d = TempDir::new("syms-coll");
    let p = d.path().join("System.map");
    std::fs::write(
        &p,
        "ffffffff81000000 t foo.llvm.1\n\
         ffffffff81000100 t foo.llvm.2\n\
         ffffffff81000200 t bar\n",
    )
    .unwrap();
    let o = run(&["syms", "--collisions", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.starts_with("foo: 2 symbols\n"), "{out}");
    let o = run(&["syms", "--collisions", "--clean=none", p.to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "no collisions under none: {}",
        stderr(&o)
    );
}

#[test]
fn help_and_usage_errors() {
    let o = run(&["syms", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("--collisions"));
    let o = run(&["syms", "--clean=bogus", "x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown cleaning policy"),
        "{}",
        stderr(&o)
    );
    let o = run(&["syms"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn first_dot_can_clean_a_name_away_and_says_so() {
    let d = TempDir::new("syms-firstdot");
    let p = d.path().join("System.map");
    std::fs::write(
        &p,
        "ffffffff81800000 d .str.1\nffffffff81800010 t foo.isra.0\n",
    )
    .unwrap();
    let o = run(&["syms", "--clean=first-dot", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        "ffffffff81800000 d .str.1 \"\"\nffffffff81800010 t foo.isra.0 foo\n"
    );
}

/// GNU and thin archives of the LTO fixtures' relocatable objects list exactly as
/// `nm -p` lists them (member headers included), for x86_64 and aarch64.
#[test]
fn archives_list_like_nm() {
    crate::common::needs_full_env!();
    common::require_tool("ar", "binutils");
    common::require_tool("aarch64-linux-gnu-nm", "binutils-aarch64-linux-gnu");
    let d = TempDir::new("syms-ar");
    for (arch, nm) in [("x86_64", "nm"), ("aarch64", "aarch64-linux-gnu-nm")] {
        let mut members = Vec::new();
        for tc in ["gcc", "gcc-lto", "clang-thin", "clang-full"] {
            let src = common::root().join(format!("testdata/lto/kern/{tc}-{arch}/prog.o"));
            assert!(src.is_file(), "fixture {} is missing", src.display());
            let dst = d.path().join(format!("{tc}-{arch}.o"));
            std::fs::copy(&src, &dst).unwrap();
            members.push(dst);
        }
        for (flags, name) in [("rcs", "gnu.a"), ("rcsT", "thin.a")] {
            let archive = d.path().join(format!("{arch}-{name}"));
            let st = std::process::Command::new("ar")
                .arg(flags)
                .arg(&archive)
                .args(&members)
                .status()
                .unwrap();
            assert!(st.success(), "ar {flags} failed");
            let a = archive.to_str().unwrap();
            for extra in [&[][..], &["-n"][..]] {
                let mut args = vec!["syms", "--clean=none"];
                args.extend_from_slice(extra);
                args.push(a);
                let ours = run(&args);
                assert_eq!(ours.status.code(), Some(0), "{}", stderr(&ours));
                let theirs = std::process::Command::new(nm)
                    .arg(if extra.is_empty() { "-p" } else { "-n" })
                    .arg(a)
                    .output()
                    .unwrap();
                let ours = String::from_utf8(ours.stdout).unwrap();
                let theirs = String::from_utf8(theirs.stdout).unwrap();
                if extra.is_empty() {
                    assert_eq!(ours, theirs, "ksym syms {a} differs from {nm} -p");
                } else {
                    // nm -n breaks address ties by name; ksym keeps input order: compare
                    // each member's lines as sets, and the member order exactly.
                    let split = |t: &str| -> Vec<Vec<String>> {
                        t.split("\n\n")
                            .map(|b| {
                                let mut v: Vec<String> = b.lines().map(str::to_string).collect();
                                v.sort();
                                v
                            })
                            .collect()
                    };
                    assert_eq!(split(&ours), split(&theirs), "ksym syms -n {a} vs {nm} -n");
                }
            }
        }
    }
}
