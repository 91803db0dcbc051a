//! `ksym kallsyms` and `ksym kallsyms-dump` on real and synthetic symbol maps.
//!
//! - Differential: with the 6.1 layout, stdout, stderr and exit status equal those of
//!   Linux 6.1's `scripts/kallsyms` (Debian's `linux-source-6.1`, compiled here as a host
//!   program) for the flags the kernels use, on the shared kernels' `System.map`, the
//!   production maps and the synthetic maps of `testdata/kallsyms`. No divergence is
//!   allowed; the one known one (none on stdout on a failure) does not exist any more.
//! - Round trip: generate, assemble (`cpp` + `as` / `aarch64-linux-gnu-as`), dump: the
//!   dump equals the symbols the generator kept, for every layout and map.
//! - The dump of the shared `vmlinux` files equals their boot-time `/proc/kallsyms`.
//! - Golden files for the newer layouts (`testdata/kallsyms/edge.map.<layout>.S`;
//!   `KSYM_BLESS=1` rewrites them), and bad input: clear errors, no panic.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use common::{require_tool, root, shared, TempDir};
use symtab::kallsyms::{self, Layout};

/// The temp dir, the compiled C tool and the decompressed maps, made once per run.
struct Env {
    dir: TempDir,
    c_tool: PathBuf,
}

fn env() -> &'static Env {
    static ENV: OnceLock<Env> = OnceLock::new();
    ENV.get_or_init(|| {
        require_tool("gcc", "gcc");
        let source = common::linux_source("scripts/kallsyms.c");
        let dir = TempDir::new("kallsyms");
        let c_tool = dir.path().join("kallsyms-c");
        let st = Command::new("gcc")
            .args(["-O2", "-o"])
            .arg(&c_tool)
            .arg(&source)
            .status()
            .expect("cannot run gcc");
        assert!(st.success(), "cannot compile scripts/kallsyms.c");
        let inc = dir.path().join("inc/asm");
        std::fs::create_dir_all(&inc).unwrap();
        std::fs::write(inc.join("bitsperlong.h"), "#define BITS_PER_LONG 64\n").unwrap();
        Env { dir, c_tool }
    })
}

/// A real map: its path (decompressed once) and the architecture it is for.
fn real_map(name: &str) -> (PathBuf, Arch) {
    let e = env();
    match name {
        "x86_64-thin" | "arm64-thin" => {
            let p = shared().join("kernels").join(name).join("System.map");
            let arch = if name.starts_with("x86") {
                Arch::X86
            } else {
                Arch::Arm64
            };
            (p, arch)
        }
        "amd64" | "arm64" => {
            let p = unxz(
                &format!("maps/debian-6.1.0-56-{name}.System.map.xz"),
                e.dir.path(),
            );
            (
                p,
                if name == "amd64" {
                    Arch::X86
                } else {
                    Arch::Arm64
                },
            )
        }
        _ => panic!("unknown map {name}"),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Arch {
    X86,
    Arm64,
}

/// `common::unxz`, one decompression at a time (tests run in parallel and share files).
fn unxz(rel: &str, dir: &Path) -> PathBuf {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    common::unxz(rel, dir)
}

fn synthetic(name: &str) -> PathBuf {
    root().join("testdata/kallsyms").join(name)
}

fn run_c(flags: &[&str], map: &Path) -> Output {
    Command::new(&env().c_tool)
        .args(flags)
        .arg(map)
        .output()
        .expect("cannot run the C kallsyms")
}

fn run_ksym(args: &[&str], file: &Path) -> Output {
    common::ksym()
        .args(args)
        .arg(file)
        .output()
        .expect("cannot run ksym")
}

/// Assert ksym and the C tool agree on stdout, stderr and exit status.
fn differential(flags: &[&str], map: &Path) -> Output {
    differential_with(&env().c_tool, &[], flags, map)
}

/// [`differential`] for the C tool `c_tool`, with `layout` (`--layout=...`) given to ksym.
fn differential_with(c_tool: &Path, layout: &[&str], flags: &[&str], map: &Path) -> Output {
    let c = Command::new(c_tool)
        .args(flags)
        .arg(map)
        .output()
        .expect("cannot run the C kallsyms");
    let mut args = vec!["kallsyms"];
    args.extend_from_slice(layout);
    args.extend_from_slice(flags);
    let k = run_ksym(&args, map);
    let what = format!("kallsyms {} {}", args[1..].join(" "), map.display());
    assert_eq!(
        k.status.code(),
        c.status.code(),
        "{what}: exit status (ksym stderr: {})",
        String::from_utf8_lossy(&k.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&k.stderr),
        String::from_utf8_lossy(&c.stderr),
        "{what}: stderr"
    );
    if k.stdout != c.stdout {
        let first = k
            .stdout
            .iter()
            .zip(&c.stdout)
            .position(|(a, b)| a != b)
            .unwrap_or(k.stdout.len().min(c.stdout.len()));
        let line = c.stdout[..first].iter().filter(|&&b| b == b'\n').count() + 1;
        panic!(
            "{what}: stdout differs from scripts/kallsyms at byte {first}, line {line} \
             (ksym {} bytes, C {} bytes)",
            k.stdout.len(),
            c.stdout.len()
        );
    }
    c
}

const SYNTHETIC: [&str; 4] = ["edge.map", "empty.map", "malformed.map", "overflow.map"];

#[test]
fn same_as_c_on_synthetic_maps_every_flag_combination() {
    crate::common::needs_full_env!();
    const FLAGS: [&str; 4] = [
        "--all-symbols",
        "--absolute-percpu",
        "--base-relative",
        "--lto-clang",
    ];
    for map in SYNTHETIC {
        for bits in 0..16 {
            let flags: Vec<&str> = (0..4)
                .filter(|i| bits & (1 << i) != 0)
                .map(|i| FLAGS[i])
                .collect();
            differential(&flags, &synthetic(map));
        }
    }
}

#[test]
fn same_as_c_on_mutated_maps() {
    crate::common::needs_full_env!();
    // Deterministic mutations (xorshift) of the synthetic maps: replaced, inserted and
    // deleted bytes from the map alphabet, under varying flags. Malformed input must be
    // read exactly as the C tool's fscanf reads it.
    const ALPHABET: &[u8] = b"0123456789abcdefxX \t\n-+_.tTAaDdwWU$";
    let sources: Vec<Vec<u8>> = ["edge.map", "malformed.map"]
        .iter()
        .map(|m| std::fs::read(synthetic(m)).unwrap())
        .collect();
    let dir = TempDir::new("kallsyms-mutate");
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n as u64) as usize
    };
    for round in 0..120 {
        let mut d = sources[round % 2].clone();
        for _ in 0..1 + next(15) {
            let i = next(d.len());
            let c = ALPHABET[next(ALPHABET.len())];
            match next(3) {
                0 => d[i] = c,
                1 => d.insert(i, c),
                _ => {
                    d.remove(i);
                }
            }
        }
        let map = dir.path().join(format!("m{round}.map"));
        std::fs::write(&map, &d).unwrap();
        let flags: Vec<&str> = [
            "--all-symbols",
            "--absolute-percpu",
            "--base-relative",
            "--lto-clang",
        ]
        .into_iter()
        .filter(|_| next(2) == 0)
        .collect();
        differential(&flags, &map);
    }
}

