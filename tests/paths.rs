//! One kernel-relative path rule in every subcommand that prints source files, on
//! `testdata/paths` (built by `scripts/build-fixtures.sh paths`): a vmlinux whose C units
//! have a relative compile directory (`debian/build/build_x86_64_none_x86_64`, as Debian's
//! arm64 kernel) and whose assembly unit has its own absolute one
//! (`/build/reproducible-path/linux-6.1.192`, as Debian's amd64 kernel); an in-tree module
//! with the relative compile directory; an out-of-tree module under `/home/dev/net/oot`,
//! whose paths stay as DWARF names them (a `net/` in them is not the kernel's).

use crate::common;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Output, Stdio};

fn fixture(name: &str) -> String {
    let p: PathBuf = common::root().join("testdata/paths").join(name);
    assert!(p.is_file(), "{} is missing", p.display());
    p.to_string_lossy().into_owned()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn ok(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}\nstdout: {}",
        text(&out.stderr),
        text(&out.stdout)
    );
    text(&out.stdout)
}

/// No build directory of the fixtures survives in `out`.
fn no_build_dirs(out: &str) {
    for dir in ["debian/build", "/build/reproducible-path", "linux-6.1.192"] {
        assert!(!out.contains(dir), "{dir} left in:\n{out}");
    }
}

#[test]
fn faddr2line_prints_kernel_relative_paths() {
    let out = ok(&common::run(&[
        "faddr2line",
        &fixture("vmlinux"),
        "alloc_fixture_pages+0x4",
        "copy_user_fixture+0x3",
        "start_kernel+0x4",
    ]));
    assert_eq!(
        out,
        "alloc_fixture_pages+0x4/0x38:\n\
         order_pages at mm/page_alloc.c:6\n\
         (inlined by) alloc_fixture_pages at mm/page_alloc.c:12\n\n\
         copy_user_fixture+0x3/0x8:\n\
         copy_user_fixture at arch/x86/lib/copy_user_64.S:7\n\n\
         start_kernel+0x4/0x20:\n\
         start_kernel at init/main.c:13\n"
    );
    let out = ok(&common::run(&[
        "faddr2line",
        &fixture("intree.ko"),
        "intree_probe+0x4",
    ]));
    assert_eq!(
        out,
        "intree_probe+0x4/0x18:\nintree_probe at drivers/misc/intree.c:9\n"
    );
    let out = ok(&common::run(&[
        "faddr2line",
        &fixture("oot.ko"),
        "oot_probe+0x4",
    ]));
    assert_eq!(
        out,
        "oot_probe+0x4/0x18:\noot_probe at /home/dev/net/oot/oot.c:8\n"
    );
}

#[test]
fn faddr2line_json_keeps_the_dwarf_path_beside_the_file() {
    let out = ok(&common::run(&[
        "faddr2line",
        "--json",
        &fixture("vmlinux"),
        "copy_user_fixture+0x3",
    ]));
    let v: serde_json::Value =
        serde_json::from_str(out.lines().next().unwrap_or("")).expect("JSON");
    let f = &v["data"]["frames"][0];
    assert_eq!(f["file"], "arch/x86/lib/copy_user_64.S");
    assert_eq!(
        f["path"],
        "/build/reproducible-path/linux-6.1.192/arch/x86/lib/copy_user_64.S"
    );
}

fn decode(args: &[&str], log: &str) -> Output {
    let mut child = common::ksym()
        .arg("decode")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot run ksym");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(log.as_bytes())
        .expect("write the log");
    child.wait_with_output().expect("ksym decode")
}

const LOG: &str = "\
[   10.000000] Call Trace:
[   10.000000]  <TASK>
[   10.000000]  alloc_fixture_pages+0x4/0x38
[   10.000000]  copy_user_fixture+0x3/0x8
[   10.000000]  start_kernel+0x4/0x20
[   10.000000]  intree_probe+0x4/0x18 [intree]
[   10.000000]  oot_probe+0x4/0x18 [oot]
[   10.000000]  </TASK>
";

#[test]
fn decode_prints_kernel_relative_paths() {
    let dir = common::root().join("testdata/paths");
    let dir = dir.to_string_lossy();
    let out = ok(&decode(&["--modules", &dir, &fixture("vmlinux")], LOG));
    for want in [
        " alloc_fixture_pages+0x4/0x38 mm/page_alloc.c:6\n",
        "   order_pages at mm/page_alloc.c:6:18 (inlined)\n",
        " copy_user_fixture+0x3/0x8 arch/x86/lib/copy_user_64.S:6\n",
        " start_kernel+0x4/0x20 init/main.c:13\n",
        " intree_probe+0x4/0x18 [intree] drivers/misc/intree.c:9\n",
        " oot_probe+0x4/0x18 [oot] /home/dev/net/oot/oot.c:8\n",
    ] {
        assert!(out.contains(want), "{want:?} not in:\n{out}");
    }
    no_build_dirs(&out);
    // decode_stacktrace.sh's BASE_PATH is stripped as given, before ksym's rule.
    let out = ok(&decode(
        &[&fixture("vmlinux"), "/build/reproducible-path/", &dir],
        LOG,
    ));
    assert!(
        out.contains(" copy_user_fixture+0x3/0x8 linux-6.1.192/arch/x86/lib/copy_user_64.S:6\n"),
        "{out}"
    );
    assert!(
        out.contains(" start_kernel+0x4/0x20 init/main.c:13\n"),
        "{out}"
    );
}

#[test]
fn inlined_prints_kernel_relative_paths() {
    let v = fixture("vmlinux");
    let out = ok(&common::run(&["inlined", &v, "order_pages"]));
    assert!(out.contains(" called at mm/page_alloc.c:12\n"), "{out}");
    let out = ok(&common::run(&[
        "inlined",
        "--lines",
        "mm/page_alloc.c:1-20",
        &v,
    ]));
    assert!(out.contains(" line mm/page_alloc.c:6\n"), "{out}");
    no_build_dirs(&out);
    let out = ok(&common::run(&[
        "inlined",
        "--lines",
        "arch/x86/lib/copy_user_64.S:1-20",
        &v,
    ]));
    assert!(
        out.contains(" line arch/x86/lib/copy_user_64.S:7\n"),
        "{out}"
    );
    no_build_dirs(&out);
}

#[test]
fn sympos_and_lp_map_print_kernel_relative_files() {
    let v = fixture("vmlinux");
    let out = ok(&common::run(&[
        "sympos",
        &v,
        "copy_user_fixture",
        "alloc_fixture_pages",
    ]));
    assert!(out.contains(" arch/x86/lib/copy_user_64.S\n"), "{out}");
    assert!(out.contains(" mm/page_alloc.c\n"), "{out}");
    let out = ok(&common::run(&[
        "sympos",
        &fixture("intree.ko"),
        "intree_probe",
    ]));
    assert!(out.ends_with(" drivers/misc/intree.c\n"), "{out}");
    let out = ok(&common::run(&["lp-map", "--all", "--json", &v, &v]));
    assert!(out.contains("\"arch/x86/lib/copy_user_64.S\""), "{out}");
    assert!(out.contains("\"mm/page_alloc.c\""), "{out}");
    no_build_dirs(&out);
}
