//! Helpers shared by the integration tests: the binary, temp dirs, the shared data.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `ksym` binary under test. Its unit-index cache goes to the build's temp dir, never
/// to `$HOME`; it asks no debuginfod server and sees no debuginfod cache (an empty
/// directory) unless a test sets `DEBUGINFOD_URLS` and `DEBUGINFOD_CACHE_PATH` itself.
pub fn ksym() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_ksym"));
    c.env("KSYM_CACHE_DIR", index_cache_dir());
    c.env_remove("DEBUGINFOD_URLS");
    c.env(
        "DEBUGINFOD_CACHE_PATH",
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("debuginfod-cache-unused"),
    );
    c
}

/// Where the tests' `ksym` runs keep their unit-index cache.
pub fn index_cache_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("ksym-cache")
}

/// `strip --strip-debug SRC -o DST` (binutils): an object without DWARF.
pub fn strip_debug(src: &Path, dst: &Path) {
    require_tool("strip", "binutils");
    let st = Command::new("strip")
        .arg("--strip-debug")
        .arg(src)
        .arg("-o")
        .arg(dst)
        .status()
        .expect("cannot run strip");
    assert!(st.success(), "strip --strip-debug {} failed", src.display());
}

/// Open a symbolizer in-process (no unit-index cache: every opening walks the units).
pub fn symbolizer(path: impl AsRef<Path>) -> Result<ksym::dwarf::Symbolizer, ksym::dwarf::Error> {
    ksym::dwarf::Symbolizer::open_with(path, &ksym::dwarf::IndexCache::Off)
}

/// Run `ksym ARGS` and return its output.
pub fn run(args: &[&str]) -> Output {
    ksym()
        .args(args)
        .output()
        .expect("cannot run the ksym binary")
}

/// A directory removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    /// A fresh directory under the system temp dir, named after `tag`.
    pub fn new(tag: &str) -> TempDir {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("ksym-test-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("cannot create a temp dir");
        TempDir(p)
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The project's root directory.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared`, the real kernels, maps and crash corpus. Panics with a clear message when
/// it is absent: tests that need it must fail, not skip.
pub fn shared() -> PathBuf {
    let p = root().join("../shared");
    assert!(
        p.join("kernels").is_dir(),
        "{} is missing: this test needs the shared kernels, maps and corpus (see README)",
        p.display()
    );
    p
}

/// Decompress `shared/REL` (an `.xz` file) and return a path to it inside `dir`.
///
/// Each file is decompressed once per build into cargo's per-target test temp dir and
/// hard-linked (or copied) into `dir`, so the many tests that read the same kernel do not
/// each pay for `xz -dc`. The file is named after REL (`kernels_x86_64-thin_vmlinux`).
/// Callers must not modify it in place.
pub fn unxz(rel: &str, dir: &Path) -> PathBuf {
    let src = shared().join(rel);
    let name = Path::new(rel)
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_suffix(".xz"))
        .expect("unxz wants an .xz path");
    let parent = Path::new(rel)
        .parent()
        .map(|p| p.to_string_lossy().replace('/', "_"));
    let file_name = format!("{}_{name}", parent.unwrap_or_default());
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("shared-unxz");
    std::fs::create_dir_all(&cache).expect("cannot create the decompression cache");
    let cached = cache.join(&file_name);
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    if !cached.exists() {
        let tmp = cache.join(format!("{file_name}.part{}", std::process::id()));
        let f = std::fs::File::create(&tmp).expect("cannot create decompressed file");
        let st = Command::new("xz")
            .arg("-dc")
            .arg(&src)
            .stdout(f)
            .status()
            .expect("cannot run xz (install xz-utils)");
        assert!(st.success(), "xz -dc {} failed", src.display());
        std::fs::rename(&tmp, &cached).expect("cannot rename decompressed file");
    }
    let out = dir.join(&file_name);
    if out != cached && !out.exists() && std::fs::hard_link(&cached, &out).is_err() && !out.exists()
    {
        // Another file system: copy beside, then rename (never copy onto a link of the
        // cached file, which would truncate it).
        let tmp = dir.join(format!("{file_name}.part{}", std::process::id()));
        std::fs::copy(&cached, &tmp).expect("cannot copy the decompressed file");
        std::fs::rename(&tmp, &out).expect("cannot rename the copied file");
    }
    out
}

/// Assert `tool` is on PATH, with a message saying which package provides it.
pub fn require_tool(tool: &str, package: &str) {
    let ok = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        ok,
        "{tool} is not installed: install the Debian package {package} (scripts/test.sh does)"
    );
}

