//! `ksym initcalls lds` against Linux 6.1's scripts/generate_initcall_order.pl (extracted
//! from Debian's linux-source-6.1 at test time, run with NM=llvm-nm-16 or GNU nm), and
//! `ksym initcalls check` on the shared kernels and on fixture links.
//!
//! Intentional divergences from the perl script:
//! - A bad initcall name: the script dies in a forked child, so its message reaches stderr
//!   but it still prints a linker script without that object's initcalls and exits 0;
//!   ksym prints the same message and fails (exit 2). The script's message leaves the
//!   archive member empty (`in FILE()`, an unset variable); ksym names it.
//! - The script prefixes inputs with `$objtree/`; ksym takes paths as given.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use common::{require_tool, run, shared, unxz, TempDir};

fn fixture(name: &str) -> PathBuf {
    common::root().join("testdata/link").join(name)
}

/// generate_initcall_order.pl of Linux 6.1.
fn perl_script() -> &'static Path {
    static SCRIPT: OnceLock<PathBuf> = OnceLock::new();
    SCRIPT.get_or_init(|| {
        require_tool("perl", "perl");
        common::linux_source("scripts/generate_initcall_order.pl")
    })
}

fn perl(nm: &str, dir: &Path, args: &[&str]) -> Output {
    Command::new("perl")
        .arg(perl_script())
        .args(args)
        .current_dir(dir)
        .env("NM", nm)
        .env("PARALLELISM", "2")
        .output()
        .expect("cannot run perl")
}

fn ksym_in(dir: &Path, args: &[&str]) -> Output {
    common::ksym()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("cannot run ksym")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// generate_initcall_order.pl of Linux 6.12.
fn perl_script_612() -> &'static Path {
    static SCRIPT: OnceLock<PathBuf> = OnceLock::new();
    SCRIPT.get_or_init(|| {
        require_tool("perl", "perl");
        common::linux_source_612("scripts/generate_initcall_order.pl")
    })
}

fn unpack_link_inputs(dir: &Path) {
    unpack_link_inputs_of("x86_64-thin", dir);
}

/// The real LTO link inputs of the shared kernel `kernel` (`vmlinux.a` and its members).
fn unpack_link_inputs_of(kernel: &str, dir: &Path) {
    let tarball = shared().join(format!("kernels/{kernel}/link-inputs.tar.xz"));
    assert!(tarball.is_file(), "{} is missing", tarball.display());
    let st = Command::new("tar")
        .arg("-xJf")
        .arg(&tarball)
        .arg("-C")
        .arg(dir)
        .status()
        .expect("cannot run tar");
    assert!(st.success(), "cannot unpack {}", tarball.display());
}

#[test]
fn lds_of_the_real_link_inputs_is_byte_identical() {
    crate::common::needs_full_env!();
    require_tool("llvm-nm-16", "llvm-16");
    let dir = TempDir::new("initcalls-li");
    unpack_link_inputs(dir.path());
    let expected = std::fs::read(shared().join("kernels/x86_64-thin/initcalls.lds")).unwrap();
    let ours = ksym_in(dir.path(), &["initcalls", "lds", "vmlinux.a"]);
    assert!(ours.status.success(), "{}", text(&ours.stderr));
    assert!(
        ours.stdout == expected,
        "ksym differs from the kernel's initcalls.lds"
    );
    let theirs = perl("llvm-nm-16", dir.path(), &["vmlinux.a"]);
    assert!(
        theirs.stdout == expected,
        "the perl script differs from initcalls.lds"
    );
    assert!(text(&expected).matches(" ;\n").count() > 140);
}