#[test]
fn synthetic_maps_hit_their_edge_cases() {
    crate::common::needs_full_env!();
    // Guards that the synthetic maps still exercise what they are for.
    let c = run_c(
        &["--all-symbols", "--absolute-percpu", "--base-relative"],
        &synthetic("edge.map"),
    );
    assert!(c.status.success());
    let s = String::from_utf8_lossy(&c.stdout);
    assert!(s.contains("\t.byte 0x"), "names table present");
    assert!(
        s.lines()
            .any(|l| l.starts_with("\t.byte 0x") && l.as_bytes()[9] >= b'8'),
        "a name longer than 127 bytes (two-byte length)"
    );
    assert!(String::from_utf8_lossy(&c.stderr).contains("too long for kallsyms"));
    let c = run_c(&[], &synthetic("empty.map"));
    assert_eq!(c.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&c.stderr), "No valid symbol.\n");
    let c = run_c(&["--base-relative"], &synthetic("overflow.map"));
    assert_eq!(c.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&c.stderr).contains("out of range in relative mode"));
    let c = run_c(&[], &synthetic("malformed.map"));
    assert!(String::from_utf8_lossy(&c.stderr).contains("Read error or end of file."));
    // Percpu symbols become absolute with --absolute-percpu; zero-based ones overflow
    // plain base-relative offsets.
    let c = run_c(
        &["--all-symbols", "--base-relative"],
        &synthetic("edge.map"),
    );
    assert_eq!(c.status.code(), Some(1));
    let kept = select(
        &synthetic("edge.map"),
        Layout::V6_1,
        &["--all-symbols", "--absolute-percpu"],
    );
    assert!(kept
        .iter()
        .any(|e| e.name == b"runqueues" && e.kind == b'A'));
}

#[test]
fn same_as_c_usage_and_missing_file() {
    crate::common::needs_full_env!();
    let c = Command::new(&env().c_tool).output().unwrap();
    let k = common::run(&["kallsyms"]);
    assert_eq!(k.status.code(), c.status.code());
    assert_eq!(k.stderr, c.stderr);
    let missing = env().dir.path().join("no-such.map");
    differential(&[], &missing);
}

#[test]
fn same_as_c_on_shared_kernels() {
    crate::common::needs_full_env!();
    for k in ["x86_64-thin", "arm64-thin"] {
        let (map, _) = real_map(k);
        // Both kernels: CONFIG_KALLSYMS_ALL, KALLSYMS_BASE_RELATIVE, LTO_CLANG, no
        // absolute percpu (x86_64-thin is not SMP).
        differential(&["--all-symbols", "--base-relative", "--lto-clang"], &map);
        differential(&["--lto-clang"], &map);
    }
}

#[test]
fn same_as_c_on_production_maps() {
    crate::common::needs_full_env!();
    let (amd64, _) = real_map("amd64");
    // x86_64 SMP: KALLSYMS_ALL, ABSOLUTE_PERCPU, BASE_RELATIVE (GCC, no LTO).
    differential(
        &["--all-symbols", "--absolute-percpu", "--base-relative"],
        &amd64,
    );
    let (arm64, _) = real_map("arm64");
    differential(&["--all-symbols", "--base-relative"], &arm64);
    // arm64 percpu symbols are not zero-based: absolute percpu overflows, in both tools.
    let c = differential(
        &["--all-symbols", "--absolute-percpu", "--base-relative"],
        &arm64,
    );
    assert_eq!(c.status.code(), Some(1));
}

