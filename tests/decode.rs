//! `ksym decode` end to end on the real kernels of `../shared/kernels` (x86_64 and arm64
//! Clang ThinLTO, lkdtm crashes captured under qemu), through the real binary.
//!
//! - Goldens: every `testdata/decode/*.log` (real excerpts, plus two constructed from the
//!   x86 panic with old-style bare `[<address>]` frames) decodes to `NAME.out` (text) and
//!   `NAME.json` (`--json`). `KSYM_BLESS=1 cargo test --test decode` rewrites them.
//! - Each captured lkdtm crash in `console.log` and `panic.log`: the faulting frame gives
//!   the crashing source line (the kernel's own `kernel BUG at`/`WARNING: ... at` line
//!   for traps, a table for faults), module frames resolve through lkdtm.ko, and no frame
//!   is left undecoded.
//! - Text output keeps every input line byte for byte (CRLF included).
//! - A differential check against Linux 6.1's `scripts/decode_stacktrace.sh` (binutils
//!   `nm`/`addr2line`) on one small oops.
//! - Bad input: garbage, a 1 MB line, a truncated oops, a missing vmlinux.

mod common;

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Mutex;

use common::{ksym, root, shared};
use serde_json::Value;

/// A decompressed kernel: vmlinux and a directory holding lkdtm.ko.
struct Kernel {
    vmlinux: PathBuf,
    modules: PathBuf,
}

static UNPACK: Mutex<()> = Mutex::new(());

/// `../shared/kernels/NAME/{vmlinux,lkdtm.ko}.xz` decompressed once into the target dir.
fn kernel(name: &str) -> Kernel {
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

fn kernel_for(log: &Path) -> Kernel {
    let name = log.file_name().unwrap().to_string_lossy();
    kernel(if name.starts_with("arm64") {
        "arm64-thin"
    } else {
        "x86_64-thin"
    })
}

fn decode(k: &Kernel, extra: &[&str], log: &Path) -> (Vec<String>, Output) {
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

fn json(k: &Kernel, log: &Path) -> Vec<Value> {
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
            assert_eq!(v["type"], "oops");
            v["data"].clone()
        })
        .collect()
}

fn check_golden(path: &Path, actual: &[u8], args: &[String], stderr: &[u8]) {
    if std::env::var_os("KSYM_BLESS").is_some() {
        fs::write(path, actual).expect("cannot write golden");
        return;
    }
    let expected = fs::read(path).unwrap_or_default();
    if expected != actual {
        panic!(
            "{} differs (KSYM_BLESS=1 rewrites it)\n--- expected\n{}\n--- actual\n{}\n--- command\nksym {}\n--- stderr\n{}",
            path.display(),
            String::from_utf8_lossy(&expected),
            String::from_utf8_lossy(actual),
            args.join(" "),
            String::from_utf8_lossy(stderr)
        );
    }
}

fn logs() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(root().join("testdata/decode"))
        .expect("testdata/decode is missing")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "log"))
        .collect();
    v.sort();
    assert!(v.len() >= 6, "expected the bundled logs in testdata/decode");
    v
}

/// Paths in output are made relative to the checkout so goldens do not depend on it.
fn relative(args: &[String]) -> Vec<String> {
    let r = root().display().to_string();
    args.iter().map(|a| a.replace(&r, ".")).collect()
}

#[test]
fn goldens() {
    for log in logs() {
        let k = kernel_for(&log);
        let (args, out) = decode(&k, &[], &log);
        assert!(
            out.status.success(),
            "ksym {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        check_golden(
            &log.with_extension("out"),
            &out.stdout,
            &relative(&args),
            &out.stderr,
        );
        let (args, out) = decode(&k, &["--json"], &log);
        check_golden(
            &log.with_extension("json"),
            &out.stdout,
            &relative(&args),
            &out.stderr,
        );
    }
}

fn frames(o: &Value) -> &Vec<Value> {
    o["frames"].as_array().expect("frames")
}

fn innermost(f: &Value) -> String {
    let l = &f["inlines"][0];
    format!("{}:{}", l["file"].as_str().unwrap_or("??"), l["line"])
}

