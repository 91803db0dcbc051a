//! The engine's one rule for a printed `name+offset/size`, seen through `ksym decode` on
//! the shared kernels: which symbols a printed name stands for follows the crashed
//! kernel's release (from the log), and when several fit equally, the output says so.

use crate::common;

use std::path::Path;

use common::{run, unxz, TempDir};
use serde_json::Value;

/// `ksym decode --json --force --vmlinux VMLINUX` of `log`: the frames of its reports.
/// `--force`: the reports claim other releases than the file's (the point of the test),
/// which the identity checks would otherwise refuse.
fn decode_json(vmlinux: &Path, dir: &Path, log: &str) -> Vec<Value> {
    let path = dir.join("oops.log");
    std::fs::write(&path, log).unwrap();
    let out = run(&[
        "decode",
        "--json",
        "--force",
        "--vmlinux",
        vmlinux.to_str().unwrap(),
        path.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .flat_map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            v["data"]["frames"].as_array().unwrap().clone()
        })
        .collect()
}

/// A WARNING report whose trace is `frames`, as a kernel of `release` prints it (the
/// header lines are those of the shared 6.12 x86_64 console).
fn report(release: &str, frames: &[&str]) -> String {
    let mut s = format!(
        "[    0.624017] WARNING: CPU: 0 PID: 16 at fs/proc/task_mmu.c:1 {}\n\
         [    0.624017] CPU: 0 UID: 0 PID: 16 Comm: init Not tainted {release} #1\n\
         [    0.624017] Call Trace:\n\
         [    0.624017]  <TASK>\n",
        frames[0]
    );
    for f in frames {
        s += &format!("[    0.624017]  {f}\n");
    }
    s += "[    0.624017]  </TASK>\n[    0.624017] ---[ end trace 0000000000000000 ]---\n";
    s
}

fn elf_symbols(frames: &[Value]) -> Vec<(String, bool)> {
    frames
        .iter()
        .filter(|f| f["register"].is_null())
        .map(|f| {
            assert_eq!(f["decoded"], true, "{f}");
            (
                f["elf_symbol"].as_str().unwrap().to_string(),
                f["lto_match"].as_bool().unwrap(),
            )
        })
        .collect()
}

/// The shared 6.12 x86_64 kernel has `m_start` (0x20 and 0x176 bytes) and
/// `m_start.llvm.5988820235668860988` (0x6e bytes, 0x70 to the next symbol). A 6.12
/// kernel prints that one in full, so a printed `m_start+0x10/0x70` is one of the two
/// `m_start`s; a 6.1 kernel (names cut at the first dot) prints it as `m_start`, and the
/// printed size picks it.
#[test]
fn printed_names_follow_the_release() {
    crate::common::needs_full_env!();
    let tmp = TempDir::new("engine-release");
    let vmlinux = unxz("kernels/x86_64-thin-6.12/vmlinux.xz", tmp.path());
    let llvm = "m_start.llvm.5988820235668860988";
    let frames = [
        "m_start+0x10/0x70",
        "m_start.llvm.5988820235668860988+0x10/0x70",
    ];
    let got = elf_symbols(&decode_json(
        &vmlinux,
        tmp.path(),
        &report("6.12.118", &frames),
    ));
    assert_eq!(
        got,
        [("m_start".to_string(), false), (llvm.to_string(), false)]
    );
    for release in ["6.1.192", "6.7.0"] {
        let got = elf_symbols(&decode_json(
            &vmlinux,
            tmp.path(),
            &report(release, &frames),
        ));
        assert_eq!(
            got,
            [(llvm.to_string(), true), (llvm.to_string(), false)],
            "{release}"
        );
    }
}

/// The shared 6.1 x86_64 kernel has seven static `event_show`s; five of them are 0x1a
/// bytes (0x20 to the next symbol), one is 0x27 bytes. `event_show+0x4/0x20` fits
/// several equally: the text says so and JSON lists them; `event_show+0x4/0x27` fits one.
#[test]
fn ambiguous_frames_are_said() {
    crate::common::needs_full_env!();
    let tmp = TempDir::new("engine-ambiguous");
    let vmlinux = unxz("kernels/x86_64-thin/vmlinux.xz", tmp.path());
    let log = report("6.1.192", &["event_show+0x4/0x20", "event_show+0x4/0x27"]);
    let frames = decode_json(&vmlinux, tmp.path(), &log);
    let cands: Vec<usize> = frames
        .iter()
        .map(|f| f["candidates"].as_array().unwrap().len())
        .collect();
    let n = cands[0];
    assert!(n >= 2, "{cands:?}");
    assert_eq!(cands, [n, 0]);
    assert!(frames[0]["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c == "event_show"));
    let path = tmp.path().join("oops.log");
    let out = run(&[
        "decode",
        "--vmlinux",
        vmlinux.to_str().unwrap(),
        path.to_str().unwrap(),
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    let marked: Vec<&str> = text
        .lines()
        .filter(|l| l.contains(&format!(" (ambiguous: {n} candidates)")))
        .collect();
    assert_eq!(marked.len(), 1, "{text}");
    assert!(marked.iter().all(|l| l.contains("event_show+0x4/0x20")));
}
