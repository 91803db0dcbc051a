//! Source paths as ksym prints them: relative to the kernel source tree.

/// Strip a distro source prefix (`/usr/src/linux-6.1/`) from a unit or file name: cut
/// before the first of the kernel's top-level directories. Relative paths and paths
/// outside a kernel tree are kept.
pub fn kernel_relative(path: &str) -> &str {
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
        "security/",
        "sound/",
        "virt/",
        "include/",
        "samples/",
        "scripts/",
    ];
    if !path.starts_with('/') {
        return path;
    }
    TOP.iter()
        .filter_map(|t| path.find(&format!("/{t}")))
        .min()
        .map_or(path, |i| &path[i + 1..])
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
}