#[test]
fn lds_of_the_6_12_link_inputs_equals_the_6_12_script_and_the_build() {
    crate::common::needs_full_env!();
    require_tool("llvm-nm-16", "llvm-16");
    let dir = TempDir::new("initcalls-li-612");
    unpack_link_inputs_of("x86_64-thin-6.12", dir.path());
    let expected = std::fs::read(shared().join("kernels/x86_64-thin-6.12/initcalls.lds")).unwrap();
    let ours = ksym_in(dir.path(), &["initcalls", "lds", "vmlinux.a"]);
    assert!(ours.status.success(), "{}", text(&ours.stderr));
    assert!(
        ours.stdout == expected,
        "ksym differs from the 6.12 build's initcalls.lds"
    );
    let theirs = Command::new("perl")
        .arg(perl_script_612())
        .arg("vmlinux.a")
        .current_dir(dir.path())
        .env("NM", "llvm-nm-16")
        .env("PARALLELISM", "2")
        .output()
        .expect("cannot run perl");
    assert!(
        theirs.stdout == expected,
        "6.12's generate_initcall_order.pl differs from initcalls.lds: {}",
        text(&theirs.stderr)
    );
    assert!(text(&expected).matches(" ;\n").count() > 140);
}

/// Synthetic cases, each compared byte for byte with the perl script.
#[test]
fn synthetic_cases_match_the_perl_script() {
    crate::common::needs_full_env!();
    require_tool("llvm-nm-16", "llvm-16");
    require_tool("nm", "binutils");
    let dir = fixture("");
    let cases: [(&str, &[&str]); 6] = [
        // several levels, early, rootfs, con, sync levels, duplicates, kmod_ ids
        ("llvm-nm-16", &["init.thin.a"]),
        ("llvm-nm-16", &["main.thin.o", "drv.thin.o", "odd.thin.o"]),
        // link order decides across objects
        ("llvm-nm-16", &["odd.thin.o", "drv.thin.o", "main.thin.o"]),
        // native ELF objects (the distributed ThinLTO path), with GNU nm
        ("nm", &["init.a"]),
        ("nm", &["drv.gcc.o", "main.gcc.o", "odd.gcc.o"]),
        // an archive and objects mixed
        ("llvm-nm-16", &["main.thin.o", "init.thin.a"]),
    ];
    for (nm, files) in cases {
        let theirs = perl(nm, &dir, files);
        assert!(
            theirs.status.success(),
            "perl {files:?}: {}",
            text(&theirs.stderr)
        );
        let mut args = vec!["initcalls", "lds"];
        args.extend_from_slice(files);
        let ours = ksym_in(&dir, &args);
        assert!(
            ours.status.success(),
            "ksym {files:?}: {}",
            text(&ours.stderr)
        );
        assert_eq!(text(&ours.stdout), text(&theirs.stdout), "{files:?}");
    }
    // The cases really cover what they claim.
    let out = text(&ksym_in(&dir, &["initcalls", "lds", "init.thin.a"]).stdout);
    for want in [
        ".initcallearly.init..kmod_main__0_3_main_early",
        ".initcallrootfs.init..kmod_main__4_11_main_rootfs",
        ".con_initcall.init..kmod_main__7_17_main_con",
        ".initcall6s.init..kmod_drv__9_22_drv_dev_sync",
        ".initcall6.init..kmod_dup__5_20_bar",
        ".initcall6.init..kmod_snd__pcm__7_30_x",
        ".initcallrootfss.init..kmod_sync__11_1_rfs",
    ] {
        assert!(out.contains(want), "{want} missing from\n{out}");
    }
    assert!(!out.contains("kmod_dup__5_10_foo"), "{out}");
    assert!(!out.contains("kmod_glob"), "{out}");
}

#[test]
fn bad_names_give_the_script_s_message() {
    crate::common::needs_full_env!();
    let dir = fixture("");
    for (nm, file) in [("llvm-nm-16", "bad.thin.o"), ("nm", "bad.gcc.o")] {
        let theirs = perl(nm, &dir, &["main.thin.o", file]);
        let msg = "ERROR: invalid initcall name fnX in ";
        assert!(
            text(&theirs.stderr).contains(msg),
            "{}",
            text(&theirs.stderr)
        );
        let ours = ksym_in(&dir, &["initcalls", "lds", "main.thin.o", file]);
        let err = text(&ours.stderr);
        assert_eq!(ours.status.code(), Some(2), "{err}");
        assert!(err.contains(&format!("{msg}{file}()")), "{err}");
        assert!(ours.stdout.is_empty());
    }
    // No initcalls at all.
    let theirs = perl("llvm-nm-16", &dir, &["sym.thin.o"]);
    assert!(text(&theirs.stderr).contains("ERROR: no initcalls?"));
    let ours = ksym_in(&dir, &["initcalls", "lds", "sym.thin.o"]);
    assert_eq!(ours.status.code(), Some(2));
    assert!(text(&ours.stderr).contains("ERROR: no initcalls?"));
    // A missing input.
    let ours = ksym_in(&dir, &["initcalls", "lds", "nonexistent.o"]);
    assert_eq!(ours.status.code(), Some(2));
    assert!(text(&ours.stderr).contains("ERROR: file nonexistent.o doesn't exist?"));
}