/// The flags a kernel of `layout` would pass for a map (`all`: CONFIG_KALLSYMS_ALL).
fn layout_flags(layout: Layout, all: bool, percpu: bool) -> Vec<&'static str> {
    let mut v = vec![];
    if all {
        v.push("--all-symbols");
    }
    if percpu && layout.has_absolute_percpu() {
        v.push("--absolute-percpu");
    }
    match layout {
        Layout::V6_1 | Layout::V6_4 => v.extend(["--base-relative", "--lto-clang"]),
        Layout::V7_0 => v.push("--pc-relative"),
        _ => {}
    }
    v
}

fn select(map: &Path, layout: Layout, flags: &[&str]) -> Vec<kallsyms::Entry> {
    let data = std::fs::read(map).unwrap();
    let has = |f: &str| flags.contains(&f);
    let opts = kallsyms::Options {
        all_symbols: has("--all-symbols"),
        absolute_percpu: has("--absolute-percpu"),
        base_relative: has("--base-relative"),
        lto_clang: has("--lto-clang"),
        pc_relative: has("--pc-relative"),
        layout,
        clean: None,
    };
    match kallsyms::select(&data, &opts) {
        Ok(v) => v,
        Err(e) => panic!("select {}: {e:?}", map.display()),
    }
}

fn text_address(map: &Path) -> u64 {
    let s = std::fs::read_to_string(map).unwrap();
    s.lines()
        .find_map(|l| {
            let mut f = l.split_whitespace();
            let a = f.next()?;
            f.next()?;
            (f.next()? == "_text").then(|| u64::from_str_radix(a, 16).ok())?
        })
        .unwrap_or(0)
}

/// Assemble generated source for `arch` into an object file.
fn assemble(s: &Path, arch: Arch) -> PathBuf {
    require_tool("cpp", "cpp");
    let (asm, pkg) = match arch {
        Arch::X86 => ("as", "binutils"),
        Arch::Arm64 => ("aarch64-linux-gnu-as", "binutils-aarch64-linux-gnu"),
    };
    require_tool(asm, pkg);
    let pre = s.with_extension("s");
    let o = s.with_extension("o");
    let st = Command::new("cpp")
        .arg("-P")
        .arg("-I")
        .arg(env().dir.path().join("inc"))
        .arg(s)
        .arg("-o")
        .arg(&pre)
        .status()
        .unwrap();
    assert!(st.success(), "cpp {}", s.display());
    let out = Command::new(asm)
        .arg("-o")
        .arg(&o)
        .arg(&pre)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{asm} {}: {}",
        pre.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    o
}

fn dump_lines(entries: &[kallsyms::Entry]) -> Vec<String> {
    entries
        .iter()
        .map(|e| {
            format!(
                "{:016x} {} {}",
                e.addr,
                e.kind as char,
                String::from_utf8_lossy(&e.name)
            )
        })
        .collect()
}

/// Generate with `flags`, assemble, dump; compare with what the generator kept.
fn round_trip(map: &Path, arch: Arch, layout: Layout, flags: &[&str], tag: &str) {
    let dir = TempDir::new(&format!("kallsyms-rt-{tag}"));
    let s = dir.path().join(format!("{tag}.S"));
    let mut args = vec!["kallsyms"];
    let l = format!("--layout={layout}");
    args.push(&l);
    args.extend_from_slice(flags);
    let g = run_ksym(&args, map);
    assert!(
        g.status.success(),
        "{tag}: ksym {args:?}: {}",
        String::from_utf8_lossy(&g.stderr)
    );
    std::fs::write(&s, &g.stdout).unwrap();
    let o = assemble(&s, arch);
    let text = format!("--text-base={:x}", text_address(map));
    let d = run_ksym(&["kallsyms-dump", "--json", &text], &o);
    assert!(
        d.status.success(),
        "{tag}: dump: {}",
        String::from_utf8_lossy(&d.stderr)
    );
    let records: Vec<serde_json::Value> = String::from_utf8_lossy(&d.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    // kallsyms_seqs_of_names follows the layout's rule: names cut at .llvm. with
    // --lto-clang before 6.11 (where the map has such names), full names otherwise.
    let llvm = flags.contains(&"--lto-clang")
        && layout.has_lto_clang()
        && std::fs::read_to_string(map).unwrap().contains(".llvm.");
    assert_eq!(records[0]["type"], "table");
    assert_eq!(
        records[0]["data"]["name_order"],
        if llvm { "llvm" } else { "full" },
        "{tag}: kallsyms_seqs_of_names order"
    );
    let got: Vec<String> = records[1..]
        .iter()
        .map(|r| {
            let d = &r["data"];
            let addr = d["addr"].as_str().unwrap().trim_start_matches("0x");
            let addr = u64::from_str_radix(addr, 16).unwrap();
            format!(
                "{addr:016x} {} {}",
                d["nm_type"].as_str().unwrap(),
                d["name"].as_str().unwrap()
            )
        })
        .collect();
    let want = dump_lines(&select(map, layout, flags));
    assert_eq!(got.len(), want.len(), "{tag}: symbol count");
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(g, w, "{tag}: symbol {i}");
    }
    if arch == Arch::X86 {
        // Link the object (so the values are resolved in place) and strip it: the
        // structural reader must find the same table without any symbol.
        let linked = linked_and_stripped(&o, text_address(map));
        let d = run_ksym(&["kallsyms-dump"], &linked);
        assert!(
            d.status.success(),
            "{tag}: dump of the stripped link: {}",
            String::from_utf8_lossy(&d.stderr)
        );
        let got2: Vec<String> = String::from_utf8_lossy(&d.stdout)
            .lines()
            .map(str::to_string)
            .collect();
        assert!(got2 == got, "{tag}: the stripped link dumps differently");
    }
}

