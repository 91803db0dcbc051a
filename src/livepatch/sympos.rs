//! `sympos` lookups: every candidate for a name, with the position Linux 6.1's livepatch
//! core would count (see `symtab::sympos` for the kernel's rule).
//!
//! A query is a source name (`foo`) or a full stored name (`foo.llvm.123`). The kernel
//! compares full names, so a source name finds, besides exact matches, every full name
//! that cleans to it under the LTO policy; those are reported with a note that the patch
//! must name them in full.

use serde::Serialize;
use symtab::name::{self, Policy};
use symtab::sympos::{kernel_resolve, Candidate};
use symtab::Symbol;

use super::image::Image;

/// One candidate for a queried name.
#[derive(Serialize, Debug, Clone)]
pub struct Found {
    /// The name asked for.
    pub query: String,
    /// The full stored name, the one a livepatch must use.
    pub name: String,
    /// `vmlinux` or the module name.
    pub object: String,
    /// The address (`section+offset` in a `.ko`).
    pub addr: String,
    /// The size (`0x` hex), where the input records it.
    pub size: Option<String>,
    /// The nm type letter.
    pub nm_type: char,
    /// The source file.
    pub file: Option<String>,
    /// Where `file` came from: `dwarf` (the unit covering the address) or `symtab`
    /// (the nearest preceding `STT_FILE`, used only without DWARF).
    pub file_source: Option<&'static str>,
    /// 1-based position among same-named symbols of the object, in kallsyms order.
    pub position: usize,
    /// How many symbols of the object have this full name.
    pub count: usize,
    /// The sympos to write in the patch (0 when unique).
    pub sympos: usize,
    /// What the kernel says when the patch gives sympos 0 for this name, if it fails.
    pub sympos0_error: Option<String>,
    /// False when the name matched only after cleaning the LTO suffixes.
    pub exact: bool,
}

/// The lookup context over one image.
pub struct Lookup<'a> {
    image: &'a Image,
    order: symtab::sympos::KallsymsOrder<'a>,
    /// A problem worth telling (broken DWARF), found while preparing.
    pub warning: Option<String>,
}

impl<'a> Lookup<'a> {
    /// Prepare lookups over `image`; reads DWARF unit ranges when the image has DWARF.
    pub fn new(image: &'a Image) -> Lookup<'a> {
        Lookup {
            image,
            order: image.order(),
            warning: image.dwarf_warning(),
        }
    }

    /// Every candidate for `query`, grouped by full name (sorted), in kallsyms order.
    pub fn find(&self, query: &str) -> Vec<Found> {
        let mut out = Vec::new();
        for full in self.order.names_cleaning_to(query, Policy::Lto) {
            let cands = self.order.exact(full);
            for c in &cands {
                out.push(self.found(query, full, c, &cands));
            }
        }
        out
    }

    fn found(&self, query: &str, full: &str, c: &Candidate<'_>, all: &[Candidate<'_>]) -> Found {
        let s = c.symbol;
        let same: Vec<&Symbol> = all
            .iter()
            .filter(|o| o.object == c.object)
            .map(|o| o.symbol)
            .collect();
        let sympos0_error = kernel_resolve(&c.object, full, 0, &same).err();
        // Prefer the unit covering the address: the linker writes the symbols LTO made
        // hidden-local after the last STT_FILE symbol, so their STT_FILE is wrong.
        let unit = self.image.unit_file(s.addr);
        let (file, file_source) = match (unit, &s.file) {
            (Some(n), _) => (Some(n), Some("dwarf")),
            (None, Some(f)) => (Some(f.to_string()), Some("symtab")),
            (None, None) => (None, None),
        };
        Found {
            query: query.to_string(),
            name: full.to_string(),
            object: c.object.name().to_string(),
            addr: self.image.display_addr(s),
            size: s.size.map(crate::output::hex),
            nm_type: s.letter,
            file,
            file_source,
            position: c.position,
            count: c.count,
            sympos: c.sympos(),
            sympos0_error,
            exact: full == query,
        }
    }

    /// For a full LTO name that matched nothing (a hash from another build): the names
    /// of this image with the same base name.
    pub fn same_base(&self, query: &str) -> Vec<String> {
        if !has_lto_suffix(query) {
            return Vec::new();
        }
        let base = name::clean(query, Policy::Lto);
        self.order
            .names_cleaning_to(&base, Policy::Lto)
            .into_iter()
            .map(String::from)
            .collect()
    }

    /// The kernel's message for a query that matched nothing by its exact name.
    pub fn not_found_message(&self, query: &str) -> String {
        format!("symbol '{query}' not found in symbol table")
    }
}

/// True if `query` looks like a name with an LTO suffix (so cleaning changes it).
pub fn has_lto_suffix(query: &str) -> bool {
    name::clean(query, Policy::Lto) != query
}