/// Every kernel frame decoded; module frames through lkdtm.ko.
fn assert_all_decoded(log: &str, oopses: &[Value]) {
    for o in oopses {
        for f in frames(o) {
            if f["user"] == true {
                continue;
            }
            assert_eq!(
                f["decoded"], true,
                "{log}: oops {} ({}): frame on line {} not decoded: {}",
                o["index"], o["title"], f["line"], f
            );
            if f["module"] == "lkdtm" {
                assert!(f["elf_symbol"].is_string(), "{log}: {f}");
            }
        }
    }
}

/// The faulting pc of the oops's own register dump.
fn pc(o: &Value) -> &Value {
    frames(o)
        .iter()
        .find(|f| f["role"] == "pc" && f["register"].is_string() && f["repeat"] == false)
        .unwrap_or_else(|| panic!("oops {} has no pc frame", o["title"]))
}

/// Faults (no `__bug_table` entry): pc symbol → the line the line table gives for the
/// faulting instruction, checked by hand against the source of Linux 6.1.192 and
/// `objdump -dl` of lkdtm.ko.
fn fault_lines(arch: &str) -> HashMap<&'static str, &'static str> {
    let mut m = HashMap::from([
        // `*((volatile int *) 0) = 0;`
        ("lkdtm_EXCEPTION", "drivers/misc/lkdtm/bugs.c:95"),
        // `*ptr ^= 0xabcd1234;`
        ("lkdtm_WRITE_RO", "drivers/misc/lkdtm/perms.c:118"),
    ]);
    // `tmp = *ptr;` on arm64; on x86 clang folds the load into `tmp += 0xc0dec0de`
    // (`add 0x0,%rbx`), which the line table puts on line 266.
    m.insert(
        "lkdtm_ACCESS_NULL",
        if arch == "x86_64-thin" {
            "drivers/misc/lkdtm/perms.c:266"
        } else {
            "drivers/misc/lkdtm/perms.c:265"
        },
    );
    m
}

#[test]
fn lkdtm_crashes_resolve_to_the_crashing_line() {
    for arch in ["x86_64-thin", "arm64-thin"] {
        let k = kernel(arch);
        let log = shared().join("kernels").join(arch).join("console.log");
        let oopses = json(&k, &log);
        let name = format!("{arch}/console.log");
        assert_all_decoded(&name, &oopses);
        // WARNING, WARNING_MESSAGE, BUG, (arm64: ct_kernel_exit WARNING), EXCEPTION,
        // ACCESS_NULL, WRITE_RO, EXEC_DATA, sysrq panic.
        let want = if arch == "x86_64-thin" { 8 } else { 9 };
        assert_eq!(oopses.len(), want, "{name}: reports found");
        let faults = fault_lines(arch);
        let mut traps = 0;
        let mut checked = 0;
        for o in &oopses {
            if o["kind"] == "panic" {
                continue;
            }
            let f = pc(o);
            if let Some(loc) = o["location"].as_str() {
                // The kernel printed `kernel BUG at F:L!` / `WARNING: ... at F:L`.
                let t = &f["trap"];
                assert_eq!(
                    format!("{}:{}", t["file"].as_str().unwrap_or(""), t["line"]),
                    loc,
                    "{name}: {}",
                    o["title"]
                );
                traps += 1;
            } else if let Some(want) = faults.get(f["symbol"].as_str().unwrap_or("")) {
                assert_eq!(innermost(f), *want, "{name}: {}", o["title"]);
                checked += 1;
            } else {
                // EXEC_DATA: the pc is in data_area, which has no line; the frame that
                // called into it is `func()` in execute_location.
                assert!(f["symbol"] == "data_area", "{name}: unexpected pc {f}");
                let caller = frames(o)
                    .iter()
                    .find(|g| g["symbol"] == "execute_location")
                    .expect("execute_location frame");
                assert_eq!(innermost(caller), "drivers/misc/lkdtm/perms.c:86");
            }
        }
        let want_traps = if arch == "x86_64-thin" { 3 } else { 4 };
        assert_eq!((traps, checked), (want_traps, 3), "{name}");
        // x86 repeats the first oops's RIP (lkdtm_BUG) after every later oops.
        if arch == "x86_64-thin" {
            let repeats: Vec<&Value> = oopses
                .iter()
                .flat_map(frames)
                .filter(|f| f["repeat"] == true)
                .collect();
            assert_eq!(repeats.len(), 5, "{name}: RIP repeats");
            for r in repeats {
                assert_eq!(r["symbol"], "lkdtm_BUG");
                assert_eq!(r["trap"]["line"], 78, "{r}");
            }
        }
        // The arm64 follow-on WARNING: __bug_table says 128, the line table 153.
        if arch == "arm64-thin" {
            let o = oopses
                .iter()
                .find(|o| o["location"] == "kernel/context_tracking.c:128")
                .expect("ct_kernel_exit WARNING");
            assert_eq!(innermost(pc(o)), "kernel/context_tracking.c:153");
        }
    }
}