/// `ld` the generated object with `_text` defined, then `strip` it.
fn linked_and_stripped(o: &Path, text: u64) -> PathBuf {
    require_tool("ld", "binutils");
    require_tool("strip", "binutils");
    let out = o.with_extension("linked");
    // .rodata within 2 GiB of _text, as in a kernel, for the 7.0 entry-relative offsets.
    let rodata = text.wrapping_add(0x100_0000);
    let st = Command::new("ld")
        .arg("-e0")
        .arg(format!("--defsym=_text={text:#x}"))
        .arg(format!("--section-start=.rodata={rodata:#x}"))
        .arg("-o")
        .arg(&out)
        .arg(o)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "ld {}: {}",
        o.display(),
        String::from_utf8_lossy(&st.stderr)
    );
    let st = Command::new("strip").arg(&out).status().unwrap();
    assert!(st.success(), "strip {}", out.display());
    out
}

#[test]
fn round_trip_every_layout_synthetic() {
    crate::common::needs_full_env!();
    for layout in Layout::ALL {
        // The edge map's percpu symbols sit at 0: without absolute percpu (6.15+) only
        // the text-range selection fits 32-bit offsets.
        let all = layout.has_absolute_percpu() || layout.is_pc_relative();
        let flags = layout_flags(layout, all, true);
        round_trip(
            &synthetic("edge.map"),
            Arch::X86,
            layout,
            &flags,
            &format!("edge-{layout}"),
        );
    }
    // The malformed map, read as the 6.1 tool reads it (text symbols: with
    // --all-symbols its saturated address overflows every relative layout). From 6.4
    // the tool stops at its first malformed line (layout_6_11_same_as_6_12_*).
    let flags = layout_flags(Layout::V6_1, false, false);
    round_trip(
        &synthetic("malformed.map"),
        Arch::X86,
        Layout::V6_1,
        &flags,
        "malformed-6.1",
    );
    // Absolute addresses (no --base-relative), with and without absolute percpu.
    let edge = synthetic("edge.map");
    round_trip(&edge, Arch::X86, Layout::V6_1, &[], "edge-abs");
    let flags = ["--all-symbols", "--absolute-percpu"];
    round_trip(&edge, Arch::X86, Layout::V6_4, &flags, "edge-abs-percpu");
}

#[test]
fn round_trip_every_layout_shared_kernels() {
    crate::common::needs_full_env!();
    for k in ["x86_64-thin", "arm64-thin"] {
        let (map, arch) = real_map(k);
        for layout in Layout::ALL {
            let flags = layout_flags(layout, true, false);
            round_trip(&map, arch, layout, &flags, &format!("{k}-{layout}"));
        }
    }
}

#[test]
fn round_trip_every_layout_production_maps() {
    crate::common::needs_full_env!();
    for name in ["amd64", "arm64"] {
        let (map, arch) = real_map(name);
        for layout in Layout::ALL {
            // amd64's percpu symbols are zero-based: they need --absolute-percpu, gone
            // in 6.15; there, as a 6.15 kernel's would not be, only text symbols fit.
            let percpu = name == "amd64";
            let all = !(percpu && layout == Layout::V6_15);
            let flags = layout_flags(layout, all, percpu);
            round_trip(&map, arch, layout, &flags, &format!("{name}-{layout}"));
        }
    }
}

