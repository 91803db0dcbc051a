//! Source paths as ksym prints them: relative to the kernel source tree.
//!
//! One rule for every subcommand and object ([`Symbolizer::path_rule`]): a file of
//! vmlinux or of an in-tree module prints relative to the kernel tree (`mm/page_alloc.c`),
//! whatever the compile directory was: absolute (`/usr/src/linux-6.1/`), relative
//! (Debian's arm64 `debian/build/build_arm64_none_arm64/`), or different between units
//! (Debian's amd64 assembly units keep `/build/reproducible-path/linux-6.1.192/` while its
//! C units are already relative). Files of an out-of-tree module (`.modinfo` without
//! `intree=Y`), and of objects that are not a kernel's (no `start_kernel`, no
//! `.modinfo`), keep their paths as DWARF names them.

use super::{ObjectKind, Symbolizer};

/// The kernel's top-level source directories: a path is cut before the first of them.
const TOP: &[&str] = &[
    "arch/",
    "block/",
    "certs/",
    "crypto/",
    "drivers/",
    "fs/",
    "init/",
    "io_uring/",
    "ipc/",
    "kernel/",
    "lib/",
    "mm/",
    "net/",
    "rust/",
    "security/",
    "sound/",
    "virt/",
    "include/",
    "samples/",
    "scripts/",
];

/// Toolchain and system directories whose `include/` or `lib/` are not the kernel's.
const SYSTEM: &[&str] = &["/usr/lib/", "/usr/include/", "/usr/local/include/", "/opt/"];

fn top_level(path: &str) -> bool {
    TOP.iter().any(|t| path.starts_with(t))
}

/// `path` relative to the kernel source tree: leading `./` dropped, and a path that does
/// not already start with one of the kernel's top-level directories cut before the first
/// `/<top-level>/` (`/usr/src/linux-6.1/init/main.c`,
/// `debian/build/build_arm64_none_arm64/mm/page_alloc.c`). Paths outside a kernel tree,
/// and toolchain headers (`/usr/lib/llvm-16/lib/clang/16/include/stddef.h`), are kept.
pub fn kernel_relative(path: &str) -> &str {
    let mut p = path;
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    if top_level(p) || SYSTEM.iter().any(|s| p.starts_with(s)) {
        return p;
    }
    let cut = p
        .match_indices('/')
        .map(|(i, _)| i + 1)
        .find(|&i| top_level(&p[i..]));
    let Some(i) = cut else {
        return p;
    };
    let mut rest = &p[i..];
    // `linux/./mm/x.c` never happens, but `/build/./` would leave a `./` behind.
    while let Some(r) = rest.strip_prefix("./") {
        rest = r;
    }
    rest
}

/// How one object's source paths print: the rule of [`kernel_relative`], after the
/// object's own source root when it has one. Made by [`Symbolizer::path_rule`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PathRule {
    /// Paths are kept as DWARF names them (an out-of-tree module).
    pub keep: bool,
    /// The tree's root as `scripts/faddr2line` finds it: the file of `start_kernel` cut
    /// before `init/main.c` (`/usr/src/linux-6.1/`); stripped first when a path starts
    /// with it, so top-level names that are not directories elsewhere (`usr/`) stay.
    pub root: Option<String>,
}

impl PathRule {
    /// `path` as ksym prints it.
    pub fn show<'a>(&self, path: &'a str) -> &'a str {
        if self.keep {
            return path;
        }
        if let Some(rest) = self.root.as_deref().and_then(|r| path.strip_prefix(r)) {
            let mut rest = rest;
            while let Some(r) = rest.strip_prefix("./") {
                rest = r;
            }
            return rest;
        }
        kernel_relative(path)
    }
}

impl Symbolizer {
    /// Whether this object's `.modinfo` says `intree=Y`; `None` when it has no
    /// `.modinfo` (not a module).
    fn modinfo_in_tree(&self) -> Option<bool> {
        if self.kind() != ObjectKind::Relocatable {
            return None;
        }
        let data = self.section_data(self.section_named(".modinfo")?)?;
        Some(data.split(|&b| b == 0).any(|kv| kv == b"intree=Y"))
    }

    /// A module built outside the kernel tree: a relocatable object with a `.modinfo`
    /// that lacks `intree=Y`. Its source paths are its own.
    pub fn out_of_tree(&self) -> bool {
        self.modinfo_in_tree() == Some(false)
    }

    /// The rule this object's source paths print by. A kernel (it has `start_kernel`) or
    /// an in-tree module (`.modinfo` with `intree=Y`): relative to the kernel tree,
    /// stripping [`Self::source_prefix`] first. Anything else (an out-of-tree module, a
    /// program): paths kept as DWARF names them. Computing it looks `start_kernel` up
    /// once; keep it.
    pub fn path_rule(&self) -> PathRule {
        let keep = PathRule {
            keep: true,
            root: None,
        };
        match self.modinfo_in_tree() {
            Some(true) => PathRule::default(),
            Some(false) => keep,
            None if self.symbols_named("start_kernel").is_empty() => keep,
            None => PathRule {
                keep: false,
                root: self.source_prefix(),
            },
        }
    }

    /// The source directory prefix, found as `scripts/faddr2line` finds it: the file of
    /// `start_kernel`'s address, cut before `init/main.c` (`/usr/src/linux-6.1/`). `None`
    /// for modules and objects without `start_kernel`.
    pub fn source_prefix(&self) -> Option<String> {
        let first = *self.symbols_named("start_kernel").first()?;
        let addr = self.symbol_address(&*self.symbol(first)?)?;
        // The innermost frame's file is the line table's: no need for the functions.
        let file = self.context.as_ref()?.line_file(addr).ok()??;
        let cut = file.rfind("init/main.c")?;
        (cut > 0).then(|| file[..cut].to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::kernel_relative;

    #[test]
    fn strips_distro_prefixes() {
        assert_eq!(
            kernel_relative("/usr/src/linux-6.1/init/main.c"),
            "init/main.c"
        );
        assert_eq!(
            kernel_relative("/usr/src/linux-6.1/arch/x86/include/asm/current.h"),
            "arch/x86/include/asm/current.h"
        );
        assert_eq!(kernel_relative("kernel/fork.c"), "kernel/fork.c");
        assert_eq!(kernel_relative("/ksym/testdata/b.c"), "/ksym/testdata/b.c");
    }

    #[test]
    fn strips_relative_and_per_unit_build_directories() {
        assert_eq!(
            kernel_relative("debian/build/build_arm64_none_arm64/mm/page_alloc.c"),
            "mm/page_alloc.c"
        );
        assert_eq!(
            kernel_relative("/build/reproducible-path/linux-6.1.192/arch/x86/lib/copy_user_64.S"),
            "arch/x86/lib/copy_user_64.S"
        );
        assert_eq!(
            kernel_relative("./include/linux/list.h"),
            "include/linux/list.h"
        );
        assert_eq!(
            kernel_relative("/usr/src/linux/./drivers/a.c"),
            "drivers/a.c"
        );
        // A path already in the tree is not cut again at an inner top-level name.
        assert_eq!(
            kernel_relative("drivers/net/include/x.h"),
            "drivers/net/include/x.h"
        );
    }

    #[test]
    fn keeps_toolchain_headers() {
        for p in [
            "/usr/lib/llvm-16/lib/clang/16/include/stddef.h",
            "/usr/include/stdio.h",
            "relative/file.c",
        ] {
            assert_eq!(kernel_relative(p), p);
        }
    }
}
