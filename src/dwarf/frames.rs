//! Address → inline chain, and address → symbol.
//!
//! DWARF gives the chain (innermost first) and each level's name and call site; the ELF
//! symbol table names the outermost, real function as the kernel prints it (`foo.cold`,
//! `foo.isra.0`, `foo.llvm.123`), which DWARF does not. Without DWARF the answer is the
//! symbol alone.

use std::borrow::Cow;

use symtab::Symbol;

use super::{Error, Frame, ObjectKind, Result, Symbolizer};

impl Symbolizer {
    /// The symbol containing `addr` and the offset into it (by ELF size, or by distance
    /// to the next symbol for unsized ones).
    pub fn lookup_symbol(&self, addr: u64) -> Option<(Cow<'_, Symbol>, u64)> {
        let (index, offset) = self.symbols.containing(addr)?;
        Some((self.symbol(index)?, offset))
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
                |e: Error| e.prefixed(format_args!("{}: address {addr:#x}", self.path().display()));
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
        self.symbols.kallsyms_size(index, |sec| {
            let info = self.sections().iter().find(|x| x.index == sec)?;
            // Symbol values of relocatable objects are section offsets.
            let base = if self.kind() == ObjectKind::Relocatable {
                0
            } else {
                info.addr
            };
            base.checked_add(info.size)
        })
    }

    /// Indices (into [`Self::symbols`]) of the symbols named exactly `name`, in file
    /// order.
    pub fn symbols_named(&self, name: &str) -> Vec<usize> {
        self.symbols.named(name)
    }

    /// Indices of the symbols a trace may print as `name` once LTO renaming is lost
    /// (`foo` for `foo.llvm.N`, `foo.lto_priv.N`, a full-LTO `foo.N`: the name grammar's
    /// [`symtab::name::Name::lookup_keys`]), in file order; exact names not included.
    pub fn symbols_lto_named(&self, name: &str) -> Vec<usize> {
        self.symbols.lto_named(name)
    }
}
