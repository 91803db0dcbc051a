//! Identity checks on the shared kernels: the right files are accepted without a word;
//! each kind of proven mismatch (build id, banner, release, architecture, a module's
//! build id and architecture) is refused with the evidence and exit status 2; `--force`
//! decodes anyway with the same line as a warning; a frame whose printed size the symbol
//! does not explain is marked.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

use super::support::*;
use crate::common::{shared, TempDir};

fn console(kernel: &str) -> PathBuf {
    shared().join("kernels").join(kernel).join("console.log")
}

fn run(vmlinux: &Path, modules: &Path, extra: &[&str], log: &Path) -> Output {
    let k = Kernel {
        vmlinux: vmlinux.to_path_buf(),
        modules: modules.to_path_buf(),
    };
    decode(&k, extra, log).1
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A directory holding only `ko` as `lkdtm.ko` (the finder also searches the vmlinux's
/// directory, so the vmlinux lives elsewhere).
fn module_dir(dir: &Path, name: &str, ko: &Path) -> PathBuf {
    let d = dir.join(name);
    fs::create_dir_all(&d).unwrap();
    std::os::unix::fs::symlink(ko, d.join("lkdtm.ko")).unwrap();
    d
}

/// `from` replaced by `to` (same length) everywhere in `data`; how many times.
fn replace_all(data: &mut [u8], from: &[u8], to: &[u8]) -> usize {
    assert_eq!(from.len(), to.len());
    let mut n = 0;
    let mut i = 0;
    while i + from.len() <= data.len() {
        if &data[i..i + from.len()] == from {
            data[i..i + from.len()].copy_from_slice(to);
            n += 1;
            i += from.len();
        } else {
            i += 1;
        }
    }
    n
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn right_files_are_accepted_without_a_word() {
    crate::common::needs_full_env!();
    let mut build_ids = 0;
    let mut code_matches = 0;
    for name in ["x86_64-thin", "arm64-thin", "x86_64-thin-6.12"] {
        let k = kernel(name);
        let (args, out) = decode(&k, &[], &console(name));
        assert_eq!(out.status.code(), Some(0), "ksym {}", args.join(" "));
        assert_eq!(stderr(&out), "", "ksym {}", args.join(" "));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains("(size mismatch)"), "{name}");
        for o in json(&k, &console(name)) {
            let id = &o["identity"];
            assert_eq!(id["result"], "match", "{name}: {}: {id}", o["title"]);
            let check = |c: &str| {
                id["checks"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|x| {
                        x["check"] == c && !x["object"].as_str().unwrap().starts_with("lkdtm")
                    })
                    .map(|x| x["result"].clone())
            };
            assert_eq!(check("banner"), Some("match".into()), "{name}: {id}");
            // A report without a `CPU:` line (a panic after an oops) names no release.
            let said = |field: &str| {
                if o[field].is_null() {
                    "unknown"
                } else {
                    "match"
                }
            };
            assert_eq!(
                check("release"),
                Some(said("release").into()),
                "{name}: {id}"
            );
            assert_eq!(
                check("build_id"),
                Some(said("kernel_build_id").into()),
                "{name}: {id}"
            );
            if !o["registers"].as_array().unwrap().is_empty() {
                assert_eq!(check("arch"), Some("match".into()), "{name}: {id}");
            }
            // The Code: bytes, compared with whichever object holds the faulting pc: its
            // own up to run-time patching, or too few to tell; never a mismatch.
            for c in id["checks"].as_array().unwrap() {
                if c["check"] == "code" {
                    assert!(
                        c["result"] == "match" || c["result"] == "unknown",
                        "{name}: {c}"
                    );
                    code_matches += usize::from(c["result"] == "match");
                }
            }
            build_ids += usize::from(check("build_id") == Some("match".into()));
        }
    }
    assert!(
        build_ids >= 10,
        "the x86 reports print the vmlinux build id"
    );
    assert!(
        code_matches >= 4,
        "only {code_matches} Code: lines matched their object"
    );
}

#[test]
fn other_architecture_is_refused() {
    crate::common::needs_full_env!();
    let x86 = kernel("x86_64-thin");
    let arm = kernel("arm64-thin");
    let tmp = TempDir::new("identity-arch");
    // arm64 vmlinux on the x86 console: the build ids differ (the strongest evidence).
    let arm_mods = module_dir(tmp.path(), "arm", &arm.modules.join("lkdtm.ko"));
    let out = run(&arm.vmlinux, &arm_mods, &[], &console("x86_64-thin"));
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let line = format!(
        "ksym: {}: does not match the log: build id f30b2d2a4e5354a8130d75c3b340f2d18459dd3b in the log, ",
        arm.vmlinux.display()
    );
    assert_eq!(err.matches(&line).count(), 1, "{err}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !text.contains("fs/read_write.c"),
        "refused frames are left as they are"
    );
    // An x86 lkdtm.ko on the arm64 console: the log has no module build id, the
    // registers say arm64.
    let x86_mods = module_dir(tmp.path(), "x86", &x86.modules.join("lkdtm.ko"));
    let out = run(&arm.vmlinux, &x86_mods, &[], &console("arm64-thin"));
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let line = format!(
        "ksym: {}: does not match the log: architecture aarch64 in the log, x86_64 in the file\n",
        x86_mods.join("lkdtm.ko").display()
    );
    assert_eq!(err, line);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("fs/read_write.c"),
        "vmlinux frames are still decoded"
    );
    assert!(!text.contains("[lkdtm] drivers/"), "module frames are not");
    // --force: decoded, the same line as a warning, exit 0.
    let out = run(
        &arm.vmlinux,
        &x86_mods,
        &["--force"],
        &console("arm64-thin"),
    );
    let err = stderr(&out);
    assert!(
        err.contains(&line.replace("ksym: ", "ksym: warning: ")),
        "{err}"
    );
    assert!(!err
        .lines()
        .any(|l| l.contains("does not match") && !l.contains("warning: ")));
    assert_ne!(out.status.code(), Some(2), "{err}");
}

/// A different build of the same release: a copy of the x86 vmlinux with another build
/// id and another date in its banner.
#[test]
fn another_build_of_the_same_release_is_refused() {
    crate::common::needs_full_env!();
    let k = kernel("x86_64-thin");
    let tmp = TempDir::new("identity-build");
    let mut data = fs::read(&k.vmlinux).unwrap();
    let id = "f30b2d2a4e5354a8130d75c3b340f2d18459dd3b";
    let other = "f30b2d2a4e5354a8130d75c3b340f2d1845900ff";
    assert_eq!(replace_all(&mut data, &unhex(id), &unhex(other)), 1);
    let date = b"#1 Sun Nov 22 13:21:06 UTC 2026";
    assert!(replace_all(&mut data, date, b"#1 Mon Nov 23 09:00:00 UTC 2026") >= 1);
    let dir = tmp.path().join("build");
    fs::create_dir_all(&dir).unwrap();
    let copy = dir.join("vmlinux");
    fs::write(&copy, &data).unwrap();
    drop(data);
    let mods = module_dir(tmp.path(), "mods", &k.modules.join("lkdtm.ko"));
    let log = console("x86_64-thin");
    let out = run(&copy, &mods, &[], &log);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let want = format!(
        "ksym: {}: does not match the log: build id {id} in the log, {other} in the file\n",
        copy.display()
    );
    assert_eq!(stderr(&out), want);
    // Without build ids in the log, the banner proves it.
    let text = fs::read_to_string(&log)
        .unwrap()
        .replace(&format!(" {id}"), "");
    let no_id = tmp.path().join("no-build-id.log");
    fs::write(&no_id, text).unwrap();
    let out = run(&copy, &mods, &[], &no_id);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with(&format!(
            "ksym: {}: does not match the log: banner \"Linux version 6.1.192",
            copy.display()
        )),
        "{err}"
    );
    assert!(
        err.contains("#1 Mon Nov 23 09:00:00 UTC 2026\" in the file"),
        "{err}"
    );
    // JSON: the identity object says which check failed.
    let (_, out) = decode(
        &Kernel {
            vmlinux: copy.clone(),
            modules: mods.clone(),
        },
        &["--json"],
        &no_id,
    );
    assert_eq!(out.status.code(), Some(2));
    let first: Value =
        serde_json::from_slice(out.stdout.split(|&b| b == b'\n').next().unwrap()).unwrap();
    let id_obj = &first["data"]["identity"];
    assert_eq!(id_obj["result"], "mismatch", "{id_obj}");
    let banner = id_obj["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "banner")
        .unwrap();
    assert_eq!(banner["result"], "mismatch");
    assert_eq!(first["data"]["frames"][2]["decoded"], false);
}

/// The 6.12 console (its release on the `CPU:` line) against the 6.1 vmlinux, with the
/// build ids and the banner taken out: the release proves it.
#[test]
fn another_release_is_refused() {
    crate::common::needs_full_env!();
    let k = kernel("x86_64-thin");
    let tmp = TempDir::new("identity-release");
    let text: String = fs::read_to_string(console("x86_64-thin-6.12"))
        .unwrap()
        .lines()
        .filter(|l| !l.contains("Linux version"))
        .map(|l| {
            let l = l.trim_end_matches('\r');
            match l.rfind(" #1  ") {
                Some(p) => format!("{} #1\n", &l[..p]),
                None => format!("{l}\n"),
            }
        })
        .collect();
    let log = tmp.path().join("6.12.log");
    fs::write(&log, text).unwrap();
    let mods = module_dir(tmp.path(), "mods", &k.modules.join("lkdtm.ko"));
    let out = run(&k.vmlinux, &mods, &[], &log);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let line = format!(
        "ksym: {}: does not match the log: release 6.12.118 in the log, 6.1.192 in the file",
        k.vmlinux.display()
    );
    assert!(err.contains(&line), "{err}");
}

/// A printed size the symbol does not explain: a warning and a mark, not a refusal.
#[test]
fn size_mismatch_is_marked() {
    crate::common::needs_full_env!();
    let k = kernel("x86_64-thin");
    let tmp = TempDir::new("identity-size");
    let text = fs::read_to_string(console("x86_64-thin"))
        .unwrap()
        .replacen(
            "full_proxy_write+0x4b/0x90",
            "full_proxy_write+0x4b/0xa0",
            1,
        );
    let log = tmp.path().join("size.log");
    fs::write(&log, text).unwrap();
    let (_, out) = decode(&k, &[], &log);
    assert_eq!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(
        err.contains("ksym: warning: ")
            && err.contains("full_proxy_write+0x4b/0xa0 (line ")
            && err.contains("the printed size differs from full_proxy_write's size 0x90"),
        "{err}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let marked: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains("(size mismatch)"))
        .collect();
    assert_eq!(marked.len(), 1, "{marked:?}");
    assert!(marked[0].contains("full_proxy_write+0x4b/0xa0 fs/debugfs/file.c:244 (size mismatch)"));
    let frames: Vec<Value> = json(&k, &log)
        .iter()
        .flat_map(|o| frames(o).clone())
        .filter(|f| f["size_mismatch"] == true)
        .collect();
    assert_eq!(frames.len(), 1);
    assert_eq!(frames[0]["symbol_size"], "0x90");
}