#[test]
fn panic_logs_and_address_minus_one() {
    for arch in ["x86_64-thin", "arm64-thin"] {
        let k = kernel(arch);
        let log = shared().join("kernels").join(arch).join("panic.log");
        let oopses = json(&k, &log);
        let name = format!("{arch}/panic.log");
        assert_all_decoded(&name, &oopses);
        let p = oopses.iter().find(|o| o["kind"] == "panic").expect("panic");
        let f = frames(p)
            .iter()
            .find(|f| f["symbol"] == "lkdtm_PANIC" || f["symbol"] == "lkdtm_BUG")
            .expect("the lkdtm_PANIC frame");
        let outer = frames_last(f);
        // The call to panic() in lkdtm_PANIC; on arm64 the return address lands on the
        // next function (`lkdtm_BUG+0x0/0x4`) and only address - 1 finds the call.
        assert_eq!(outer["function"], "lkdtm_PANIC", "{name}: {f}");
        assert_eq!(innermost(f), "drivers/misc/lkdtm/bugs.c:73", "{name}");
        assert_eq!(f["call_site"], true);
    }
    // --no-call-site looks the address up as printed: lkdtm_BUG itself.
    let k = kernel("arm64-thin");
    let log = root().join("testdata/decode/arm64-thin-panic.log");
    let (_, out) = decode(&k, &["--json", "--no-call-site"], &log);
    let text = String::from_utf8_lossy(&out.stdout);
    let v: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let f = frames(&v["data"])
        .iter()
        .find(|f| f["symbol"] == "lkdtm_BUG")
        .unwrap()
        .clone();
    assert_eq!(frames_last(&f)["function"], "lkdtm_BUG");
}

fn frames_last(f: &Value) -> &Value {
    f["inlines"]
        .as_array()
        .and_then(|a| a.last())
        .expect("inlines")
}

/// Split keeping line ends.
fn lines(b: &[u8]) -> Vec<&[u8]> {
    b.split_inclusive(|&c| c == b'\n').collect()
}

#[test]
fn text_keeps_every_line() {
    let k = kernel("x86_64-thin");
    let log = shared().join("kernels/x86_64-thin/console.log");
    let input = fs::read(&log).unwrap();
    let (_, out) = decode(&k, &[], &log);
    assert!(out.status.success());
    let ins = lines(&input);
    let outs = lines(&out.stdout);
    let mut j = 0;
    let mut annotated = 0;
    for (i, l) in ins.iter().enumerate() {
        let o = outs
            .get(j)
            .unwrap_or_else(|| panic!("output ends before input line {}", i + 1));
        j += 1;
        if o == l {
            continue;
        }
        let body = l
            .strip_suffix(b"\r\n")
            .expect("console.log lines end in CRLF");
        assert!(
            o.starts_with(body) && o.ends_with(b"\r\n"),
            "line {} changed:\n{}\n{}",
            i + 1,
            String::from_utf8_lossy(l),
            String::from_utf8_lossy(o)
        );
        annotated += 1;
        // Inline lines follow until the next input line.
        while let Some(n) = outs.get(j) {
            let next = ins.get(i + 1).map(|x| x.strip_suffix(b"\r\n").unwrap_or(x));
            if next.is_some_and(|x| n.starts_with(x)) {
                break;
            }
            assert!(n.ends_with(b"\r\n") && n.windows(4).any(|w| w == b" at "));
            j += 1;
        }
    }
    assert_eq!(j, outs.len(), "extra output at the end");
    assert!(annotated > 50, "only {annotated} lines annotated");
}

