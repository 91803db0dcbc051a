//! Helpers of the decode tests: the decompressed kernels and running `ksym decode`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Mutex;

use crate::common::{ksym, shared};
use serde_json::Value;

/// A decompressed kernel: vmlinux and a directory holding lkdtm.ko.
pub(crate) struct Kernel {
    pub(crate) vmlinux: PathBuf,
    pub(crate) modules: PathBuf,
}

pub(crate) static UNPACK: Mutex<()> = Mutex::new(());

/// `../shared/kernels/NAME/{vmlinux,lkdtm.ko}.xz` decompressed once into the target dir.
pub(crate) fn kernel(name: &str) -> Kernel {
    let _guard = UNPACK.lock().unwrap_or_else(|e| e.into_inner());
    let src = shared().join("kernels").join(name);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("decode")
        .join(name);
    fs::create_dir_all(&dir).expect("cannot create the kernel dir");
    for f in ["vmlinux", "lkdtm.ko"] {
        let out = dir.join(f);
        if out.exists() {
            continue;
        }
        let part = dir.join(format!("{f}.part"));
        let st = Command::new("xz")
            .arg("-dc")
            .arg(src.join(format!("{f}.xz")))
            .stdout(fs::File::create(&part).expect("cannot create a file"))
            .status()
            .expect("cannot run xz (install xz-utils)");
        assert!(st.success(), "xz -dc {}/{f}.xz failed", src.display());
        fs::rename(&part, &out).expect("cannot rename");
    }
    Kernel {
        vmlinux: dir.join("vmlinux"),
        modules: dir,
    }
}

pub(crate) fn kernel_for(log: &Path) -> Kernel {
    let name = log.file_name().unwrap().to_string_lossy();
    kernel(if name.starts_with("arm64") {
        "arm64-thin"
    } else {
        "x86_64-thin"
    })
}

pub(crate) fn decode(k: &Kernel, extra: &[&str], log: &Path) -> (Vec<String>, Output) {
    let mut args: Vec<String> = vec![
        "decode".into(),
        "--vmlinux".into(),
        k.vmlinux.display().to_string(),
        "--modules".into(),
        k.modules.display().to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    args.push(log.display().to_string());
    let out = ksym().args(&args).output().expect("cannot run ksym");
    (args, out)
}

/// The `oops` records of `--json` (`backtrace` records left out).
pub(crate) fn json(k: &Kernel, log: &Path) -> Vec<Value> {
    json_records(k, log)
        .into_iter()
        .filter(|(t, _)| t == "oops")
        .map(|(_, d)| d)
        .collect()
}

/// Every record of `--json`: (type, data).
pub(crate) fn json_records(k: &Kernel, log: &Path) -> Vec<(String, Value)> {
    let (args, out) = decode(k, &["--json"], log);
    let stdout = String::from_utf8(out.stdout).expect("JSON output is UTF-8");
    assert!(
        out.status.success(),
        "ksym {} failed ({}): {}",
        args.join(" "),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("each line is JSON");
            let t = v["type"].as_str().expect("a type").to_string();
            assert!(t == "oops" || t == "backtrace", "{t}");
            (t, v["data"].clone())
        })
        .collect()
}

pub(crate) fn run_stdin(args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = ksym()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot run ksym");
    let mut stdin = child.stdin.take().unwrap();
    let data = input.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

/// The frames of a report.
pub(crate) fn frames(o: &Value) -> &Vec<Value> {
    o["frames"].as_array().expect("frames")
}

/// `file:line` of the innermost level.
pub(crate) fn innermost(f: &Value) -> String {
    let l = &f["inlines"][0];
    format!("{}:{}", l["file"].as_str().unwrap_or("??"), l["line"])
}

/// The outermost level of a frame's inline chain.
pub(crate) fn frames_last(f: &Value) -> &Value {
    f["inlines"]
        .as_array()
        .and_then(|a| a.last())
        .expect("inlines")
}
