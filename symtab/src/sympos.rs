//! Livepatch symbol positions (`sympos`), computed the way Linux 6.1 computes them.
//!
//! A livepatch names each old symbol as (object, name, sympos). The kernel resolves it in
//! `klp_find_object_symbol()` (kernel/livepatch/core.c): it walks every symbol of the
//! object with `kallsyms_on_each_symbol()` (vmlinux, kernel/kallsyms.c) or
//! `module_kallsyms_on_each_symbol()` (modules, kernel/module/kallsyms.c), and
//! `klp_find_callback()` counts the symbols whose name is **byte-equal** (`strcmp`) to the
//! wanted one. sympos 0 means "the name must be unique"; sympos N picks the N-th match.
//!
//! Consequences this module reproduces:
//! - The name compared is the full stored name: `kallsyms_on_each_symbol()` hands out the
//!   expanded name without `cleanup_symbol_name()`, so `foo` does **not** match
//!   `foo.llvm.123` (only the lookup-by-name paths strip `.llvm.` under `CONFIG_LTO_CLANG`).
//! - vmlinux order is the kallsyms table order: `scripts/kallsyms.c` `compare_symbols()`
//!   sorts by address, then weak last, then linker-provided last, then fewer leading
//!   underscores first, then input order; `is_ignored_symbol()` drops some names first.
//! - Module order is the `.ko` symbol table order, keeping only what `is_core_symbol()`
//!   keeps (defined, named, in an allocated section that is not `.init*`; `.modinfo` and
//!   `__versions` lose `SHF_ALLOC` at load).
//! - The kernel reports "not found" when the last match has address 0.

use crate::{SymKind, Symbol, SymbolTable, TableFormat};

/// The kernel object a symbol belongs to, as a livepatch names it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Object {
    /// The kernel image (a NULL `objname` in `klp_find_object_symbol`).
    Vmlinux,
    /// A module, by its name.
    Module(String),
}

impl Object {
    /// `vmlinux` or the module name.
    pub fn name(&self) -> &str {
        match self {
            Object::Vmlinux => "vmlinux",
            Object::Module(m) => m,
        }
    }
}

/// One symbol the kernel's search visits, with its position among same-named symbols.
#[derive(Clone, Debug)]
pub struct Candidate<'a> {
    /// The symbol.
    pub symbol: &'a Symbol,
    /// The object it belongs to.
    pub object: Object,
    /// 1-based position among the symbols of `object` with exactly this name.
    pub position: usize,
    /// How many symbols of `object` have exactly this name.
    pub count: usize,
}

impl Candidate<'_> {
    /// The sympos a livepatch should use: 0 when the name is unique in its object, else
    /// the 1-based position.
    pub fn sympos(&self) -> usize {
        if self.count == 1 {
            0
        } else {
            self.position
        }
    }
}

/// The kernel's search order over one table: for each object, its symbols in the order
/// `klp_find_callback()` sees them.
pub struct KallsymsOrder<'a> {
    /// `(object, symbols in search order)`, vmlinux first.
    pub objects: Vec<(Object, Vec<&'a Symbol>)>,
}

/// `is_ignored_symbol()` of Linux 6.1 `scripts/kallsyms.c`: the symbols the kernel's
/// table leaves out, so they take no position.
pub fn kallsyms_ignores(name: &str, letter: char) -> bool {
    let letter = u8::try_from(letter).unwrap_or(b'?');
    crate::kallsyms::raw::is_ignored_symbol(name.as_bytes(), letter)
}

/// True for the symbols `nm` lists (what `scripts/kallsyms` reads for vmlinux).
fn nm_listed(s: &Symbol) -> bool {
    !s.name.is_empty()
        && !s.is_mapping_symbol()
        && !matches!(s.kind, SymKind::Section | SymKind::File)
}

/// `compare_symbols()` of `scripts/kallsyms.c`, minus the linker-script test (it only
/// reorders symbols of different names at one address, which never changes a sympos).
fn kallsyms_key(s: &Symbol) -> (u64, bool, usize) {
    let weak = matches!(s.letter, 'w' | 'W');
    let underscores = s.name.bytes().take_while(|&b| b == b'_').count();
    (s.addr, weak, underscores)
}

/// `is_core_symbol()` of Linux 6.1 `kernel/module/kallsyms.c`, from what a [`Symbol`]
/// records: defined, named, not absolute, not debugging, not in an `.init*` section, nor
/// in `.modinfo`/`__versions` (whose `SHF_ALLOC` the loader clears first:
/// `rewrite_section_headers()` in kernel/module/main.c).
fn module_core(s: &Symbol) -> bool {
    s.section_index.is_some()
        && !s.name.is_empty()
        && !matches!(s.kind, SymKind::Section | SymKind::File)
        && !matches!(s.letter, 'U' | 'N' | 'n' | 'a' | 'A')
        && !s
            .section
            .as_deref()
            .is_some_and(|n| n.starts_with(".init") || n == ".modinfo" || n == "__versions")
}