#[test]
fn dump_of_shared_vmlinux_equals_proc_kallsyms() {
    crate::common::needs_full_env!();
    let e = env();
    // 6.1 (Debian's, with the 6.2 backport): Clang LTO names cut at .llvm. in the name
    // index; 6.12: the 6.11 layout, full names.
    for (k, layout, order) in [
        ("x86_64-thin", "6.1", "llvm"),
        ("arm64-thin", "6.1", "llvm"),
        ("x86_64-thin-6.12", "6.11", "full"),
        ("arm64-thin-6.12", "6.11", "full"),
    ] {
        let vmlinux = unxz(&format!("kernels/{k}/vmlinux.xz"), e.dir.path());
        let d = run_ksym(&["kallsyms-dump"], &vmlinux);
        assert!(
            d.status.success(),
            "{k}: {}",
            String::from_utf8_lossy(&d.stderr)
        );
        let proc_text =
            std::fs::read_to_string(shared().join("kernels").join(k).join("kallsyms.txt")).unwrap();
        // Module symbols (`\t[lkdtm]`) are not in vmlinux's table.
        let want: Vec<&str> = proc_text.lines().filter(|l| !l.contains("\t[")).collect();
        let dump = String::from_utf8_lossy(&d.stdout);
        let got: Vec<&str> = dump.lines().collect();
        // The capture booted with nokaslr; still, apply the offset `_text` shows.
        let text_of = |lines: &[&str]| {
            lines
                .iter()
                .find(|l| l.ends_with(" T _text"))
                .and_then(|l| u64::from_str_radix(&l[..16], 16).ok())
                .expect("_text")
        };
        let offset = text_of(&want).wrapping_sub(text_of(&got));
        assert_eq!(got.len(), want.len(), "{k}: symbol count");
        for (g, w) in got.iter().zip(&want) {
            let addr = u64::from_str_radix(&g[..16], 16)
                .unwrap()
                .wrapping_add(offset);
            assert_eq!(format!("{addr:016x}{}", &g[16..]), *w, "{k}");
        }
        let j = run_ksym(&["kallsyms-dump", "--json"], &vmlinux);
        let first = String::from_utf8_lossy(&j.stdout);
        let rec: serde_json::Value = serde_json::from_str(first.lines().next().unwrap()).unwrap();
        assert_eq!(rec["type"], "table");
        assert_eq!(rec["data"]["layout"], layout, "{k}");
        assert_eq!(rec["data"]["count"], want.len());
        assert_eq!(rec["data"]["name_order"], order, "{k}");
    }
}

#[test]
fn dump_of_stripped_vmlinux_and_raw_image() {
    crate::common::needs_full_env!();
    let e = env();
    let dir = TempDir::new("kallsyms-strip");
    for (k, strip, package) in [
        ("x86_64-thin", "strip", "binutils"),
        (
            "arm64-thin",
            "aarch64-linux-gnu-strip",
            "binutils-aarch64-linux-gnu",
        ),
    ] {
        require_tool(strip, package);
        let vmlinux = unxz(&format!("kernels/{k}/vmlinux.xz"), e.dir.path());
        let full = run_ksym(&["kallsyms-dump"], &vmlinux);
        assert!(full.status.success());
        let stripped = dir.path().join(format!("{k}.stripped"));
        let st = Command::new(strip)
            .arg("-o")
            .arg(&stripped)
            .arg(&vmlinux)
            .status()
            .unwrap();
        assert!(st.success(), "{strip} {}", vmlinux.display());
        let d = run_ksym(&["kallsyms-dump"], &stripped);
        assert!(
            d.status.success(),
            "{k}: {}",
            String::from_utf8_lossy(&d.stderr)
        );
        assert!(
            d.stdout == full.stdout,
            "{k}: stripped vmlinux dumps differently"
        );
    }
    // The arm64 boot Image: raw bytes, no ELF at all.
    let image = unxz("kernels/arm64-thin/Image.xz", e.dir.path());
    let vmlinux = unxz("kernels/arm64-thin/vmlinux.xz", e.dir.path());
    let d = run_ksym(&["kallsyms-dump"], &image);
    assert!(
        d.status.success(),
        "Image: {}",
        String::from_utf8_lossy(&d.stderr)
    );
    assert!(
        d.stdout == run_ksym(&["kallsyms-dump"], &vmlinux).stdout,
        "arm64 Image dumps differently from its vmlinux"
    );
}

#[test]
fn golden_files_for_newer_layouts() {
    crate::common::needs_full_env!();
    let map = synthetic("edge.map");
    for layout in Layout::ALL {
        let all = layout.has_absolute_percpu() || layout.is_pc_relative();
        let flags = layout_flags(layout, all, true);
        let l = format!("--layout={layout}");
        let mut args = vec!["kallsyms", l.as_str()];
        args.extend_from_slice(&flags);
        let out = run_ksym(&args, &map);
        assert!(out.status.success());
        let golden = synthetic(&format!("edge.map.{layout}.S"));
        let context = format!("--- command\nksym {args:?} {}", map.display());
        if let Err(e) = crate::common::golden(&golden, &out.stdout, &context) {
            panic!("{e}");
        }
    }
    // The 6.1 golden is also the C tool's output.
    let c = run_c(&layout_flags(Layout::V6_1, true, true), &map);
    assert_eq!(
        c.stdout,
        std::fs::read(synthetic("edge.map.6.1.S")).unwrap(),
        "edge.map.6.1.S is not scripts/kallsyms' output"
    );
}

