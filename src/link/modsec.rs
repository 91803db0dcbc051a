//! Module sections under LTO: the merge fragment of `scripts/module.lds.S`, and a check
//! of a linked `.ko` against it.
//!
//! With `CONFIG_LTO_CLANG`, lld always compiles with `-ffunction-sections -fdata-sections`,
//! so every variable lands in its own `.data.<name>`, `.bss.<name>`, `.rodata.<name>`.
//! Linux 6.1's `scripts/module.lds.S` merges them back (`.text.*` stays split) with the
//! patterns `*(.bss .bss.[0-9a-zA-Z_]*)` and `*(.bss..L*)` (likewise `.data`, `.rodata`),
//! leaving `.data..percpu`-style sections alone. A module linked without that fragment, or
//! with its output sections reordered, is what [`check`] reports.
//!
//! Linux 6.12's script ([`ModuleLds::V6_12`]) is the same with two additions: the
//! `/DISCARD/` block also drops `*(.export_symbol)`, and `.data` ends with the allocation
//! tags of `CODETAG_SECTIONS()` (`__start_alloc_tags`/`__stop_alloc_tags`); kbuild's
//! preprocessed copy starts with a blank line (left by its `#include`).

use std::io::Write;

use super::{Error, ErrorKind};

/// The output sections the generic `module.lds` (6.1, `CONFIG_LTO_CLANG`) names, in its order.
pub const SCRIPT_ORDER: [&str; 13] = [
    "__ksymtab",
    "__ksymtab_gpl",
    "__kcrctab",
    "__kcrctab_gpl",
    ".ctors",
    ".init_array",
    ".altinstructions",
    "__bug_table",
    "__jump_table",
    "__patchable_function_entries",
    ".bss",
    ".data",
    ".rodata",
];

/// The sections the LTO fragment merges, in its order.
pub const MERGED: [&str; 3] = [".bss", ".data", ".rodata"];

const HEAD: &str = "SECTIONS {
 /DISCARD/ : {
  *(.discard)
  *(.discard.*)
 }
 __ksymtab 0 : { *(SORT(___ksymtab+*)) }
 __ksymtab_gpl 0 : { *(SORT(___ksymtab_gpl+*)) }
 __kcrctab 0 : { *(SORT(___kcrctab+*)) }
 __kcrctab_gpl 0 : { *(SORT(___kcrctab_gpl+*)) }
 .ctors 0 : ALIGN(8) { *(SORT(.ctors.*)) *(.ctors) }
 .init_array 0 : ALIGN(8) { *(SORT(.init_array.*)) *(.init_array) }
 .altinstructions 0 : ALIGN(8) { KEEP(*(.altinstructions)) }
 __bug_table 0 : ALIGN(8) { KEEP(*(__bug_table)) }
 __jump_table 0 : ALIGN(8) { KEEP(*(__jump_table)) }
 __patchable_function_entries : { *(__patchable_function_entries) }
";

/// Which kernel's `scripts/module.lds.S` to write.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ModuleLds {
    /// Linux 6.1.
    #[default]
    V6_1,
    /// Linux 6.12.
    V6_12,
}

impl std::str::FromStr for ModuleLds {
    type Err = Error;
    fn from_str(s: &str) -> Result<ModuleLds, Error> {
        match s {
            "6.1" => Ok(ModuleLds::V6_1),
            "6.12" => Ok(ModuleLds::V6_12),
            _ => Err(Error::new(
                ErrorKind::Malformed,
                format!("unknown module.lds version {s:?} (expected 6.1 or 6.12)"),
            )),
        }
    }
}

/// `CODETAG_SECTIONS()` of 6.12, preprocessed.
const CODETAG: &str =
    "  . = ALIGN(8); __start_alloc_tags = .; KEEP(*(alloc_tags)) __stop_alloc_tags = .;";

