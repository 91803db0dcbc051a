//! Every syzkaller crash report in `../shared/corpus/syzkaller` parses, and the parser
//! finds a frame on every line that a simple, independent line-shape scan calls a frame.

use std::path::{Path, PathBuf};

use ksym::oops::{OopsKind, Parser};

fn corpus() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/syzkaller");
    assert!(
        p.is_dir(),
        "{}: missing; this test needs the shared data (/work/shared, ../shared from the project root)",
        p.display()
    );
    p
}

/// Split a report into its header (`TITLE: ...` lines) and the console text after the
/// first blank line.
fn split_report(data: &[u8]) -> (Vec<(String, String)>, &[u8]) {
    let mut headers = Vec::new();
    let mut pos = 0;
    while pos < data.len() {
        let end = data[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(data.len(), |p| pos + p);
        let line = String::from_utf8_lossy(&data[pos..end])
            .trim_end()
            .to_string();
        pos = (end + 1).min(data.len());
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.to_string(), v.trim().to_string()));
        }
    }
    (headers, &data[pos..])
}

fn is_hex(b: &[u8]) -> bool {
    !b.is_empty() && b.iter().all(u8::is_ascii_hexdigit)
}

/// The independent scan: after `[...]` groups and spaces, an optional `? `, then a word
/// `name+0xHEX/0xHEX`; or `[<HEX>]` anywhere on the line.
fn looks_like_frame(line: &[u8]) -> bool {
    if line.windows(2).enumerate().any(|(i, w)| {
        w == b"[<"
            && line[i + 2..]
                .iter()
                .position(|&b| b == b'>')
                .is_some_and(|n| {
                    is_hex(&line[i + 2..i + 2 + n]) && line.get(i + 3 + n) == Some(&b']')
                })
    }) {
        return true;
    }
    let mut s = line;
    loop {
        while let [b' ' | b'\t', rest @ ..] = s {
            s = rest;
        }
        if s.first() == Some(&b'[') {
            match s.iter().position(|&b| b == b']') {
                Some(p) => s = &s[p + 1..],
                None => return false,
            }
        } else {
            break;
        }
    }
    if let Some(rest) = s.strip_prefix(b"? ") {
        s = rest;
    }
    let word = s.split(|b| b.is_ascii_whitespace()).next().unwrap_or(&[]);
    let Some(plus) = word.iter().position(|&b| b == b'+') else {
        return false;
    };
    let after = &word[plus + 1..];
    let Some(slash) = after.iter().position(|&b| b == b'/') else {
        return false;
    };
    plus > 0
        && after[..slash].strip_prefix(b"0x").is_some_and(is_hex)
        && after[slash + 1..].strip_prefix(b"0x").is_some_and(is_hex)
}