#[test]
fn layouts_reject_flags_they_do_not_have() {
    for (layout, flag) in [
        ("6.11", "--lto-clang"),
        ("6.15", "--absolute-percpu"),
        ("6.4", "--pc-relative"),
        ("7.0", "--base-relative"),
    ] {
        let l = format!("--layout={layout}");
        let out = run_ksym(&["kallsyms", &l, flag], &synthetic("edge.map"));
        assert_eq!(out.status.code(), Some(1), "{layout} {flag}");
        assert!(String::from_utf8_lossy(&out.stderr).contains(flag));
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn clean_reports_collisions_and_keeps_full_names_under_lto() {
    crate::common::needs_full_env!();
    let map = synthetic("edge.map");
    let out = run_ksym(&["kallsyms", "--all-symbols", "--clean=lto"], &map);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("local_fn.llvm.999") && err.contains("local_fn.llvm.111"),
        "collision of local_fn reported: {err}"
    );
    // Decode the table through the library's round trip: full names kept for the
    // colliding symbols, and no two distinct input names share one table name.
    let dir = TempDir::new("kallsyms-clean");
    for policy in ["lto", "llvm"] {
        let p = format!("--clean={policy}");
        let out = run_ksym(&["kallsyms", "--all-symbols", &p], &map);
        let s = dir.path().join(format!("clean-{policy}.S"));
        std::fs::write(&s, &out.stdout).unwrap();
        let o = assemble(&s, Arch::X86);
        let d = run_ksym(&["kallsyms-dump"], &o);
        let names: Vec<String> = String::from_utf8_lossy(&d.stdout)
            .lines()
            .map(|l| l.splitn(3, ' ').nth(2).unwrap_or("").to_string())
            .collect();
        if policy == "lto" {
            assert!(names.iter().any(|n| n == "local_fn.llvm.999"));
            assert!(names.iter().any(|n| n == "local_fn"));
            // A unique .llvm. name is cleaned.
            assert!(names
                .iter()
                .any(|n| n.starts_with("__long_") && !n.contains(".llvm.")));
        } else {
            assert!(!names.iter().any(|n| n.contains(".llvm.")));
            assert!(String::from_utf8_lossy(&out.stderr).contains("local_fn"));
        }
    }
}

#[test]
fn bad_tables_give_clear_errors() {
    crate::common::needs_full_env!();
    let dir = TempDir::new("kallsyms-bad");
    // Not ELF, and ELF without a table.
    let junk = dir.path().join("junk");
    std::fs::write(&junk, b"this is not an ELF file").unwrap();
    let out = run_ksym(&["kallsyms-dump"], &junk);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("ksym: "));
    let out = run_ksym(&["kallsyms-dump"], Path::new(env!("CARGO_BIN_EXE_ksym")));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no kallsyms_* symbols"));
    let out = run_ksym(&["kallsyms-dump"], &dir.path().join("missing"));
    assert_eq!(out.status.code(), Some(2));

    // A good object, then corrupted copies of it.
    let g = run_ksym(&["kallsyms", "--all-symbols"], &synthetic("edge.map"));
    let s = dir.path().join("edge.S");
    std::fs::write(&s, &g.stdout).unwrap();
    let o = assemble(&s, Arch::X86);
    let good = std::fs::read(&o).unwrap();
    let text = String::from_utf8_lossy(&g.stdout).into_owned();
    let num = text
        .lines()
        .skip_while(|l| *l != "kallsyms_num_syms:")
        .nth(1)
        .unwrap()
        .to_string();
    let corrupt = |name: &str, from: &str, to: &str| {
        let s2 = dir.path().join(format!("{name}.S"));
        assert!(text.contains(from), "{from}");
        std::fs::write(&s2, text.replacen(from, to, 1)).unwrap();
        let o2 = assemble(&s2, Arch::X86);
        let out = run_ksym(&["kallsyms-dump"], &o2);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!err.contains("panicked"), "{name}: {err}");
        assert_eq!(err.lines().count(), 1, "{name}: one line: {err}");
        err
    };
    let e = corrupt("count", &num, "\t.long\t0x7fffffff");
    assert!(e.contains("kallsyms_num_syms"), "{e}");
    let e = corrupt(
        "marker",
        "kallsyms_markers:\n\t.long\t0",
        "kallsyms_markers:\n\t.long\t5",
    );
    assert!(e.contains("kallsyms_markers"), "{e}");
    let e = corrupt(
        "token",
        "kallsyms_token_index:\n\t.short\t0",
        "kallsyms_token_index:\n\t.short\t30000",
    );
    assert!(e.contains("kallsyms_token_index"), "{e}");
    let e = corrupt(
        "seqs",
        "kallsyms_seqs_of_names:\n\t.byte 0x00, 0x00, ",
        "kallsyms_seqs_of_names:\n\t.byte 0x00, 0xff, ",
    );
    assert!(e.contains("kallsyms_seqs_of_names"), "{e}");
    // Every truncation of the object fails cleanly or decodes; none panics.
    for cut in (0..good.len()).step_by(97) {
        let t = dir.path().join("trunc.o");
        std::fs::write(&t, &good[..cut]).unwrap();
        let out = run_ksym(&["kallsyms-dump"], &t);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "cut {cut}: {err}");
    }
}