/// decode_stacktrace.sh of Linux 6.1 (Debian's linux-source-6.1), extracted once.
fn decode_stacktrace() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("decode-script");
    let script = dir.join("linux-source-6.1/scripts/decode_stacktrace.sh");
    if !script.exists() {
        let tar = Path::new("/usr/src/linux-source-6.1.tar.xz");
        assert!(
            tar.exists(),
            "{} is missing: install the Debian package linux-source-6.1",
            tar.display()
        );
        fs::create_dir_all(&dir).unwrap();
        let st = Command::new("tar")
            .arg("-xf")
            .arg(tar)
            .arg("-C")
            .arg(&dir)
            .arg("linux-source-6.1/scripts/decode_stacktrace.sh")
            .status()
            .expect("cannot run tar");
        assert!(st.success(), "cannot extract decode_stacktrace.sh");
    }
    script
}

/// The 6.1 script against ksym on the x86 WARNING (module and kernel frames, inlining).
/// The script looks every address up as printed (no address - 1), so ksym runs with
/// `--no-call-site`; locations are compared level by level (innermost first).
/// Intentional divergences, not compared:
/// - the `RIP:` of a trap: ksym shows the `__bug_table` line first (the chain, compared
///   here, is the same);
/// - `(discriminator N)` that binutils addr2line appends is dropped;
/// - module frames: the script passes no `--section` to addr2line, and in this LTO
///   module every function has its own `.text.<name>` section at address 0, so it prints
///   `??:?` (or another function's line); ksym resolves them section-relative;
/// - `RIP: 0033:0x444640` (user mode) and the `Code:` lines (the script runs decodecode)
///   are not kernel frames.
#[test]
fn differential_against_decode_stacktrace() {
    common::require_tool("addr2line", "binutils");
    common::require_tool("nm", "binutils");
    common::require_tool("readelf", "binutils");
    let script = decode_stacktrace();
    let k = kernel("x86_64-thin");
    let log = root().join("testdata/decode/x86_64-thin-warning.log");
    let out = Command::new("bash")
        .arg(&script)
        .arg(&k.vmlinux)
        .arg("auto")
        .arg(&k.modules)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            // The script's `read` keeps a `\r`, which breaks its `[module]` parsing.
            let lf: Vec<u8> = fs::read(&log)
                .unwrap()
                .into_iter()
                .filter(|&b| b != b'\r')
                .collect();
            c.stdin.take().unwrap().write_all(&lf)?;
            c.wait_with_output()
        })
        .expect("cannot run bash");
    let text = String::from_utf8_lossy(&out.stdout);
    // `name (file:line file:line ...) module` per frame line.
    let mut script_locs: HashMap<String, Vec<String>> = HashMap::new();
    for l in text.lines() {
        let (Some(a), Some(b)) = (l.find(" ("), l.rfind(')')) else {
            continue;
        };
        let name = l[..a]
            .rsplit(' ')
            .next()
            .unwrap()
            .trim_start_matches("0010:");
        let locs = l[a + 2..b]
            .split(' ')
            .filter(|w| w.contains(':') && !w.starts_with("(discriminator"))
            .map(str::to_string)
            .filter(|w| !w.ends_with(')'))
            .collect();
        script_locs.insert(name.to_string(), locs);
    }
    assert!(script_locs.len() >= 6, "script output:\n{text}");
    let (_, out) = decode(&k, &["--json", "--no-call-site"], &log);
    let v: Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).lines().next().unwrap()).unwrap();
    let mut compared = 0;
    for f in frames(&v["data"]) {
        let Some(name) = f["symbol"].as_str() else {
            continue;
        };
        if f["module"].is_string() {
            continue;
        }
        let ours: Vec<String> = f["inlines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| format!("{}:{}", l["file"].as_str().unwrap(), l["line"]))
            .collect();
        let theirs = script_locs
            .get(name)
            .unwrap_or_else(|| panic!("script did not decode {name}:\n{text}"));
        assert_eq!(&ours, theirs, "{name}");
        compared += 1;
    }
    assert!(compared >= 5, "compared {compared} frames");
}

