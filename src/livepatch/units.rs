//! Which DWARF compilation unit covers an address: the source file of symbols that have
//! no `STT_FILE` (globals, or any symbol of a table without file symbols).
//!
//! Built once from every unit's address ranges (`DW_AT_low_pc`/`high_pc`/`ranges`),
//! sorted, and searched by binary search.

use anyhow::Result;

use super::image::{Image, Reader};

/// The unit index of `image`, when it has DWARF. DWARF only adds source file names here,
/// so a broken one is not fatal: the second value is then a warning naming the file.
pub fn load(image: &Image) -> (Option<UnitIndex>, Option<String>) {
    let built = image
        .debug_sections()
        .and_then(|d| d.map(|d| UnitIndex::new(&d.dwarf())).transpose());
    match built {
        Ok(u) => (u, None),
        Err(e) => (
            None,
            Some(format!(
                "{}: invalid DWARF ({e:#}): source files come from STT_FILE only",
                image.path.display()
            )),
        ),
    }
}

/// Address ranges of units, with the unit names.
pub struct UnitIndex {
    /// `(start, end, name index)`, sorted by start.
    ranges: Vec<(u64, u64, usize)>,
    names: Vec<String>,
}

impl UnitIndex {
    /// Read the ranges of every unit of `dwarf`. Units that fail to parse are skipped.
    pub fn new(dwarf: &gimli::Dwarf<Reader<'_>>) -> Result<UnitIndex> {
        let mut ranges = Vec::new();
        let mut names = Vec::new();
        let mut headers = dwarf.units();
        while let Some(header) = headers.next()? {
            let Ok(unit) = dwarf.unit(header) else {
                continue;
            };
            let name = unit
                .name
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let idx = names.len();
            names.push(name);
            let Ok(mut rs) = dwarf.unit_ranges(&unit) else {
                continue;
            };
            while let Ok(Some(r)) = rs.next() {
                if r.begin < r.end {
                    ranges.push((r.begin, r.end, idx));
                }
            }
        }
        ranges.sort_unstable();
        Ok(UnitIndex { ranges, names })
    }

    /// The name of the unit whose ranges contain `addr`.
    pub fn name_at(&self, addr: u64) -> Option<&str> {
        let i = self.ranges.partition_point(|r| r.0 <= addr);
        // Ranges may nest or overlap (kernel images are full of them): look back a little.
        self.ranges[..i]
            .iter()
            .rev()
            .take(16)
            .find(|r| addr < r.1)
            .map(|r| self.names[r.2].as_str())
            .filter(|n| !n.is_empty())
    }
}

/// Strip a distro source prefix (`/usr/src/linux-6.1/`) from a unit or file name: cut
/// before the first of the kernel's top-level directories.
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
