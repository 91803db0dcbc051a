//! How the files are named: scripts/decode_stacktrace.sh's argument forms (`VMLINUX
//! [BASE_PATH [MODULES_PATH]] < LOG`, `-r RELEASE`), `--vmlinux BUILD_DIR`, the running
//! kernel's release when nothing else names one, `--module FILE`, and bare addresses
//! placed with `--kaslr-offset` and `--kallsyms`.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Output, Stdio};

use super::support::*;
use crate::common::{ksym, root, shared, TempDir};

fn bug_log() -> Vec<u8> {
    fs::read(root().join("testdata/decode/x86_64-thin-bug.log")).unwrap()
}

fn stdin_run(args: &[&str], input: &[u8], sysroot: Option<&Path>) -> Output {
    use std::io::Write;
    let mut cmd = ksym();
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(r) = sysroot {
        cmd.env("KSYM_SYSROOT", r);
    }
    let mut child = cmd.spawn().expect("cannot run ksym");
    let mut stdin = child.stdin.take().unwrap();
    let data = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn err(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A build directory: `vmlinux` at the top, the module deeper down.
fn build_dir(tmp: &Path) -> std::path::PathBuf {
    let k = kernel("x86_64-thin");
    let b = tmp.join("build");
    fs::create_dir_all(b.join("drivers/misc/lkdtm")).unwrap();
    symlink(&k.vmlinux, b.join("vmlinux")).unwrap();
    symlink(
        k.modules.join("lkdtm.ko"),
        b.join("drivers/misc/lkdtm/lkdtm.ko"),
    )
    .unwrap();
    b
}

#[test]
fn decode_stacktrace_argument_forms() {
    crate::common::needs_full_env!();
    let k = kernel("x86_64-thin");
    let tmp = TempDir::new("decode-args");
    let log = bug_log();
    let v = k.vmlinux.display().to_string();
    let m = k.modules.display().to_string();
    // VMLINUX < LOG: the ELF is never read as the log.
    let out = stdin_run(&["decode", &v], &log, None);
    assert_eq!(out.status.code(), Some(0), "{}", err(&out));
    assert!(
        out.stdout.len() < 4 * log.len(),
        "the ELF was copied to stdout"
    );
    assert!(text(&out).contains("full_proxy_write+0x4b/0x90 fs/debugfs/file.c:244"));
    assert!(text(&out).contains(
        "[lkdtm ccda84458db78fa2ca9e5c682f12f71c9c01dc3e] drivers/misc/lkdtm/core.c:329"
    ));
    // VMLINUX BASE_PATH MODULES_PATH: the base path is cut from file names.
    let out = stdin_run(&["decode", &v, "/usr/src", &m], &log, None);
    assert_eq!(out.status.code(), Some(0), "{}", err(&out));
    assert!(text(&out).contains("full_proxy_write+0x4b/0x90 linux-6.1/fs/debugfs/file.c:244"));
    let out = stdin_run(&["decode", &v, "auto", &m], &log, None);
    assert!(text(&out).contains("full_proxy_write+0x4b/0x90 fs/debugfs/file.c:244"));
    // BUILD_DIR, as the first argument and as --vmlinux: its vmlinux and its modules.
    let b = build_dir(tmp.path());
    let bs = b.display().to_string();
    for args in [
        vec!["decode", bs.as_str()],
        vec!["decode", "--vmlinux", &bs, "-"],
    ] {
        let out = stdin_run(&args, &log, None);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", err(&out));
        assert!(
            text(&out).contains("drivers/misc/lkdtm/core.c:329"),
            "{args:?}"
        );
    }
    // A directory without vmlinux says so.
    let empty = tmp.path().join("empty");
    fs::create_dir_all(&empty).unwrap();
    let e = empty.display().to_string();
    let out = stdin_run(&["decode", "--vmlinux", &e], &log, None);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        err(&out),
        format!("ksym: {e}: no vmlinux in this build directory\n")
    );
    // A log first takes no more arguments.
    let out = stdin_run(&["decode", "/nonexistent.log", &v], &log, None);
    assert_eq!(out.status.code(), Some(2));
    assert!(err(&out).contains("/nonexistent.log: not an ELF file or a build directory"));
}

/// `-r RELEASE`, the log's release, and the running kernel's (`uname -r`) when neither
/// names one, in the usual places of a root (`$KSYM_SYSROOT`); stderr says which file.
#[test]
fn release_forms_and_the_running_kernel() {
    crate::common::needs_full_env!();
    let k = kernel("x86_64-thin");
    let tmp = TempDir::new("decode-release");
    let running = fs::read_to_string("/proc/sys/kernel/osrelease").unwrap();
    let running = running.trim();
    let sys = tmp.path().join("root");
    for r in ["6.1.192", "9.9.9-test", running] {
        let boot = sys.join("usr/lib/debug/boot");
        fs::create_dir_all(&boot).unwrap();
        let dst = boot.join(format!("vmlinux-{r}"));
        if !dst.exists() {
            symlink(&k.vmlinux, &dst).unwrap();
        }
        let mods = sys.join("lib/modules").join(r).join("kernel");
        fs::create_dir_all(&mods).unwrap();
        let ko = mods.join("lkdtm.ko");
        if !ko.exists() {
            symlink(k.modules.join("lkdtm.ko"), ko).unwrap();
        }
    }
    let log = bug_log();
    let used = |r: &str, whence: &str| {
        format!(
            "ksym: using {} (release {r}, from {whence})\n",
            sys.join(format!("usr/lib/debug/boot/vmlinux-{r}"))
                .display()
        )
    };
    // The log's release.
    let out = stdin_run(&["decode"], &log, Some(&sys));
    assert_eq!(out.status.code(), Some(0), "{}", err(&out));
    let module = format!(
        "ksym: module lkdtm: using {}\n",
        sys.join("lib/modules/6.1.192/kernel/lkdtm.ko").display()
    );
    // The module frame of the faulting RIP comes first.
    assert_eq!(err(&out), module + &used("6.1.192", "the log or -r"));
    assert!(text(&out).contains("drivers/misc/lkdtm/core.c:329"));
    // -r wins over the log: that file is used (and its identity checked: same file).
    let out = stdin_run(&["decode", "-r", "9.9.9-test"], &log, Some(&sys));
    assert_eq!(out.status.code(), Some(0), "{}", err(&out));
    assert!(
        err(&out).contains(&used("9.9.9-test", "the log or -r")),
        "{}",
        err(&out)
    );
    // No release anywhere: the running kernel's.
    let frames_only: String = String::from_utf8_lossy(&log)
        .lines()
        .filter(|l| l.contains("Call Trace") || l.contains("+0x"))
        .filter(|l| !l.contains("RIP") && !l.contains("BUG"))
        .map(|l| format!("{l}\n"))
        .collect();
    let out = stdin_run(&["decode"], frames_only.as_bytes(), Some(&sys));
    assert_eq!(out.status.code(), Some(0), "{}\n{frames_only}", err(&out));
    let module = format!(
        "ksym: module lkdtm: using {}\n",
        sys.join("lib/modules")
            .join(running)
            .join("kernel/lkdtm.ko")
            .display()
    );
    assert_eq!(err(&out), module + &used(running, "the running kernel"));
    assert!(text(&out).contains("fs/read_write.c:582"));
    assert!(text(&out).contains("drivers/misc/lkdtm/core.c:329"));
}

/// Bare addresses without `Kernel Offset:`: not placed, and the text says why; placed
/// with `--kaslr-offset` or with a /proc/kallsyms of the boot (modules too, from a pipe).
#[test]
fn bare_addresses_with_kaslr_offset_and_kallsyms() {
    crate::common::needs_full_env!();
    let k = kernel("x86_64-thin");
    let v = k.vmlinux.display().to_string();
    let m = k.modules.display().to_string();
    // full_proxy_write+0x4b and vfs_write+0xd0 at the crashed boot's KASLR offset
    // 0x3a400000; lkdtm's direct_entry+0x137 at the nokaslr boot of kallsyms.txt.
    let log = "[    1.0] BUG: kernel NULL pointer dereference, address: 0000000000000000\n\
               [    1.0] Call Trace:\n\
               [    1.0]  [<ffffffffbb53c76b>]\n\
               [    1.0]  [<ffffffffbb4eb0d0>]\n\
               [    1.0] ---[ end trace 0000000000000000 ]---\n";
    let out = stdin_run(
        &["decode", "--vmlinux", &v, "--modules", &m],
        log.as_bytes(),
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let t = text(&out);
    assert_eq!(
        t.matches(
            " (not placed: no KASLR offset known; give --kaslr-offset HEX or --kallsyms FILE)"
        )
        .count(),
        2,
        "{t}"
    );
    let out = stdin_run(
        &["decode", "--vmlinux", &v, "--kaslr-offset", "0x3a400000"],
        log.as_bytes(),
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", err(&out));
    let t = text(&out);
    assert!(
        t.contains("[<ffffffffbb53c76b>] full_proxy_write+0x4b fs/debugfs/file.c:244"),
        "{t}"
    );
    assert!(
        t.contains("[<ffffffffbb4eb0d0>] vfs_write+0xd0 fs/read_write.c:582"),
        "{t}"
    );
    // kallsyms of a nokaslr boot names link-time and module addresses.
    let log = "[    1.0] BUG: kernel NULL pointer dereference, address: 0000000000000000\n\
               [    1.0] Call Trace:\n\
               [    1.0]  [<ffffffffc00002a7>]\n\
               [    1.0]  [<ffffffff8113c76b>]\n\
               [    1.0] ---[ end trace 0000000000000000 ]---\n";
    let kallsyms = shared().join("kernels/x86_64-thin/kallsyms.txt");
    let tmp = TempDir::new("decode-kallsyms");
    let fifo_log = tmp.path().join("bare.log");
    fs::write(&fifo_log, log).unwrap();
    // The kallsyms through a pipe (standard input), as `ssh host cat /proc/kallsyms |`.
    let out = stdin_run(
        &[
            "decode",
            "--vmlinux",
            &v,
            "--modules",
            &m,
            "--kallsyms",
            "/dev/stdin",
            fifo_log.to_str().unwrap(),
        ],
        &fs::read(&kallsyms).unwrap(),
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", err(&out));
    let t = text(&out);
    assert!(
        t.contains("[<ffffffffc00002a7>] direct_entry+0x137 drivers/misc/lkdtm/core.c:329"),
        "{t}"
    );
    assert!(
        t.contains("[<ffffffff8113c76b>] full_proxy_write+0x4b fs/debugfs/file.c:244"),
        "{t}"
    );
    // A kallsyms read without privilege (all zeros) is refused with the reason.
    let zero = tmp.path().join("kallsyms-zero");
    fs::write(
        &zero,
        "0000000000000000 T _text\n0000000000000000 T full_proxy_write\n",
    )
    .unwrap();
    let out = stdin_run(
        &[
            "decode",
            "--vmlinux",
            &v,
            "--kallsyms",
            zero.to_str().unwrap(),
            fifo_log.to_str().unwrap(),
        ],
        b"",
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(err(&out).contains("every address is 0"), "{}", err(&out));
}

/// `--module FILE`: the file is used for its module's frames before any directory is
/// walked; one whose build id the log refutes gives way to the directories' files.
#[test]
fn module_files_come_before_module_directories() {
    crate::common::needs_full_env!();
    let k = kernel("x86_64-thin");
    let arm = kernel("arm64-thin");
    let log = bug_log();
    let v = k.vmlinux.display().to_string();
    let m = k.modules.display().to_string();
    let ko = k.modules.join("lkdtm.ko").display().to_string();
    let want = stdin_run(&["decode", "--vmlinux", &v, "--modules", &m], &log, None);
    assert_eq!(want.status.code(), Some(0), "{}", err(&want));
    assert!(text(&want).contains("drivers/misc/lkdtm/core.c:329"));
    let out = stdin_run(&["decode", "--vmlinux", &v, "--module", &ko], &log, None);
    assert_eq!(out.status.code(), Some(0), "{}", err(&out));
    assert_eq!(text(&out), text(&want));
    // Given as such: no `using` line.
    assert_eq!(err(&out), "");
    // Another lkdtm.ko (arm64's, another build id) given first: the directory's is used.
    let other = arm.modules.join("lkdtm.ko").display().to_string();
    let out = stdin_run(
        &[
            "decode",
            "--vmlinux",
            &v,
            "--module",
            &other,
            "--modules",
            &m,
        ],
        &log,
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", err(&out));
    assert_eq!(text(&out), text(&want));
}
