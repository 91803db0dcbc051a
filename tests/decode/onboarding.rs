//! What a new user meets first: `--version` naming the commit, shell completions and the
//! manual pages.

use std::process::Command;

use crate::common::{ksym, require_tool, root};

fn stdout(args: &[&str]) -> String {
    let out = ksym().args(args).output().expect("cannot run ksym");
    assert!(
        out.status.success(),
        "ksym {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn version_names_the_commit() {
    crate::common::needs_full_env!();
    require_tool("git", "git");
    let head = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(root())
        .output()
        .expect("cannot run git");
    let head = String::from_utf8_lossy(&head.stdout).trim().to_string();
    let v = stdout(&["--version"]);
    assert!(
        v.starts_with(&format!(
            "ksym {} (commit {head}",
            env!("CARGO_PKG_VERSION")
        )),
        "{v}"
    );
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let s = stdout(&["completions", shell]);
        for word in ["decode", "faddr2line", "kaslr-offset", "completions"] {
            assert!(s.contains(word), "{shell}: no {word}");
        }
    }
    require_tool("bash", "bash");
    let script = stdout(&["completions", "bash"]);
    let out = Command::new("bash")
        .args(["-n", "-c", &script])
        .output()
        .expect("cannot run bash");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = ksym().args(["completions", "powershell"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn manual_pages() {
    let page = stdout(&["man"]);
    assert!(page.contains(".TH ksym 1"), "{page}");
    assert!(page.contains("ksym\\-decode(1)"), "{page}");
    let page = stdout(&["man", "decode"]);
    assert!(page.contains(".TH ksym-decode 1"), "{page}");
    for opt in [
        "\\-\\-force",
        "\\-\\-kaslr\\-offset",
        "\\-\\-kallsyms",
        "BASE_PATH",
    ] {
        assert!(page.contains(opt), "no {opt} in the decode page");
    }
    let out = ksym().args(["man", "nope"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no subcommand nope"));
}

/// Waiting for a log typed on a terminal says so; a pipe gets no such line (the exact
/// stderr of piped runs is checked in `args`). `script` gives ksym a terminal and passes
/// on the end of its own (empty) input as Ctrl-D.
#[test]
fn a_terminal_is_told_where_the_log_is_read_from() {
    crate::common::needs_full_env!();
    require_tool("script", "bsdutils");
    require_tool("timeout", "coreutils");
    let out = Command::new("timeout")
        .args(["120", "script", "-qec"])
        .arg(format!("{} decode", env!("CARGO_BIN_EXE_ksym")))
        .arg("/dev/null")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("cannot run script");
    let all = String::from_utf8_lossy(&out.stdout);
    assert!(
        all.contains("ksym: reading the log from standard input; end with Ctrl-D"),
        "{all}"
    );
}