#[test]
fn every_report_parses_and_every_frame_line_is_found() {
    crate::common::needs_full_env!();
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("read corpus")
        .map(|e| e.expect("corpus entry").path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 747, "the corpus holds 747 reports");
    let mut missed = Vec::new();
    let mut kind_mismatch = Vec::new();
    let mut no_oops = Vec::new();
    let (mut candidates, mut reports_with_oops) = (0usize, 0usize);
    for path in &files {
        let data = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let (headers, text) = split_report(&data);
        let mut parser = Parser::new();
        let mut oopses = Vec::new();
        for (n, raw) in text.split_inclusive(|&b| b == b'\n').enumerate() {
            let line = parser.push_line(raw);
            while let Some(o) = parser.take_finished() {
                oopses.push(o);
            }
            if looks_like_frame(raw) {
                candidates += 1;
                if line.frames.is_empty() {
                    missed.push(format!(
                        "{}:{}: {}",
                        path.display(),
                        n + 1,
                        String::from_utf8_lossy(raw).trim_end()
                    ));
                }
            }
        }
        oopses.extend(parser.finish());
        if !oopses.is_empty() {
            reports_with_oops += 1;
        }
        let title = headers
            .iter()
            .find(|(k, v)| k == "TITLE" && !v.is_empty())
            .map(|(_, v)| v.as_str());
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if title.is_some()
            && oopses.is_empty()
            && !NOT_KERNEL_REPORTS.iter().any(|(n, _)| *n == name)
        {
            no_oops.push(format!("{}: TITLE {:?}", path.display(), title));
        }
        if let (Some(title), Some(first)) = (title, oopses.first()) {
            // 1000: its first `INFO: t` line is cut short by an interleaved line; the
            // whole `INFO: task ... blocked` line follows.
            if let Some(want) = expected_kind(title).filter(|_| name != "1000") {
                if first.kind != want {
                    kind_mismatch.push(format!(
                        "{}: TITLE {title:?}: want {want:?}, got {:?}",
                        path.display(),
                        first.kind
                    ));
                }
            }
        }
    }
    eprintln!("{candidates} frame lines, {reports_with_oops} reports with oopses");
    assert!(
        candidates > 30_000,
        "the line-shape scan found only {candidates} frame lines"
    );
    assert!(
        no_oops.is_empty(),
        "{} titled reports without an oops:\n{}",
        no_oops.len(),
        no_oops.join("\n")
    );
    assert!(
        missed.is_empty(),
        "{} frame lines missed:\n{}",
        missed.len(),
        missed.join("\n")
    );
    assert!(
        kind_mismatch.is_empty(),
        "{} kind mismatches:\n{}",
        kind_mismatch.len(),
        kind_mismatch.join("\n")
    );
}

/// Titled reports in which no kernel report opener is expected, with the reason.
const NOT_KERNEL_REPORTS: &[(&str, &str)] = &[
    ("1001", "the `INFO: task` line is garbled to binary bytes"),
    ("126", "`BUG: memory leak` comes from a user-space log line with a date prefix and the kmemleak body is truncated"),
    ("129", "a bare `INFO:` with nothing after it"),
    ("127", "an unexpected reboot: no kernel report at all"),
    ("317", "an unexpected reboot: no kernel report at all"),
    ("233", "`unregister_netdevice: waiting for lo` is a plain message, not a report"),
    ("381", "a driver's `usb 5-1: WARNING: ...` message, not a kernel WARNING"),
    ("601", "syzkaller's own executor failure"),
    ("660", "syzkaller's own executor failure"),
    ("716", "syzkaller's own executor failure"),
    ("717", "syzkaller's own executor failure"),
    ("6", "a bare `WARNING: foo` test line"),
    ("683", "`VFS: Close: file count is zero` is a plain message"),
    ("684", "`VFS: Busy inodes after unmount` is a plain message"),
    ("705", "a Go runtime error of the fuzzer"),
    ("707", "a Go runtime error of the fuzzer"),
];

/// What syzkaller's title says the report is, where it maps onto one kind.
fn expected_kind(title: &str) -> Option<OopsKind> {
    let t = title;
    Some(if t.starts_with("KASAN: ") {
        OopsKind::Kasan
    } else if t.starts_with("KCSAN: ") {
        OopsKind::Kcsan
    } else if t.starts_with("KMSAN: ") {
        OopsKind::Kmsan
    } else if t.starts_with("KFENCE: ") {
        OopsKind::Kfence
    } else if t.starts_with("possible deadlock in ") {
        OopsKind::Lockdep
    } else if t.starts_with("UBSAN: ") {
        OopsKind::Ubsan
    } else if t.starts_with("memory leak in ") {
        OopsKind::MemoryLeak
    } else if t.starts_with("INFO: task hung") {
        OopsKind::HungTask
    } else if t.starts_with("INFO: rcu detected stall") {
        OopsKind::RcuStall
    } else if t.starts_with("BUG: soft lockup") {
        OopsKind::SoftLockup
    } else if t.starts_with("kernel BUG in ") || t.starts_with("kernel BUG at ") {
        OopsKind::Bug
    } else if t.starts_with("general protection fault in ") {
        OopsKind::GeneralProtection
    } else if t.starts_with("WARNING in ") {
        OopsKind::Warning
    } else {
        return None;
    })
}