/// `--inputs`: the link inputs are the evidence that a numeric suffix is LTO-made. On the
/// full-LTO fixture (testdata/link/evid.full: two static `do_work` and `counter` renamed
/// `.1`/`.2` by the link, and a source-level `table.7`), the renamed symbols are
/// recognised, yet keep their full names because their twins are in the table too; with
/// the twin gone (inlined away), the rename is cleaned. `table.7` is never touched.
#[test]
fn clean_with_link_inputs_as_evidence() {
    crate::common::needs_full_env!();
    let link = common::root().join("testdata/link");
    let dir = TempDir::new("kallsyms-inputs");
    let nm = Command::new("nm")
        .arg("-n")
        .arg(link.join("evid.full"))
        .output()
        .unwrap();
    assert!(nm.status.success(), "nm -n evid.full");
    let full_map = String::from_utf8(nm.stdout).unwrap();
    assert!(full_map.contains(" t do_work.1\n") && full_map.contains(" D table.7\n"));
    let inputs: Vec<String> = ["evid_a.full.o", "evid_b.full.o", "evid_start.full.o"]
        .iter()
        .map(|f| link.join(f).to_string_lossy().into_owned())
        .collect();
    let table = |map_text: &str, with_inputs: bool, tag: &str| -> (Vec<String>, String) {
        let map = dir.path().join(format!("{tag}.map"));
        std::fs::write(&map, map_text).unwrap();
        let mut args = vec!["kallsyms", "--all-symbols", "--clean=lto"];
        if with_inputs {
            args.push("--inputs");
            args.extend(inputs.iter().map(String::as_str));
            args.push("--");
        }
        let out = run_ksym(&args, &map);
        assert!(
            out.status.success(),
            "{tag}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let s = dir.path().join(format!("{tag}.S"));
        std::fs::write(&s, &out.stdout).unwrap();
        let o = assemble(&s, Arch::X86);
        let d = run_ksym(&["kallsyms-dump"], &o);
        assert!(
            d.status.success(),
            "{tag}: dump: {}",
            String::from_utf8_lossy(&d.stderr)
        );
        let names = String::from_utf8_lossy(&d.stdout)
            .lines()
            .map(|l| l.splitn(3, ' ').nth(2).unwrap_or("").to_string())
            .collect();
        (names, String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let has = |names: &[String], n: &str| names.iter().any(|x| x == n);

    // No evidence: a numeric suffix may be the source's own, so nothing is cleaned.
    let (names, err) = table(&full_map, false, "plain");
    assert!(has(&names, "do_work.1") && has(&names, "counter.2") && has(&names, "table.7"));
    assert!(err.is_empty(), "{err}");

    // Evidence: the renames are LTO-made, but cleaning them would merge them with their
    // twins: reported, full names kept.
    let (names, err) = table(&full_map, true, "evidence");
    assert!(
        has(&names, "do_work.1") && has(&names, "do_work"),
        "{names:?}"
    );
    assert!(
        has(&names, "counter.2") && has(&names, "table.7"),
        "{names:?}"
    );
    assert!(
        err.contains("clean to do_work: do_work, do_work.1 (full names kept)"),
        "{err}"
    );
    assert!(!err.contains("table"), "{err}");

    // The twin `do_work` gone: `do_work.1` is cleaned to `do_work`.
    let alone: String = full_map
        .lines()
        .filter(|l| !l.ends_with(" t do_work"))
        .map(|l| format!("{l}\n"))
        .collect();
    let (names, _) = table(&alone, true, "alone");
    assert!(
        has(&names, "do_work") && !has(&names, "do_work.1"),
        "{names:?}"
    );
    assert!(has(&names, "table.7"), "{names:?}");
}

// Linux 6.12: its `scripts/kallsyms.c` (from `linux-source-6.12`, compiled here) against
// `ksym kallsyms --layout=6.11`, on the inputs the 6.12 link gives it: `mksysmap` output.

/// 6.12's `scripts/kallsyms`, compiled once per run.
fn c_tool_612() -> &'static Path {
    static TOOL: OnceLock<PathBuf> = OnceLock::new();
    TOOL.get_or_init(|| {
        let source = common::linux_source_612("scripts/kallsyms.c");
        let include = common::linux_source_612("scripts/include/xalloc.h");
        let tool = env().dir.path().join("kallsyms-c-6.12");
        let st = Command::new("gcc")
            .args(["-O2", "-I"])
            .arg(include.parent().expect("scripts/include"))
            .arg("-o")
            .arg(&tool)
            .arg(&source)
            .status()
            .expect("cannot run gcc");
        assert!(st.success(), "cannot compile 6.12's scripts/kallsyms.c");
        tool
    })
}

fn differential_612(flags: &[&str], map: &Path) -> Output {
    differential_with(c_tool_612(), &["--layout=6.11"], flags, map)
}

/// `map` passed through 6.12's `scripts/mksysmap` (the filter `link-vmlinux.sh` applies
/// to `nm -n` before running kallsyms), written beside it as `NAME.612`.
fn mksysmap_612(map: &Path) -> PathBuf {
    let out = env().dir.path().join(format!(
        "{}.612",
        map.file_name().and_then(|n| n.to_str()).unwrap_or("map")
    ));
    let f = std::fs::File::create(&out).unwrap();
    let st = Command::new("sed")
        .arg("-f")
        .arg(common::linux_source_612("scripts/mksysmap"))
        .arg(map)
        .stdout(f)
        .status()
        .expect("cannot run sed");
    assert!(st.success(), "sed -f mksysmap {} failed", map.display());
    out
}

/// `kallsyms_num_syms` of generated source.
fn num_syms(s: &[u8]) -> u64 {
    let s = String::from_utf8_lossy(s);
    let mut lines = s.lines().skip_while(|l| *l != "kallsyms_num_syms:");
    let n = lines.nth(1).expect("kallsyms_num_syms value");
    n.trim().trim_start_matches(".long").trim().parse().unwrap()
}

#[test]
fn layout_6_11_reproduces_the_6_12_builds_kallsyms_steps() {
    crate::common::needs_full_env!();
    for kernel in ["x86_64-thin-6.12", "arm64-thin-6.12"] {
        let steps = format!("kernels/{kernel}/kallsyms-steps");
        let dir = TempDir::new("kallsyms-steps");
        for (syms, s) in [
            ("tmp_vmlinux.kallsyms0.syms", "tmp_vmlinux0.kallsyms.S"),
            ("tmp_vmlinux1.syms", "tmp_vmlinux1.kallsyms.S"),
            ("tmp_vmlinux2.syms", "tmp_vmlinux2.kallsyms.S"),
        ] {
            let syms = unxz(&format!("{steps}/{syms}.xz"), dir.path());
            let expected = std::fs::read(unxz(&format!("{steps}/{s}.xz"), dir.path())).unwrap();
            // Both configurations have KALLSYMS_ALL; neither is x86_64 SMP.
            let c = differential_612(&["--all-symbols"], &syms);
            assert!(
                c.stdout == expected,
                "{kernel}: 6.12's scripts/kallsyms no longer reproduces {s}"
            );
        }
    }
}

#[test]
fn layout_6_11_same_as_6_12_on_production_maps_through_mksysmap() {
    crate::common::needs_full_env!();
    // Each map with its kernel's flags (x86_64 SMP: absolute percpu; arm64: not) and with
    // none (text symbols only).
    for (name, flags) in [
        ("amd64", &[][..]),
        ("amd64", &["--all-symbols", "--absolute-percpu"]),
        ("arm64", &[]),
        ("arm64", &["--all-symbols"]),
    ] {
        let (map, _) = real_map(name);
        let map = mksysmap_612(&map);
        let c = differential_612(flags, &map);
        assert_eq!(c.status.code(), Some(0), "{name} {flags:?}");
        if name == "amd64" && flags.is_empty() {
            // 49,554 text symbols plus the 69 __start_*/__stop_* outside the text
            // ranges that 6.4 and later keep.
            assert_eq!(num_syms(&c.stdout), 49_623);
        }
        if name == "arm64" && !flags.is_empty() {
            // The 8 kallsyms_* table symbols the map has, which 6.1 dropped.
            let s = String::from_utf8_lossy(&c.stdout);
            let names = &s[..s.find("kallsyms_markers:").unwrap_or(s.len())];
            let tables = names
                .lines()
                .filter(|l| l.contains("\t/* Dkallsyms_") && l.starts_with("\t.byte"))
                .count();
            assert_eq!(tables, 8, "kallsyms_* symbols kept");
        }
    }
}

#[test]
fn layout_6_11_same_as_6_12_on_synthetic_maps() {
    crate::common::needs_full_env!();
    for map in SYNTHETIC {
        for flags in [
            &[][..],
            &["--all-symbols"],
            &["--absolute-percpu"],
            &["--all-symbols", "--absolute-percpu"],
        ] {
            differential_612(flags, &synthetic(map));
        }
    }
    // What the 6.4 and later rules change, seen on the synthetic maps.
    let c = differential_612(&[], &synthetic("malformed.map"));
    assert_eq!(c.status.code(), Some(1));
    assert!(c.stdout.is_empty());
    assert!(String::from_utf8_lossy(&c.stderr).ends_with("line format error\n"));
    let c = differential_612(&[], &synthetic("empty.map"));
    assert_eq!(c.status.code(), Some(0), "an empty table is no error");
    assert_eq!(num_syms(&c.stdout), 0);
    let s =
        String::from_utf8_lossy(&differential_612(&[], &synthetic("edge.map")).stdout).into_owned();
    assert!(
        s.contains("\t/* T_stext */\n"),
        "kallsyms_names lines are commented"
    );
    let seqs = &s[s.find("kallsyms_seqs_of_names:").unwrap()..];
    assert!(seqs.lines().nth(1).unwrap().contains("\t/* "));
    // No map: 6.12's usage line.
    let c = Command::new(c_tool_612()).output().unwrap();
    let k = common::run(&["kallsyms", "--layout=6.11"]);
    assert_eq!((k.status.code(), k.stderr), (c.status.code(), c.stderr));
}

#[test]
fn layout_6_11_same_as_6_12_on_mutated_maps() {
    crate::common::needs_full_env!();
    // Deterministic line-level and byte-level mutations of edge.map: 6.12 reads lines
    // with getline and stops at the first malformed one.
    const ALPHABET: &[u8] = b"0123456789abcdefxX \t\n\r-+_.tTAaUuNnwW\0";
    let source = std::fs::read(synthetic("edge.map")).unwrap();
    let dir = TempDir::new("kallsyms-mutate-612");
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |n: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n as u64) as usize
    };
    for round in 0..60 {
        let mut d = source.clone();
        for _ in 0..1 + next(4) {
            let i = next(d.len());
            let c = ALPHABET[next(ALPHABET.len())];
            match next(3) {
                0 => d[i] = c,
                1 => d.insert(i, c),
                _ => {
                    d.remove(i);
                }
            }
        }
        // Keep the last line newline-terminated: without it, a line ending in "ADDR "
        // makes the C tool read stale bytes past the line (see symtab::kallsyms::lines).
        if d.last() != Some(&b'\n') {
            d.push(b'\n');
        }
        let map = dir.path().join(format!("m{round}.map"));
        std::fs::write(&map, &d).unwrap();
        let flags: Vec<&str> = ["--all-symbols", "--absolute-percpu"]
            .into_iter()
            .filter(|_| next(2) == 0)
            .collect();
        differential_612(&flags, &map);
    }
}
