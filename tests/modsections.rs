//! `ksym modsections`: the merge fragment against the shared kernels' preprocessed
//! module.lds (kbuild's output for Linux 6.1 and 6.12 with CONFIG_LTO_CLANG), and the check
//! on the shared lkdtm.ko modules and on fixture modules linked with and without the
//! fragment.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{require_tool, run, shared, unxz, TempDir};

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn fixture(name: &str) -> PathBuf {
    common::root().join("testdata/link").join(name)
}

#[test]
fn lds_matches_the_kernels_module_lds() {
    crate::common::needs_full_env!();
    let full = run(&["modsections", "lds", "--full"]);
    assert!(full.status.success());
    let fragment = text(&run(&["modsections", "lds"]).stdout);
    // The merge block, without its SECTIONS wrapper.
    let inner: String = fragment
        .lines()
        .filter(|l| l.starts_with(' '))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(inner.lines().count(), 12, "{fragment}");
    for k in ["x86_64-thin", "arm64-thin"] {
        let lds = std::fs::read(shared().join(format!("kernels/{k}/module.lds"))).unwrap();
        // The generic part is the file's start (x86_64 has no part of its own: a blank
        // line follows; arm64 adds its PLT and ftrace sections).
        assert!(lds.starts_with(&full.stdout), "{k}: --full is not a prefix");
        if k == "x86_64-thin" {
            assert_eq!(&lds[full.stdout.len()..], b"\n");
        }
        assert!(text(&lds).contains(&inner), "{k}: merge block not found");
    }
}

#[test]
fn lds_matches_the_6_12_kernels_module_lds() {
    crate::common::needs_full_env!();
    let full = run(&["modsections", "lds", "--full", "--linux=6.12"]);
    assert!(full.status.success());
    let fragment = text(&run(&["modsections", "lds", "--linux", "6.12"]).stdout);
    let inner: String = fragment
        .lines()
        .filter(|l| l.starts_with(' '))
        .map(|l| format!("{l}\n"))
        .collect();
    // 6.12 adds the allocation tags to .data.
    assert_eq!(inner.lines().count(), 13, "{fragment}");
    assert!(inner.contains("__start_alloc_tags"));
    for k in ["x86_64-thin-6.12", "arm64-thin-6.12"] {
        let lds = std::fs::read(shared().join(format!("kernels/{k}/module.lds"))).unwrap();
        assert!(lds.starts_with(&full.stdout), "{k}: --full is not a prefix");
        if k.starts_with("x86_64") {
            assert_eq!(&lds[full.stdout.len()..], b"\n");
        }
        assert!(text(&lds).contains(&inner), "{k}: merge block not found");
        // The 6.1 script is not a prefix of 6.12's (.export_symbol, alloc_tags).
        let old = run(&["modsections", "lds", "--full"]).stdout;
        assert!(!lds.starts_with(&old), "{k}");
    }
    let bad = run(&["modsections", "lds", "--linux=5.4"]);
    assert_eq!(bad.status.code(), Some(2));
}

fn check(ko: &Path) -> (Option<i32>, String, String) {
    let out = run(&["modsections", "check", ko.to_str().unwrap()]);
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

#[test]
fn shared_lkdtm_modules_are_merged_and_in_order() {
    crate::common::needs_full_env!();
    let dir = TempDir::new("modsec-lkdtm");
    for k in [
        "x86_64-thin",
        "arm64-thin",
        "x86_64-thin-6.12",
        "arm64-thin-6.12",
    ] {
        let ko = unxz(&format!("kernels/{k}/lkdtm.ko.xz"), dir.path());
        let (code, out, err) = check(&ko);
        assert_eq!(code, Some(0), "{k}: {out}{err}");
        assert!(out.ends_with(" sections, 0 findings\n"), "{out}");
    }
}

fn ld_r(dir: &Path, name: &str, script: Option<&str>) -> PathBuf {
    require_tool("ld.lld-16", "lld-16");
    let out = dir.join(name);
    let mut cmd = Command::new("ld.lld-16");
    cmd.arg("-r");
    if let Some(s) = script {
        let lds = dir.join(format!("{name}.lds"));
        std::fs::write(&lds, s).unwrap();
        cmd.arg("-T").arg(lds);
    }
    let st = cmd
        .arg(fixture("mod.thin.o"))
        .arg("-o")
        .arg(&out)
        .status()
        .expect("cannot run ld.lld-16");
    assert!(st.success(), "ld.lld-16 -r failed");
    out
}

#[test]
fn fixture_module_with_and_without_the_fragment() {
    crate::common::needs_full_env!();
    let dir = TempDir::new("modsec-fixture");
    // Without the fragment: every split section is reported, .data..percpu is not.
    let plain = ld_r(dir.path(), "plain.ko", None);
    let (code, out, _) = check(&plain);
    assert_eq!(code, Some(1), "{out}");
    for want in [
        "unmerged: .data.mod_value (belongs in .data)",
        "unmerged: .bss.mod_flags (belongs in .bss)",
        "unmerged: .rodata.mod_table (belongs in .rodata)",
    ] {
        assert!(out.contains(want), "{want} missing from\n{out}");
    }
    assert!(!out.contains(".data..percpu"), "{out}");
    // With it: clean.
    let lds = text(&run(&["modsections", "lds", "--full"]).stdout);
    let merged = ld_r(dir.path(), "merged.ko", Some(&lds));
    let (code, out, _) = check(&merged);
    assert_eq!(code, Some(0), "{out}");
    // Output sections reordered: reported.
    let block = |s: &str| format!(" {s} : {{\n  *({s} {s}.[0-9a-zA-Z_]*)\n  *({s}..L*)\n }}\n");
    let (bss, rodata) = (block(".bss"), block(".rodata"));
    assert!(lds.contains(&bss) && lds.contains(&rodata), "{lds}");
    let swapped = lds
        .replace(&bss, "@")
        .replace(&rodata, &bss)
        .replace('@', &rodata);
    assert_ne!(swapped, lds);
    let reordered = ld_r(dir.path(), "reordered.ko", Some(&swapped));
    let (code, out, _) = check(&reordered);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("out of order: .data (module.lds puts it before .rodata)")
            && out.contains("out of order: .bss (module.lds puts it before .rodata)"),
        "{out}"
    );
    // JSON Lines.
    let out = run(&["modsections", "check", "--json", plain.to_str().unwrap()]);
    let first = text(&out.stdout);
    let v: serde_json::Value = serde_json::from_str(first.lines().next().unwrap()).unwrap();
    assert_eq!(v["type"], "finding");
    assert_eq!(v["data"]["kind"], "unmerged");
}

#[test]
fn bad_inputs_fail_cleanly() {
    let dir = TempDir::new("modsec-bad");
    let garbage = dir.path().join("garbage.ko");
    std::fs::write(&garbage, b"\x7fELF\x02\x01\x01junk").unwrap();
    let text_file = dir.path().join("text.ko");
    std::fs::write(&text_file, b"hello\n").unwrap();
    for f in [
        garbage,
        text_file,
        dir.path().join("absent.ko"),
        fixture("mod.thin.o"),
    ] {
        let (code, out, err) = check(&f);
        assert_eq!(code, Some(2), "{}: {out}{err}", f.display());
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(&f.display().to_string()), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}
