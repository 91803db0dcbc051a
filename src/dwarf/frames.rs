//! Address → inline chain, and address → symbol.
//!
//! DWARF gives the chain (innermost first) and each level's name and call site; the ELF
//! symbol table names the outermost, real function as the kernel prints it (`foo.cold`,
//! `foo.isra.0`, `foo.llvm.123`), which DWARF does not. Without DWARF the answer is the
//! symbol alone.

use symtab::Symbol;

use super::{Error, Frame, ObjectKind, Result, Symbolizer};

impl Symbolizer {
    /// The symbol containing `addr` and the offset into it (by ELF size, or by distance
    /// to the next symbol for unsized ones).
    pub fn lookup_symbol(&self, addr: u64) -> Option<(&Symbol, u64)> {
        let e = self.addrmap().containing(addr)?;
        Some((&self.symbols()[e.index], addr - e.addr))
    }

    /// The inline chain at `addr`, **innermost first**; the last frame is the outermost,
    /// not-inlined function and carries the containing ELF symbol. Empty when neither DWARF
    /// nor the symbol table knows the address. An error means this address's unit has
    /// malformed DWARF; other addresses may still resolve.
    pub fn lookup(&self, addr: u64) -> Result<Vec<Frame>> {
        let symbol = self.lookup_symbol(addr);
        let mut frames: Vec<Frame> = Vec::new();
        if let Some(ctx) = &self.context {
            let wrap =
                |e: Error| Error::new(format!("{}: address {addr:#x}: {e}", self.path().display()));
            let raw = ctx.frames(addr).map_err(wrap)?;
            let n = raw.len();
            frames = raw
                .into_iter()
                .enumerate()
                .map(|(i, r)| Frame {
                    function: r.function,
                    file: r.file,
                    line: r.line,
                    column: r.column,
                    inlined: i + 1 < n,
                    ..Frame::default()
                })
                .collect();
            if let Some(first) = frames.first_mut() {
                let d = ctx.discriminator(addr).map_err(wrap)?;
                first.discriminator = (d != 0).then_some(d);
            }
        }
        if let Some((sym, off)) = symbol {
            if frames.is_empty() {
                frames.push(Frame::default());
            }
            if let Some(last) = frames.last_mut() {
                last.symbol = Some(sym.name.clone());
                last.symbol_offset = Some(off);
            }
        }
        Ok(frames)
    }

    /// The kallsyms size of symbol `index` (into [`Self::symbols`]), as
    /// `scripts/faddr2line` computes it: the distance to the first symbol of the same
    /// section at or past the symbol's ELF end (at least one byte on), else to the
    /// section's end. Mapping symbols (`$x`, `$d`) do not count. `None` for symbols
    /// without a section or when the distance is 0.
    pub fn kallsyms_size(&self, index: usize) -> Option<u64> {
        let s = self.symbols().get(index)?;
        let sec = s.section_index?;
        let by_section = self.by_section.get_or_init(|| {
            let mut v: Vec<(usize, u64)> = self
                .symbols()
                .iter()
                .filter(|s| !s.is_mapping_symbol())
                .filter_map(|s| Some((s.section_index?, s.addr)))
                .collect();
            v.sort_unstable();
            v
        });
        let list = &by_section[by_section.partition_point(|e| e.0 < sec)..];
        let list = &list[..list.partition_point(|e| e.0 == sec)];
        let start =
            list.partition_point(|e| e.1 < s.addr.saturating_add(s.size.unwrap_or(0).max(1)));
        let end = match list.get(start) {
            Some(&(_, next)) => next,
            None => {
                let info = self.sections().iter().find(|x| x.index == sec)?;
                // Symbol values of relocatable objects are section offsets.
                let base = if self.kind() == ObjectKind::Relocatable {
                    0
                } else {
                    info.addr
                };
                base + info.size
            }
        };
        end.checked_sub(s.addr).filter(|&n| n > 0)
    }

    /// Indices (into [`Self::symbols`]) of the symbols named exactly `name`, in file
    /// order. The index is built on first use.
    pub fn symbols_named(&self, name: &str) -> Vec<usize> {
        let index = self.by_name.get_or_init(|| {
            let mut v: Vec<(u64, u32)> = self
                .symbols()
                .iter()
                .enumerate()
                .filter_map(|(i, s)| Some((name_hash(&s.name), u32::try_from(i).ok()?)))
                .collect();
            v.sort_unstable();
            v
        });
        let h = name_hash(name);
        let from = index.partition_point(|e| e.0 < h);
        index[from..]
            .iter()
            .take_while(|e| e.0 == h)
            .map(|e| e.1 as usize)
            .filter(|&i| self.symbols()[i].name == name)
            .collect()
    }

    /// Indices of the symbols a trace may print as `name` once LTO renaming is lost
    /// (`foo` for `foo.llvm.N`, `foo.lto_priv.N`, a full-LTO `foo.N`: the name grammar's
    /// [`symtab::name::Name::lookup_keys`]), in file order; exact names not included. The
    /// index covers only names with a dot and is built on first use.
    pub fn symbols_lto_named(&self, name: &str) -> &[usize] {
        let index = self.by_lto_name.get_or_init(|| {
            let mut index: std::collections::HashMap<String, Vec<usize>> =
                std::collections::HashMap::new();
            for (i, s) in self.symbols().iter().enumerate() {
                if s.name.contains('.') {
                    for key in symtab::name::Name::parse(&s.name).lookup_keys() {
                        index.entry(key.into_owned()).or_default().push(i);
                    }
                }
            }
            index
        });
        index.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The source directory prefix, found as `scripts/faddr2line` finds it: the file of
    /// `start_kernel`'s address, cut before `init/main.c` (`/usr/src/linux-6.1/`). `None`
    /// for modules and objects without `start_kernel`.
    pub fn source_prefix(&self) -> Option<String> {
        let sym = self.symbols().iter().find(|s| s.name == "start_kernel")?;
        let addr = self.symbol_address(sym)?;
        let frames = self.lookup(addr).ok()?;
        let file = frames.first()?.file.as_deref()?;
        let cut = file.rfind("init/main.c")?;
        (cut > 0).then(|| file[..cut].to_string())
    }
}

/// FNV-1a: a fast, stable hash for the name index.
fn name_hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