#[test]
fn thin_archive_with_missing_members_fails_cleanly() {
    let dir = TempDir::new("initcalls-thin");
    std::fs::copy(fixture("init.thin.a"), dir.path().join("init.thin.a")).unwrap();
    let out = ksym_in(dir.path(), &["initcalls", "lds", "init.thin.a"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("init.thin.a") && err.contains("main.thin.o"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

/// The initcall_debug order in a boot log: names of `initcall NAME+0x.. returned` lines.
fn console_order(log: &str) -> Vec<String> {
    log.lines()
        .filter_map(|l| {
            let rest = &l[l.find("] initcall ")? + 11..];
            let name = rest.split('+').next()?;
            rest.contains(" returned ").then(|| name.to_string())
        })
        .collect()
}

#[test]
fn shared_kernels_run_initcalls_in_link_order() {
    crate::common::needs_full_env!();
    let dir = TempDir::new("initcalls-check");
    for k in [
        "x86_64-thin",
        "arm64-thin",
        "x86_64-thin-6.12",
        "arm64-thin-6.12",
    ] {
        let vmlinux = unxz(&format!("kernels/{k}/vmlinux.xz"), dir.path());
        let lds = shared().join(format!("kernels/{k}/initcalls.lds"));
        let out = run(&[
            "initcalls",
            "check",
            vmlinux.to_str().unwrap(),
            "--expect",
            lds.to_str().unwrap(),
        ]);
        let stdout = text(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{k}: {stdout}{}",
            text(&out.stderr)
        );
        assert!(
            stdout.contains(" 0 out of order, 0 missing, 0 unexpected"),
            "{stdout}"
        );
        // Cross-check with the kernel's own initcall_debug order.
        let listing = text(&run(&["initcalls", "check", vmlinux.to_str().unwrap()]).stdout);
        let image: Vec<String> = listing
            .lines()
            .filter(|l| !l.starts_with("con\t"))
            .filter_map(|l| l.split('\t').nth(4).map(str::to_string))
            .collect();
        assert!(image.len() > 140, "{k}: {} initcalls", image.len());
        let log = std::fs::read(shared().join(format!("kernels/{k}/console.log"))).unwrap();
        let booted: Vec<String> = console_order(&text(&log))
            .into_iter()
            .filter(|n| image.contains(n))
            .collect();
        let ran: Vec<&String> = image.iter().filter(|n| booted.contains(n)).collect();
        assert!(
            booted.len() > 140,
            "{k}: only {} initcalls in console.log",
            booted.len()
        );
        assert_eq!(
            booted.iter().collect::<Vec<_>>(),
            ran,
            "{k}: boot order differs"
        );
    }
}

/// Link the fixture objects as kbuild links vmlinux (an `ld -r` with the order script,
/// then the final link with the INIT_CALLS tables), with `order` as the order script.
fn link(dir: &Path, name: &str, order: &str, objs: &[PathBuf]) -> PathBuf {
    require_tool("ld.lld-16", "lld-16");
    let lds = dir.join(format!("{name}.lds"));
    std::fs::write(&lds, order).unwrap();
    let obj = dir.join(format!("{name}.o"));
    let st = Command::new("ld.lld-16")
        .arg("-r")
        .arg("-T")
        .arg(&lds)
        .args(objs)
        .arg("-o")
        .arg(&obj)
        .status()
        .expect("cannot run ld.lld-16");
    assert!(st.success());
    let image = dir.join(name);
    let st = Command::new("ld.lld-16")
        .arg("-T")
        .arg(fixture("src/image.lds"))
        .arg(fixture("start.thin.o"))
        .arg(&obj)
        .arg("-o")
        .arg(&image)
        .status()
        .expect("cannot run ld.lld-16");
    assert!(st.success());
    image
}

#[test]
fn misordered_fixture_link_is_caught() {
    crate::common::needs_full_env!();
    let dir = TempDir::new("initcalls-link");
    let objs = [fixture("main.thin.o"), fixture("drv.thin.o")];
    let mut args = vec!["initcalls".to_string(), "lds".to_string()];
    args.extend(objs.iter().map(|p| p.display().to_string()));
    let order = text(&run(&args.iter().map(String::as_str).collect::<Vec<_>>()).stdout);
    let expect = dir.path().join("order.lds");
    std::fs::write(&expect, &order).unwrap();
    let expect = expect.to_str().unwrap();
    // In order.
    let good = link(dir.path(), "good", &order, &objs);
    let out = run(&[
        "initcalls",
        "check",
        good.to_str().unwrap(),
        "--expect",
        expect,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("18 initcalls in 11 tables: 0 out of order"));
    // Two level-6 initcalls of different objects swapped.
    let a = "*(.initcall6.init..kmod_main__6_15_main_dev2) ;";
    let b = "*(.initcall6.init..kmod_drv__1_6_aa_second) ;";
    let swapped = order.replace(a, "@").replace(b, a).replace('@', b);
    assert_ne!(swapped, order);
    let bad = link(dir.path(), "bad", &swapped, &objs);
    for how in [vec!["--expect", expect], {
        let mut v = vec!["--objects"];
        v.extend(objs.iter().map(|p| p.to_str().unwrap()));
        v
    }] {
        let mut args = vec!["initcalls", "check", bad.to_str().unwrap()];
        args.extend(how);
        let out = run(&args);
        let stdout = text(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{stdout}");
        assert!(stdout.contains("out of order: level 6 entry"), "{stdout}");
        assert!(
            stdout.contains(": 2 out of order, 0 missing, 0 unexpected"),
            "{stdout}"
        );
    }
}

#[test]
fn image_without_initcall_tables_fails_cleanly() {
    crate::common::needs_full_env!();
    let dir = TempDir::new("initcalls-none");
    let image = dir.path().join("plain");
    let st = Command::new("ld.lld-16")
        .arg(fixture("start.thin.o"))
        .arg("-o")
        .arg(&image)
        .status()
        .expect("cannot run ld.lld-16");
    assert!(st.success());
    for f in [image.clone(), fixture("sym.thin.o")] {
        let out = run(&["initcalls", "check", f.to_str().unwrap()]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(&f.display().to_string()), "{err}");
    }
    let out = run(&["initcalls", "check", image.to_str().unwrap()]);
    assert!(text(&out.stderr).contains("no initcall tables"));
}

/// Without CONFIG_HAVE_ARCH_PREL32_RELOCATIONS the tables hold pointers, straight to the
/// initcall functions (no stubs): named by the `__initcall__` symbols at the entries.
#[test]
fn pointer_tables_are_read_with_entries_pointer() {
    crate::common::needs_full_env!();
    let dir = TempDir::new("initcalls-ptr");
    let objs = [fixture("main.ptr.o"), fixture("drv.ptr.o")];
    let lds = run(&[
        "initcalls",
        "lds",
        objs[0].to_str().unwrap(),
        objs[1].to_str().unwrap(),
    ]);
    let order = text(&lds.stdout);
    let image = link(dir.path(), "ptr", &order, &objs);
    let expect = dir.path().join("ptr.lds");
    let out = run(&[
        "initcalls",
        "check",
        image.to_str().unwrap(),
        "--entries",
        "pointer",
        "--expect",
        expect.to_str().unwrap(),
    ]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("18 initcalls in 11 tables: 0 out of order"),
        "{stdout}"
    );
    let listing = text(
        &run(&[
            "initcalls",
            "check",
            image.to_str().unwrap(),
            "--entries",
            "pointer",
        ])
        .stdout,
    );
    assert!(
        listing.contains("\tkmod_main__5_13_main_dev\tmain_dev\n"),
        "{listing}"
    );
    // Read as 32-bit offsets (the x86_64 default), the same tables make no sense.
    let out = run(&[
        "initcalls",
        "check",
        image.to_str().unwrap(),
        "--expect",
        expect.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
}