fn run_stdin(args: &[&str], input: &[u8]) -> Output {
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

#[test]
fn bad_input() {
    let k = kernel("x86_64-thin");
    let v = k.vmlinux.display().to_string();
    // Garbage: passed through unchanged, no frames, exit 1.
    let mut garbage = Vec::new();
    let mut x: u32 = 12345;
    for _ in 0..200_000 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        garbage.push((x >> 16) as u8);
    }
    let out = run_stdin(&["decode", "--vmlinux", &v, "-"], &garbage);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout, garbage, "garbage must come out unchanged");
    // A 1 MB line in the middle of a real oops.
    let log = fs::read(root().join("testdata/decode/x86_64-thin-bug.log")).unwrap();
    let mut big = log[..200].to_vec();
    big.extend(std::iter::repeat_n(b'x', 1 << 20));
    big.extend_from_slice(b" vfs_write+0xd0/0x250\r\n");
    big.extend_from_slice(&log[200..]);
    let out = run_stdin(
        &[
            "decode",
            "--vmlinux",
            &v,
            "--modules",
            &k.modules.display().to_string(),
        ],
        &big,
    );
    assert!(out.status.code().is_some(), "killed");
    assert!(out.stdout.len() >= big.len());
    assert!(String::from_utf8_lossy(&out.stdout).contains("drivers/misc/lkdtm/bugs.c:78"));
    // A truncated oops: cut in the middle of the call trace.
    let cut = &log[..log.len() * 2 / 3];
    let out = run_stdin(
        &[
            "decode",
            "--vmlinux",
            &v,
            "--modules",
            &k.modules.display().to_string(),
        ],
        cut,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("fs/read_write.c:582"));
    // Missing vmlinux: one clear error, exit 2.
    let out = run_stdin(&["decode", "--vmlinux", "/nonexistent/vmlinux", "-"], &log);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("/nonexistent/vmlinux") && err.lines().count() == 1,
        "{err}"
    );
    // A vmlinux that is not ELF: named, exit 2.
    let junk = common::TempDir::new("decode-junk");
    let not_elf = junk.path().join("vmlinux");
    fs::write(&not_elf, b"not an image").unwrap();
    let out = run_stdin(
        &["decode", "--vmlinux", &not_elf.display().to_string(), "-"],
        &log,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("{}: not an ELF file", not_elf.display())),
        "{err}"
    );
    // Missing module: said once, kernel frames still decoded, exit 1.
    let empty = common::TempDir::new("decode-nomod");
    let ko_less = empty.path().join("vmlinux");
    std::os::unix::fs::symlink(&k.vmlinux, &ko_less).unwrap();
    let log = shared().join("kernels/x86_64-thin/console.log");
    let out = Command::new(env!("CARGO_BIN_EXE_ksym"))
        .args(["decode", "--vmlinux"])
        .arg(&ko_less)
        .arg(&log)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("module lkdtm").count(), 1, "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("fs/read_write.c:582"));
    // Not a file at all.
    let out = ksym()
        .args(["decode", "--vmlinux", &v, "/nonexistent.log"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent.log"));
}

/// Constructed from the x86 panic (frames added to its trace): two static `get_pid`s of
/// sizes 0x30 and 0x40 told apart by the printed size, and `__show_trace_log_lvl`
/// printed without its `.llvm.<hash>` suffix (addresses from the kernel's System.map).
#[test]
fn names_lto_suffix_and_duplicates() {
    let k = kernel("x86_64-thin");
    let log = root().join("testdata/decode/x86_64-thin-names.log");
    let o = json(&k, &log);
    let f = frames(&o[0]);
    let got: Vec<(&str, &str, bool)> = f[..3]
        .iter()
        .map(|f| {
            (
                f["elf_symbol"].as_str().unwrap(),
                f["object_address"].as_str().unwrap(),
                f["lto_match"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("get_pid", "0xffffffff8117eb20", false),
            ("get_pid", "0xffffffff8117eaf0", false),
            (
                "__show_trace_log_lvl.llvm.15760377845404541886",
                "0xffffffff81017ba0",
                true
            ),
        ]
    );
}

/// Modules found compressed (`lkdtm.ko.xz` in the shared folder) and checked against
/// the build id the log prints.
#[test]
fn modules_compressed_and_build_id() {
    let k = kernel("x86_64-thin");
    let v = k.vmlinux.display().to_string();
    let shared_dir = shared().join("kernels/x86_64-thin").display().to_string();
    let log = fs::read(root().join("testdata/decode/x86_64-thin-bug.log")).unwrap();
    let out = run_stdin(
        &["decode", "--vmlinux", &v, "--modules", &shared_dir, "-"],
        &log,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("drivers/misc/lkdtm/core.c:329"));
    // A wrong build id: the module is not used, and stderr says why, once.
    let wrong = String::from_utf8_lossy(&log).replace(
        "ccda84458db78fa2ca9e5c682f12f71c9c01dc3e",
        "00000000000000000000000000000000000000ff",
    );
    let m = k.modules.display().to_string();
    let out = run_stdin(
        &["decode", "--vmlinux", &v, "--modules", &m, "-"],
        wrong.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err.matches("build id 00000000000000000000000000000000000000ff not matched")
            .count(),
        1,
        "{err}"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("drivers/misc/lkdtm/core.c:329"));
}

/// `__bug_table` of both kernels and both modules: every entry's address holds the trap
/// instruction (x86 `ud2` = `0f 0b`, arm64 `brk #imm`), and lkdtm's entries name the
/// `BUG()`/`WARN()` lines of drivers/misc/lkdtm/bugs.c the kernel printed.
#[test]
fn bug_tables_point_at_traps() {
    use object::{Object, ObjectSection};
    for arch in ["x86_64-thin", "arm64-thin"] {
        let k = kernel(arch);
        for (path, min) in [(k.vmlinux.clone(), 1000), (k.modules.join("lkdtm.ko"), 10)] {
            let symz = ksym::dwarf::Symbolizer::open(&path).expect("open");
            let table = symz.bug_table().expect("bug table");
            assert!(
                table.len() >= min,
                "{}: {} entries",
                path.display(),
                table.len()
            );
            let data = fs::read(&path).unwrap();
            let file = object::File::parse(&*data).unwrap();
            for e in table.entries() {
                let (sec, off) = symz.section_offset(e.addr).expect("entry in a section");
                let bytes = file
                    .section_by_index(object::SectionIndex(sec.index))
                    .unwrap()
                    .data()
                    .unwrap();
                let at = off as usize;
                let ok = if arch == "x86_64-thin" {
                    bytes.get(at..at + 2) == Some(&[0x0f, 0x0b][..])
                } else {
                    bytes
                        .get(at..at + 4)
                        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                        .is_some_and(|i| i & 0xffe0_001f == 0xd420_0000)
                };
                assert!(ok, "{}: entry {e:?} is not at a trap", path.display());
            }
            if path.ends_with("lkdtm.ko") {
                let lines: Vec<String> = table
                    .entries()
                    .iter()
                    .filter(|e| e.file.as_deref() == Some("drivers/misc/lkdtm/bugs.c"))
                    .map(|e| {
                        format!(
                            "{}{}",
                            e.line.unwrap(),
                            if e.is_warning() { "w" } else { "" }
                        )
                    })
                    .collect();
                for want in ["78", "85w", "90w"] {
                    assert!(lines.iter().any(|l| l == want), "{arch}: {lines:?}");
                }
            }
        }
    }
}

/// All 747 syzkaller reports as one log, decoded against the (wrong) x86 kernel, text and
/// JSON: no crash, every report found, output a superset of the input lines.
#[test]
fn syzkaller_corpus_against_a_foreign_kernel() {
    let k = kernel("x86_64-thin");
    let v = k.vmlinux.display().to_string();
    let dir = shared().join("corpus/syzkaller");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("corpus")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    assert!(
        files.len() >= 700,
        "{}: {} files",
        dir.display(),
        files.len()
    );
    let mut all = Vec::new();
    for f in &files {
        all.extend(fs::read(f).unwrap());
        all.push(b'\n');
    }
    let out = run_stdin(&["decode", "--vmlinux", &v, "-"], &all);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.len() >= all.len());
    let out = run_stdin(&["decode", "--json", "--vmlinux", &v, "-"], &all);
    assert!(matches!(out.status.code(), Some(0 | 1)));
    let n = String::from_utf8_lossy(&out.stdout).lines().count();
    assert!(n >= files.len(), "{n} reports from {} files", files.len());
}
