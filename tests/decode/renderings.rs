//! Every rendering of a kernel log users paste, made from the shared consoles: the
//! journal's `-o short*` and `cat` formats with and without `--no-hostname`, `dmesg`
//! plain, `-t`, `-T`, `-x`, `-r`, syslog's kern.log, extended netconsole records, printk
//! caller ids, and LF instead of the serial console's CRLF. Each decodes, frame for frame,
//! as the console itself does (`--json` output identical).

use std::fs;

use serde_json::Value;

use super::support::*;
use crate::common::{shared, TempDir};

/// A console line split into its timestamp (`0.801850`) and message.
fn split_console(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix('[')?;
    let close = rest.find(']')?;
    let ts = rest[..close].trim_start();
    let ok = ts.contains('.') && ts.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    let msg = rest[close + 1..]
        .strip_prefix(' ')
        .unwrap_or(&rest[close + 1..]);
    ok.then_some((ts, msg))
}

/// A wall-clock time for a boot-relative timestamp: (`15:20:21`, microseconds).
fn clock(ts: &str) -> (String, String, u64) {
    let (s, us) = ts.split_once('.').unwrap_or((ts, "0"));
    let secs: u64 = s.parse().unwrap_or(0);
    let t = 15 * 3600 + 20 * 60 + secs;
    let hms = format!("{:02}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60);
    (
        hms,
        format!("{us:0<6}"),
        secs * 1_000_000 + us.parse::<u64>().unwrap_or(0),
    )
}

/// The renderings: name and how a kernel line `(timestamp, message)` is written.
type Render = fn(&str, &str, usize) -> String;

fn renderings() -> Vec<(&'static str, Render)> {
    vec![
        ("journal-short", |ts, m, _| {
            format!("Dec 03 {} vm kernel: {m}", clock(ts).0)
        }),
        ("journal-short-nohost", |ts, m, _| {
            format!("Dec 03 {} kernel: {m}", clock(ts).0)
        }),
        ("journal-short-iso", |ts, m, _| {
            format!("2026-12-03T{}+0000 vm kernel: {m}", clock(ts).0)
        }),
        ("journal-short-iso-nohost", |ts, m, _| {
            format!("2026-12-03T{}+0000 kernel: {m}", clock(ts).0)
        }),
        ("journal-short-precise", |ts, m, _| {
            let (c, us, _) = clock(ts);
            format!("Dec 03 {c}.{us} vm kernel: {m}")
        }),
        ("journal-short-precise-nohost", |ts, m, _| {
            let (c, us, _) = clock(ts);
            format!("Dec 03 {c}.{us} kernel: {m}")
        }),
        ("journal-short-monotonic", |ts, m, _| {
            format!("[{ts:>12}] vm kernel: {m}")
        }),
        ("journal-short-monotonic-nohost", |ts, m, _| {
            format!("[{ts:>12}] kernel: {m}")
        }),
        ("journal-short-unix", |ts, m, _| {
            let (_, us, _) = clock(ts);
            let (s, _) = ts.split_once('.').unwrap_or((ts, ""));
            format!(
                "{}.{us} vm kernel: {m}",
                1_796_310_000 + s.parse::<u64>().unwrap_or(0)
            )
        }),
        ("journal-short-unix-nohost", |ts, m, _| {
            let (_, us, _) = clock(ts);
            let (s, _) = ts.split_once('.').unwrap_or((ts, ""));
            format!(
                "{}.{us} kernel: {m}",
                1_796_310_000 + s.parse::<u64>().unwrap_or(0)
            )
        }),
        ("journal-short-full", |ts, m, _| {
            format!("Thu 2026-12-03 {} UTC vm kernel: {m}", clock(ts).0)
        }),
        ("journal-short-full-nohost", |ts, m, _| {
            format!("Thu 2026-12-03 {} UTC kernel: {m}", clock(ts).0)
        }),
        ("journal-cat", |_, m, _| m.to_string()),
        ("dmesg-t", |_, m, _| m.to_string()),
        ("dmesg-T", |ts, m, _| {
            format!("[Thu Dec  3 {} 2026] {m}", clock(ts).0)
        }),
        ("dmesg-x", |ts, m, _| {
            format!("kern  :warn  : [{ts:>12}] {m}")
        }),
        ("dmesg-x-T", |ts, m, _| {
            format!("kern  :err   : [Thu Dec  3 {} 2026] {m}", clock(ts).0)
        }),
        ("dmesg-r", |ts, m, _| format!("<4>[{ts:>12}] {m}")),
        ("kern.log", |ts, m, _| {
            format!("Dec  3 {} vm kernel: [{ts:>12}] {m}", clock(ts).0)
        }),
        ("netconsole-extended", |ts, m, n| {
            format!("4,{n},{},-;{m}", clock(ts).2)
        }),
        ("printk-caller", |ts, m, _| {
            format!("[{ts:>12}][    T1] {m}")
        }),
        ("dmesg-r-caller", |ts, m, _| {
            format!("<4>[{ts:>12}][    T1] {m}")
        }),
    ]
}

/// The console rewritten as `render` writes kernel lines; other lines (firmware, user
/// space on the console) kept as they are. `crlf` keeps the serial console's line ends.
fn rewrite(console: &str, render: Render, crlf: bool) -> String {
    let mut out = String::new();
    for (n, line) in console.split_inclusive('\n').enumerate() {
        let body = line.trim_end_matches(['\r', '\n']);
        match split_console(body) {
            Some((ts, msg)) => out += &render(ts, msg, n),
            None => out += body,
        }
        out += if crlf { "\r\n" } else { "\n" };
    }
    out
}

/// Line numbers of a report moved back by `by` lines.
fn shift_lines(o: &mut Value, by: u64) {
    let shift = |v: &mut Value| {
        if let Some(n) = v.as_u64() {
            *v = Value::from(n - by);
        }
    };
    shift(&mut o["first_line"]);
    shift(&mut o["last_line"]);
    for key in ["frames", "registers", "code"] {
        if let Some(items) = o[key].as_array_mut() {
            for item in items {
                shift(&mut item["line"]);
            }
        }
    }
    // A compared `code` check names its line: `line N at SYM+OFF: ...`.
    for c in o["identity"]["checks"].as_array_mut().into_iter().flatten() {
        let Some(d) = c["detail"].as_str() else {
            continue;
        };
        let shifted = d
            .strip_prefix("line ")
            .and_then(|r| r.split_once(' '))
            .and_then(|(n, rest)| {
                Some(format!(
                    "line {} {rest}",
                    n.parse::<u64>().ok()?.checked_sub(by)?
                ))
            });
        if let Some(s) = shifted {
            c["detail"] = Value::from(s);
        }
    }
}

/// The KASLR offset and the run-time addresses made from it, for frames that printed none.
fn forget_carried_kaslr(o: &mut Value) {
    o["kaslr_offset"] = Value::Null;
    for f in o["frames"].as_array_mut().into_iter().flatten() {
        if f["printed_address"].is_null() {
            f["address"] = Value::Null;
        }
    }
}

/// Reports equal, or a message naming the first field that differs.
fn assert_same(a: &Value, b: &Value, what: &str) {
    if a == b {
        return;
    }
    let (Some(ma), Some(mb)) = (a.as_object(), b.as_object()) else {
        panic!("{what}: {a} != {b}");
    };
    for (k, vb) in mb {
        let va = &ma[k];
        if va == vb {
            continue;
        }
        if let (Some(fa), Some(fb)) = (va.as_array(), vb.as_array()) {
            for (x, y) in fa.iter().zip(fb) {
                assert_eq!(x, y, "{what}: report {}: {k} differ", b["title"]);
            }
        }
        panic!(
            "{what}: report {}: {k} is {va}, the console gives {vb}",
            b["title"]
        );
    }
    panic!("{what}: report {}: {a} != {b}", b["title"]);
}

fn check_renderings(kernel_name: &str) {
    let k = kernel(kernel_name);
    let console = shared()
        .join("kernels")
        .join(kernel_name)
        .join("console.log");
    let text = String::from_utf8_lossy(&fs::read(&console).expect("console.log")).into_owned();
    let reference = json(&k, &console);
    let frames_total: usize = reference.iter().map(|o| frames(o).len()).sum();
    assert!(
        frames_total > 50,
        "{kernel_name}: only {frames_total} frames in the console"
    );
    let lines = text.split_inclusive('\n').count() as u64;
    let mut all = renderings();
    all.push(("serial-lf", |ts, m, _| format!("[{ts:>12}] {m}")));
    // One log of every rendering in turn: one run of the decoder for all of them.
    let mut log_text = String::new();
    for (name, render) in &all {
        log_text += &rewrite(&text, *render, *name != "serial-lf");
    }
    let dir = TempDir::new("renderings");
    let log = dir.path().join(format!("{kernel_name}-renderings.log"));
    fs::write(&log, log_text).unwrap();
    let got = json(&k, &log);
    assert_eq!(
        got.len(),
        reference.len() * all.len(),
        "{kernel_name}: {} reports in {} renderings of a console holding {}",
        got.len(),
        all.len(),
        reference.len()
    );
    for (i, ((name, _), chunk)) in all.iter().zip(got.chunks(reference.len())).enumerate() {
        for (a, b) in chunk.iter().zip(&reference) {
            let mut a = a.clone();
            let mut b = b.clone();
            shift_lines(&mut a, i as u64 * lines);
            a["index"] = b["index"].clone();
            if i > 0 {
                // The offset of a report without `Kernel Offset:` is the last one seen
                // earlier in the log: the previous rendering's.
                forget_carried_kaslr(&mut a);
                forget_carried_kaslr(&mut b);
            }
            assert_same(&a, &b, &format!("{kernel_name} as {name}"));
        }
    }
}

#[test]
fn x86_64_console_in_every_rendering() {
    crate::common::needs_full_env!();
    check_renderings("x86_64-thin");
}

#[test]
fn arm64_console_in_every_rendering() {
    crate::common::needs_full_env!();
    check_renderings("arm64-thin");
}

#[test]
fn x86_64_6_12_console_in_every_rendering() {
    crate::common::needs_full_env!();
    check_renderings("x86_64-thin-6.12");
}
