//! `--json` carries every frame the text annotates: call traces outside a recognized
//! report (a pasted snippet, sysrq task dumps, NMI backtraces) become `backtrace`
//! records, decoded as the same frames are inside a report.

use std::fs;

use serde_json::Value;

use super::support::*;
use crate::common::{root, TempDir};

#[test]
fn frames_outside_reports_are_backtrace_records() {
    crate::common::needs_full_env!();
    let k = kernel("x86_64-thin");
    let bug = root().join("testdata/decode/x86_64-thin-bug.log");
    let text = fs::read_to_string(&bug).unwrap();
    let reference = json(&k, &bug);
    // The call trace of the BUG, from `Call Trace:` to `</TASK>`.
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.ends_with("Call Trace:"))
        .unwrap();
    let end = lines.iter().position(|l| l.ends_with("</TASK>")).unwrap();
    let trace = &lines[start..=end];
    // Pasted alone, twice as a sysrq-t task dump (a task line between), and in an NMI
    // backtrace.
    let mut log = String::new();
    log += &trace.join("\n");
    log += "\n\n\n\n";
    for pid in [1, 2] {
        log += &format!("[    9.000000] task:init            state:S stack:0     pid:{pid}     ppid:0      flags:0x00000000\n");
        log += &trace.join("\n");
        log += "\n";
    }
    log += "\n\n\n[    9.100000] NMI backtrace for cpu 0\n";
    log += &trace.join("\n");
    log += "\n";
    let tmp = TempDir::new("backtraces");
    let path = tmp.path().join("snippets.log");
    fs::write(&path, &log).unwrap();
    let records = json_records(&k, &path);
    let types: Vec<&str> = records.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(types, ["backtrace"; 4], "{log}");
    let oops_frames: Vec<&Value> = frames(&reference[0])
        .iter()
        .filter(|f| f["register"].is_null() && f["user"] == false)
        .collect();
    for (_, b) in &records {
        // The user-mode `RIP: 0033:` of the trace is kept, flagged, never decoded.
        let got: Vec<&Value> = frames(b).iter().filter(|f| f["user"] == false).collect();
        assert_eq!(got.len(), oops_frames.len(), "{b}");
        assert_eq!(frames(b).iter().filter(|f| f["user"] == true).count(), 1);
        for (g, o) in got.iter().zip(&oops_frames) {
            assert_eq!(g["decoded"], true, "{g}");
            for key in ["elf_symbol", "inlines", "object_address", "lookup_address"] {
                assert_eq!(g[key], o[key], "{key} of {g}");
            }
        }
        assert!(b["first_line"].as_u64() <= b["last_line"].as_u64());
    }
    // Text annotates exactly the frames JSON holds.
    let (_, out) = decode(&k, &[], &path);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let annotated = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains("+0x") && (l.contains(".c:") || l.contains(".S:")))
        .count();
    assert_eq!(annotated, 4 * oops_frames.len());
}
