//! The system places ksym searches (separate debug files under
//! `/usr/lib/debug/.build-id/`, modules under `/lib/modules/R`, the vmlinux under
//! `/usr/lib/debug/boot`), exercised under `$KSYM_SYSROOT`, a crashed machine's root file
//! system unpacked elsewhere.

use crate::common;

use std::path::Path;
use std::process::Output;

use common::{unxz, TempDir};

fn ksym_in_root(root: &Path, args: &[&str]) -> Output {
    common::ksym()
        .env("KSYM_SYSROOT", root)
        .args(args)
        .output()
        .expect("cannot run ksym")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn place(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst.parent().unwrap()).unwrap();
    std::fs::copy(src, dst).unwrap();
}

/// A module stripped of its debug info finds it again by build id under the sysroot, and
/// answers exactly as the unstripped module does.
#[test]
fn separate_debug_file_by_build_id() {
    crate::common::needs_full_env!();
    let tmp = TempDir::new("sysroot-buildid");
    let ko = unxz("kernels/x86_64-thin/lkdtm.ko.xz", tmp.path());
    let stripped = tmp.path().join("lkdtm.ko");
    common::strip_debug(&ko, &stripped);
    let queries = [
        "lkdtm_BUG+0x0",
        "direct_entry+0x137",
        "lkdtm_ACCESS_NULL+0x14",
    ];
    let mut args = vec!["faddr2line", ko.to_str().unwrap()];
    args.extend(queries);
    let want = ksym_in_root(Path::new("/nonexistent"), &args);
    assert_eq!(want.status.code(), Some(0), "{}", text(&want.stderr));
    assert!(
        text(&want.stdout).contains("bugs.c:78"),
        "{}",
        text(&want.stdout)
    );

    let root = tmp.path().join("root");
    args[1] = stripped.to_str().unwrap();
    // Without the debug file: symbols only, and the output says so.
    let bare = ksym_in_root(&root, &args);
    assert!(
        !text(&bare.stdout).contains("bugs.c:78"),
        "{}",
        text(&bare.stdout)
    );
    // The build id printed in the shared facts.txt and in the oopses' `[lkdtm ccda...]`.
    let id = "ccda84458db78fa2ca9e5c682f12f71c9c01dc3e";
    place(
        &ko,
        &root.join(format!(
            "usr/lib/debug/.build-id/{}/{}.debug",
            &id[..2],
            &id[2..]
        )),
    );
    let got = ksym_in_root(&root, &args);
    assert_eq!(got.status.code(), Some(0), "{}", text(&got.stderr));
    let norm = |o: &Output, p: &Path| text(&o.stdout).replace(p.to_str().unwrap(), "KO");
    assert_eq!(norm(&got, &stripped), norm(&want, &ko));
}

/// `ksym decode` without --vmlinux or --modules: the vmlinux comes from
/// `/usr/lib/debug/boot/vmlinux-R` and the module from `/lib/modules/R/...`, R being the
/// release the log prints; every frame decodes.
#[test]
fn decode_finds_vmlinux_and_module_by_release() {
    crate::common::needs_full_env!();
    let tmp = TempDir::new("sysroot-decode");
    let root = tmp.path().join("root");
    let vmlinux = unxz("kernels/x86_64-thin/vmlinux.xz", tmp.path());
    let ko = unxz("kernels/x86_64-thin/lkdtm.ko.xz", tmp.path());
    place(&vmlinux, &root.join("usr/lib/debug/boot/vmlinux-6.1.192"));
    place(
        &ko,
        &root.join("lib/modules/6.1.192/kernel/drivers/misc/lkdtm/lkdtm.ko"),
    );
    let log = common::root().join("testdata/decode/x86_64-thin-bug.log");
    let out = ksym_in_root(&root, &["decode", log.to_str().unwrap()]);
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{stdout}",
        text(&out.stderr)
    );
    assert!(
        stdout.contains("lkdtm_BUG+0x0/0x10 [lkdtm] drivers/misc/lkdtm/bugs.c:78"),
        "{stdout}"
    );
    assert!(
        stdout.contains("drivers/misc/lkdtm/core.c:"),
        "module frame: {stdout}"
    );
    assert!(
        stdout.contains("vfs_write+0xd0/0x250 fs/read_write.c:"),
        "{stdout}"
    );

    // Without the sysroot the same run finds nothing and says where it looked.
    let out = ksym_in_root(
        Path::new("/nonexistent"),
        &["decode", log.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains("/nonexistent/usr/lib/debug/boot/vmlinux-6.1.192"),
        "{err}"
    );
}

/// The release printed in a log names directories: one that climbs out (`../..`) is not a
/// kernel release name, is not used, and the warning says so; no module outside the
/// system root is found through it. Nor is the module beside the `--vmlinux` file: only
/// the given directories are searched.
#[test]
fn release_from_the_log_stays_under_the_root() {
    crate::common::needs_full_env!();
    let tmp = TempDir::new("sysroot-escape");
    let root = tmp.path().join("root");
    std::fs::create_dir_all(root.join("lib/modules")).unwrap();
    let vmlinux = unxz("kernels/x86_64-thin/vmlinux.xz", tmp.path());
    let ko = unxz("kernels/x86_64-thin/lkdtm.ko.xz", tmp.path());
    // Where root/lib/modules/../../../6.1.192 leads.
    place(&ko, &tmp.path().join("6.1.192/lkdtm.ko"));
    let log = std::fs::read_to_string(common::root().join("testdata/decode/x86_64-thin-bug.log"))
        .unwrap()
        .replace(" 6.1.192 #1", " ../../../6.1.192 #1");
    assert!(
        log.contains("../../../6.1.192 #1"),
        "the log has a CPU: line"
    );
    let log_path = tmp.path().join("escape.log");
    std::fs::write(&log_path, log).unwrap();
    let out = ksym_in_root(
        &root,
        &[
            "decode",
            // The forged release also differs from the vmlinux's banner, which the
            // identity checks refuse: --force decodes anyway, to show where modules are
            // looked for.
            "--force",
            "--vmlinux",
            vmlinux.to_str().unwrap(),
            log_path.to_str().unwrap(),
        ],
    );
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(
        !stdout.contains("[lkdtm] drivers/misc/lkdtm/bugs.c:78"),
        "a module outside the root was used:\n{stdout}"
    );
    assert!(stderr.contains("is not a kernel release name"), "{stderr}");
    // Kernel frames still decode.
    assert!(stdout.contains("fs/read_write.c:"), "{stdout}");
}

/// `system_path` joins only plain names under the root.
#[test]
fn system_paths_never_climb_out() {
    let p = ksym::dwarf::system_path("/lib/modules/../../../etc/passwd");
    assert!(p.starts_with("/lib/modules"), "{}", p.display());
    assert!(ksym::dwarf::check_release("6.1.0-56-amd64").is_ok());
    for bad in ["", ".", "..", "../x", "/abs", "a/b", "6.1 x"] {
        assert!(ksym::dwarf::check_release(bad).is_err(), "{bad:?}");
    }
}