/// The files of Linux 6.1 the differential tests run or build, from Debian's
/// `linux-source-6.1` package. Never committed: extracted at test time.
const LINUX_SOURCE_FILES: &[&str] = &[
    "linux-source-6.1/scripts/faddr2line",
    "linux-source-6.1/scripts/decode_stacktrace.sh",
    "linux-source-6.1/scripts/generate_initcall_order.pl",
    "linux-source-6.1/scripts/kallsyms.c",
    // Sources `faddr2line --list` prints, for its differential test.
    "linux-source-6.1/fs/read_write.c",
    "linux-source-6.1/arch/x86/entry/common.c",
];

/// The files of Linux 6.12 the differential tests run or build, from Debian's
/// `linux-source-6.12` package. Never committed: extracted at test time.
const LINUX_612_SOURCE_FILES: &[&str] = &[
    "linux-source-6.12/scripts/kallsyms.c",
    "linux-source-6.12/scripts/include/xalloc.h",
    "linux-source-6.12/scripts/mksysmap",
    "linux-source-6.12/scripts/generate_initcall_order.pl",
    "linux-source-6.12/scripts/faddr2line",
    "linux-source-6.12/scripts/module.lds.S",
    // Patched by scripts/kbuild/linux-6.12-ksym.patch, checked with patch --dry-run.
    "linux-source-6.12/scripts/link-vmlinux.sh",
    "linux-source-6.12/scripts/Makefile.vmlinux_o",
];

/// The path of `rel` (e.g. `scripts/faddr2line`) inside Linux 6.1's source, extracting
/// [`LINUX_SOURCE_FILES`] in one pass over the tarball the first time any test asks
/// (decompressing it takes about 20 s), into cargo's per-target test temp dir.
pub fn linux_source(rel: &str) -> PathBuf {
    extract_linux_source("6.1", LINUX_SOURCE_FILES, rel)
}

/// [`linux_source`] for Linux 6.12 (`linux-source-6.12`, [`LINUX_612_SOURCE_FILES`]).
pub fn linux_source_612(rel: &str) -> PathBuf {
    extract_linux_source("6.12", LINUX_612_SOURCE_FILES, rel)
}

