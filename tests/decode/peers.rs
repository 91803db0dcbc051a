//! The decoder against its peers: Linux 6.1's decode_stacktrace.sh, and the trap
//! instructions the `__bug_table` entries must point at.

use std::collections::HashMap;
use std::fs;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use super::support::*;
use crate::common::{self, root};
use serde_json::Value;

/// decode_stacktrace.sh of Linux 6.1 (Debian's linux-source-6.1), extracted once.
fn decode_stacktrace() -> PathBuf {
    common::linux_source("scripts/decode_stacktrace.sh")
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
    crate::common::needs_full_env!();
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
        let locs = drop_discriminators(&l[a + 2..b])
            .split(' ')
            .filter(|w| w.contains(':'))
            .map(str::to_string)
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

/// Normalization: binutils addr2line appends ` (discriminator N)` to a location; ksym
/// reports the discriminator as a separate JSON field.
fn drop_discriminators(locs: &str) -> String {
    let mut out = String::new();
    let mut rest = locs;
    while let Some(i) = rest.find(" (discriminator ") {
        out += &rest[..i];
        rest = rest[i..].find(')').map_or("", |j| &rest[i + j + 1..]);
    }
    out + rest
}

/// `__bug_table` of both kernels and both modules: every entry's address holds the trap
/// instruction (x86 `ud2` = `0f 0b`, arm64 `brk #imm`), and lkdtm's entries name the
/// `BUG()`/`WARN()` lines of drivers/misc/lkdtm/bugs.c the kernel printed.
#[test]
fn bug_tables_point_at_traps() {
    crate::common::needs_full_env!();
    use object::{Object, ObjectSection};
    for arch in ["x86_64-thin", "arm64-thin"] {
        let k = kernel(arch);
        for (path, min) in [(k.vmlinux.clone(), 1000), (k.modules.join("lkdtm.ko"), 10)] {
            let symz = common::symbolizer(&path).expect("open");
            let table = ksym::oops::decode::bugtable::read(&symz).expect("bug table");
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