/// Write the LTO merge fragment, formatted as kbuild's preprocessed `module.lds` of
/// `version` is (`full`: the whole generic script, without the architecture's own part).
pub fn write_lds(out: &mut dyn Write, full: bool, version: ModuleLds) -> std::io::Result<()> {
    let v612 = version == ModuleLds::V6_12;
    if full {
        if v612 {
            let head = HEAD.replacen(
                "  *(.discard.*)\n",
                "  *(.discard.*)\n  *(.export_symbol)\n",
                1,
            );
            write!(out, "\n{head}")?;
        } else {
            out.write_all(HEAD.as_bytes())?;
        }
    } else {
        writeln!(out, "SECTIONS {{")?;
    }
    for s in MERGED {
        writeln!(out, " {s} : {{")?;
        writeln!(out, "  *({s} {s}.[0-9a-zA-Z_]*)")?;
        writeln!(out, "  *({s}..L*)")?;
        if v612 && s == ".data" {
            writeln!(out, "{CODETAG}")?;
        }
        writeln!(out, " }}")?;
    }
    writeln!(out, "}}")
}

/// The merged section a split section name belongs to, as the fragment's patterns match:
/// `.bss.X...` with X in `[0-9a-zA-Z_]`, or `.bss..L...`.
pub fn merged_into(name: &str) -> Option<&'static str> {
    MERGED.into_iter().find(|m| {
        let Some(rest) = name.strip_prefix(m).and_then(|r| r.strip_prefix('.')) else {
            return false;
        };
        let first = rest.bytes().next();
        first.is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_') || rest.starts_with(".L")
    })
}

/// A finding of [`check`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finding {
    /// A split section the fragment would have merged.
    Unmerged {
        /// Its name.
        section: String,
        /// Where it belongs.
        into: &'static str,
    },
    /// A section the script names, placed before one the script puts ahead of it.
    OutOfOrder {
        /// Its name.
        section: String,
        /// The section it should follow.
        after: String,
    },
}

/// Check the section names of a linked module (in section header order).
pub fn check(sections: &[String]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for s in sections {
        if let Some(into) = merged_into(s) {
            findings.push(Finding::Unmerged {
                section: s.clone(),
                into,
            });
        }
    }
    // Script sections in file order; each must not come before one ranked earlier.
    let ranked: Vec<(usize, &String)> = sections
        .iter()
        .filter_map(|s| SCRIPT_ORDER.iter().position(|o| o == s).map(|r| (r, s)))
        .collect();
    let mut max: Option<(usize, &String)> = None;
    for &(r, s) in &ranked {
        match max {
            Some((m, ms)) if r < m => findings.push(Finding::OutOfOrder {
                section: s.clone(),
                after: ms.clone(),
            }),
            _ => max = Some((r, s)),
        }
    }
    findings
}

/// The allocated, non-relocation section names of an ELF relocatable object (opened as
/// `input`), in order.
pub fn section_names(input: &symtab::input::Input) -> Result<Vec<String>, Error> {
    use object::elf;
    let obj = input.object()?;
    if !obj.is_relocatable() {
        return Err(Error::new(
            ErrorKind::Unsupported,
            "not a relocatable object (a .ko is ET_REL)",
        ));
    }
    obj.check_names()?;
    Ok(obj
        .sections()
        .iter()
        .filter(|s| s.alloc && !matches!(s.sh_type, elf::SHT_REL | elf::SHT_RELA))
        .map(|s| s.name.clone())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_like_ld() {
        assert_eq!(merged_into(".data.crashpoints"), Some(".data"));
        assert_eq!(merged_into(".rodata.str1.1"), Some(".rodata"));
        assert_eq!(merged_into(".bss..L.tmp"), Some(".bss"));
        assert_eq!(merged_into(".bss._x"), Some(".bss"));
        assert_eq!(merged_into(".data..percpu"), None);
        assert_eq!(merged_into(".data..ro_after_init"), None);
        assert_eq!(merged_into(".data"), None);
        assert_eq!(merged_into(".text.foo"), None);
        assert_eq!(merged_into(".database"), None);
    }

    #[test]
    fn order_findings_name_both_sections() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!(check(&s(&["__bug_table", ".bss", ".data", ".rodata", ".text.x"])).is_empty());
        assert_eq!(
            check(&s(&[".rodata", ".bss", ".data.x"])),
            vec![
                Finding::Unmerged {
                    section: ".data.x".into(),
                    into: ".data"
                },
                Finding::OutOfOrder {
                    section: ".bss".into(),
                    after: ".rodata".into()
                },
            ]
        );
    }
}