fn extract_linux_source(version: &str, files: &[&str], rel: &str) -> PathBuf {
    use std::sync::Mutex;
    static LOCK: Mutex<()> = Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let top = format!("linux-source-{version}");
    let base = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{top}-files"));
    let path = base.join(&top).join(rel);
    assert!(
        files
            .iter()
            .any(|f| Path::new(&top).join(rel).starts_with(f)),
        "{rel} is not in the {top} file list (tests/common/mod.rs): add it there"
    );
    if base.is_dir() {
        assert!(
            path.exists(),
            "{} is missing from the extracted source",
            path.display()
        );
        return path;
    }
    let tar = PathBuf::from(format!("/usr/src/{top}.tar.xz"));
    assert!(
        tar.is_file(),
        "{} is missing: install the Debian package {top} (scripts/test.sh does)",
        tar.display()
    );
    let part = base.with_extension(format!("part{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&part);
    std::fs::create_dir_all(&part).expect("cannot create the source dir");
    let st = Command::new("tar")
        .arg("-xJf")
        .arg(&tar)
        .arg("-C")
        .arg(&part)
        .args(files)
        .status()
        .expect("cannot run tar");
    assert!(
        st.success(),
        "cannot extract {files:?} from {}",
        tar.display()
    );
    if std::fs::rename(&part, &base).is_err() {
        // Another test process extracted it first.
        let _ = std::fs::remove_dir_all(&part);
    }
    assert!(
        path.exists(),
        "{} not found after extraction",
        path.display()
    );
    path
}

/// What the full tier needs beyond `cargo`: the shared data and the peers scripts/test.sh
/// installs (Debian 12 package names in its list).
const FULL_ENV_TOOLS: &[&str] = &[
    "clang-16",
    "ld.lld-16",
    "llvm-symbolizer-16",
    "llvm-nm-16",
    "llvm-dwarfdump-16",
    "llvm-objdump-16",
    "llvm-addr2line-16",
    "gcc",
    "as",
    "ld",
    "nm",
    "addr2line",
    "objdump",
    "objcopy",
    "readelf",
    "strip",
    "aarch64-linux-gnu-gcc",
    "aarch64-linux-gnu-objdump",
    "debuginfod",
    "debuginfod-find",
    "xz",
    "zstd",
    "gzip",
    "perl",
    "gawk",
    "tar",
    "patch",
    "git",
    "script",
    "mkfifo",
    "/usr/bin/time",
];

/// What is missing of the full test environment (`../shared`, the kernel sources, the
/// peer tools); empty when everything is here. Looked up once per run.
pub fn missing_full_env() -> &'static [String] {
    static MISSING: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    MISSING.get_or_init(|| {
        let mut missing = Vec::new();
        if !root().join("../shared/kernels").is_dir() {
            missing.push("../shared".to_string());
        }
        for src in ["6.1", "6.12"] {
            let tar = format!("/usr/src/linux-source-{src}.tar.xz");
            if !Path::new(&tar).is_file() {
                missing.push(tar);
            }
        }
        for tool in FULL_ENV_TOOLS {
            let found = Command::new("sh")
                .arg("-c")
                .arg(format!("command -v {tool}"))
                .output()
                .is_ok_and(|o| o.status.success());
            if !found {
                missing.push((*tool).to_string());
            }
        }
        missing
    })
}

/// True when the full test environment is here. Otherwise the calling test is not run:
/// one `not run: TEST (needs ...)` line goes to stderr (past the harness's capture), and
/// under `KSYM_REQUIRE_SHARED=1` (CI, scripts/test.sh) the test fails instead, so that
/// nothing is left out silently.
pub fn full_env() -> bool {
    let missing = missing_full_env();
    if missing.is_empty() {
        return true;
    }
    let test = std::thread::current()
        .name()
        .unwrap_or("a test")
        .to_string();
    let needs = missing.join(", ");
    if std::env::var_os("KSYM_REQUIRE_SHARED").is_some_and(|v| v == "1") {
        panic!("{test} needs {needs}; KSYM_REQUIRE_SHARED=1 runs every test (see README)");
    }
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "not run: {test} (needs {needs})");
    false
}

/// Return from the calling test when the full test environment is not here (see
/// [`full_env`]): the first line of every test that reads `../shared` or runs a peer.
macro_rules! needs_full_env {
    () => {
        if !$crate::common::full_env() {
            return;
        }
    };
}
pub(crate) use needs_full_env;

/// The one golden-file check: compares `actual` with the file at `path`, or writes it
/// there when `KSYM_BLESS` is set (`KSYM_BLESS=1 cargo test ...` rewrites the goldens a
/// change meant to alter; review the diff before committing). On a difference, the error
/// names the file and shows both texts and `context` (the command, its stderr).
pub fn golden(path: &Path, actual: &[u8], context: &str) -> Result<(), String> {
    if std::env::var_os("KSYM_BLESS").is_some() {
        std::fs::write(path, actual).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return Ok(());
    }
    let Ok(expected) = std::fs::read(path) else {
        return Err(format!(
            "{} missing (KSYM_BLESS=1 writes it)",
            path.display()
        ));
    };
    if expected == actual {
        return Ok(());
    }
    Err(format!(
        "{} differs (KSYM_BLESS=1 rewrites it)\n--- expected\n{}\n--- actual\n{}\n{context}",
        path.display(),
        String::from_utf8_lossy(&expected),
        String::from_utf8_lossy(actual),
    ))
}