impl<'a> KallsymsOrder<'a> {
    /// The search order of `table`. `module` names the object of a relocatable ELF
    /// (`.ko`) table; other tables are vmlinux, except `/proc/kallsyms` lines that carry a
    /// `[module]` column.
    pub fn new(table: &'a SymbolTable, module: Option<&str>) -> KallsymsOrder<'a> {
        let mut objects: Vec<(Object, Vec<&Symbol>)> = Vec::new();
        match table.format {
            TableFormat::ElfRelocatable => {
                let name = module.unwrap_or("module").to_string();
                let syms = table.symbols.iter().filter(|s| module_core(s)).collect();
                objects.push((Object::Module(name), syms));
            }
            TableFormat::Kallsyms => {
                // Already in the kernel's own order: keep it.
                let mut vmlinux = Vec::new();
                for s in &table.symbols {
                    match &s.module {
                        None => vmlinux.push(s),
                        Some(m) => match objects.iter_mut().find(|(o, _)| o.name() == m) {
                            Some((_, v)) => v.push(s),
                            None => objects.push((Object::Module(m.clone()), vec![s])),
                        },
                    }
                }
                objects.insert(0, (Object::Vmlinux, vmlinux));
            }
            _ => {
                let mut syms: Vec<&Symbol> = table
                    .symbols
                    .iter()
                    .filter(|s| nm_listed(s) && !kallsyms_ignores(&s.name, s.letter))
                    .collect();
                syms.sort_by_key(|s| kallsyms_key(s));
                objects.push((Object::Vmlinux, syms));
            }
        }
        KallsymsOrder { objects }
    }

    /// Every symbol named exactly `name`, with its position, in search order.
    pub fn exact(&self, name: &str) -> Vec<Candidate<'a>> {
        let mut out = Vec::new();
        for (object, syms) in &self.objects {
            let hits: Vec<&Symbol> = syms.iter().copied().filter(|s| s.name == name).collect();
            let count = hits.len();
            out.extend(hits.into_iter().enumerate().map(|(i, symbol)| Candidate {
                symbol,
                object: object.clone(),
                position: i + 1,
                count,
            }));
        }
        out
    }

    /// Every distinct full name whose cleaned form (under `policy`) is `clean`, or
    /// that equals `clean`, sorted.
    pub fn names_cleaning_to(&self, clean: &str, policy: crate::name::Policy) -> Vec<&'a str> {
        let mut names: Vec<&str> = self
            .objects
            .iter()
            .flat_map(|(_, v)| v.iter())
            .map(|s| s.name.as_str())
            .filter(|n| *n == clean || crate::name::clean(n, policy) == clean)
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }
}

/// What `klp_find_object_symbol()` answers for (`name`, `sympos`) given the exact-name
/// matches of one object, in search order: the address, or the kernel's error message.
pub fn kernel_resolve(
    object: &Object,
    name: &str,
    sympos: usize,
    matches: &[&Symbol],
) -> Result<u64, String> {
    // The callback stops at the wanted position, or at the second match for sympos 0.
    let stop = if sympos > 0 { sympos } else { 2 };
    let seen = &matches[..matches.len().min(stop)];
    let count = seen.len();
    let addr = seen.last().map_or(0, |s| s.addr);
    // A NULL objname prints as "(null)" in the ambiguity message, "vmlinux" in the other.
    let objname = match object {
        Object::Vmlinux => "(null)",
        Object::Module(m) => m,
    };
    if addr == 0 {
        Err(format!("symbol '{name}' not found in symbol table"))
    } else if count > 1 && sympos == 0 {
        Err(format!(
            "unresolvable ambiguity for symbol '{name}' in object '{objname}'"
        ))
    } else if sympos != count && sympos > 0 {
        Err(format!(
            "symbol position {sympos} for symbol '{name}' in object '{}' not found",
            object.name()
        ))
    } else {
        Ok(addr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sym(name: &str, addr: u64, letter: char) -> Symbol {
        Symbol::from_letter(name, addr, letter)
    }

    #[test]
    fn positions_follow_address_order_and_exact_names() {
        let table = SymbolTable {
            symbols: vec![
                sym("foo", 0x30, 't'),
                sym("foo.llvm.1", 0x20, 't'),
                sym("foo", 0x10, 't'),
                sym("bar", 0x40, 'T'),
            ],
            format: TableFormat::Map,
            arch: None,
            is_64: true,
        };
        let order = KallsymsOrder::new(&table, None);
        let c = order.exact("foo");
        assert_eq!(c.len(), 2);
        assert_eq!((c[0].symbol.addr, c[0].sympos()), (0x10, 1));
        assert_eq!((c[1].symbol.addr, c[1].sympos()), (0x30, 2));
        assert_eq!(order.exact("foo.llvm.1")[0].sympos(), 0);
        assert_eq!(order.exact("bar")[0].sympos(), 0);
        let names = order.names_cleaning_to("foo", crate::name::Policy::Lto);
        assert_eq!(names, ["foo", "foo.llvm.1"]);
        let m: Vec<&Symbol> = c.iter().map(|c| c.symbol).collect();
        assert_eq!(
            kernel_resolve(&Object::Vmlinux, "foo", 0, &m).unwrap_err(),
            "unresolvable ambiguity for symbol 'foo' in object '(null)'"
        );
        assert_eq!(kernel_resolve(&Object::Vmlinux, "foo", 2, &m), Ok(0x30));
        assert!(kernel_resolve(&Object::Vmlinux, "foo", 3, &m)
            .unwrap_err()
            .contains("position 3"));
        assert!(kernel_resolve(&Object::Vmlinux, "foo", 0, &[])
            .unwrap_err()
            .contains("not found"));
    }

    #[test]
    fn kallsyms_filter() {
        assert!(kallsyms_ignores("__kcfi_typeid_foo", 'A'));
        assert!(kallsyms_ignores("kallsyms_names", 'R'));
        assert!(kallsyms_ignores("x", 'U'));
        assert!(!kallsyms_ignores("foo", 't'));
    }
}
