//! `ksym kallsyms`: a drop-in replacement for the kernel's `scripts/kallsyms`.
//!
//! With the default 6.1 layout the output is byte-identical to Linux 6.1's tool for the
//! same flags and map, and so are its stderr messages and exit status (1 for usage
//! errors, an unreadable map, no valid symbol and an address that does not fit the
//! layout); on such a failure, as with the C tool, the part of the table written before
//! it stays on stdout.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use symtab::kallsyms::{self, Failure, Layout};
use symtab::name::Policy;

use super::{Out, Status};

/// The C tool's usage line, printed (with exit status 1) when no map is given: that of
/// the layout's kernel (6.11-6.14 list their two flags, 6.15 and later one).
fn usage(layout: Layout) -> &'static str {
    match layout {
        Layout::V6_1 | Layout::V6_4 => {
            "Usage: kallsyms [--all-symbols] [--absolute-percpu] [--base-relative] \
             [--lto-clang] in.map > out.S"
        }
        Layout::V6_11 => "Usage: kallsyms [--all-symbols] [--absolute-percpu] in.map > out.S",
        Layout::V6_15 | Layout::V7_0 => "Usage: kallsyms [--all-symbols] in.map > out.S",
    }
}

/// Generate the kallsyms assembler source from a symbol map (System.map / nm -n output).
///
/// Exit status: 0 success; 1 as scripts/kallsyms (usage, unreadable map, no valid symbol,
/// an address out of range for the layout); 2 other errors.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Keep symbols outside the text sections (CONFIG_KALLSYMS_ALL).
    #[arg(long)]
    all_symbols: bool,
    /// Store percpu symbols as absolute values (x86_64 SMP, layouts before 6.15).
    #[arg(long)]
    absolute_percpu: bool,
    /// Store 32-bit offsets from kallsyms_relative_base (implied from 6.11).
    #[arg(long)]
    base_relative: bool,
    /// Sort kallsyms_seqs_of_names by names cut at ".llvm." (Clang LTO, layouts before 6.11).
    #[arg(long)]
    lto_clang: bool,
    /// Table layout and the map reading and symbol selection of its kernels: 6.1 (the
    /// default), 6.4, 6.11, 6.15 or 7.0 (the default with --pc-relative), or the version
    /// of the kernel being linked (6.12 selects 6.11). From 6.4 the map
    /// is read line by line (a malformed line stops the run), the name filters are left to
    /// scripts/mksysmap, and __start_*/__stop_* are kept without --all-symbols.
    #[arg(long, value_name = "VERSION")]
    layout: Option<Layout>,
    /// Store offsets relative to each entry (the 7.0 layout; selects it by default).
    #[arg(long)]
    pc_relative: bool,
    /// Clean names inside the table: lto, llvm, first-dot or none (the default, as kernels
    /// expect). Names that would merge distinct symbols are reported on stderr; with lto
    /// those symbols keep their full names.
    #[arg(long, value_name = "POLICY", default_value = "none")]
    clean: Policy,
    /// The link inputs (objects, LLVM bitcode, archives): with --clean=lto, a numeric
    /// suffix is dropped only when the suffixed name is absent from them (LTO made it).
    /// End the list with another option or `--`.
    #[arg(long, value_name = "OBJ|ARCHIVE", num_args = 1..)]
    inputs: Vec<PathBuf>,
    /// The symbol map (the C tool reads only the first file named).
    #[arg(value_name = "IN.map")]
    map: Vec<PathBuf>,
}

impl Args {
    /// The generator's options these arguments select.
    fn generate(&self) -> kallsyms::Options {
        let layout = self.layout.unwrap_or(if self.pc_relative {
            Layout::V7_0
        } else {
            Layout::V6_1
        });
        kallsyms::Options {
            all_symbols: self.all_symbols,
            absolute_percpu: self.absolute_percpu,
            base_relative: self.base_relative,
            lto_clang: self.lto_clang,
            pc_relative: self.pc_relative,
            layout,
            clean: (self.clean != Policy::None).then_some(self.clean),
        }
    }
}

/// `perror()`'s text for an I/O error: the message without Rust's "(os error N)".
fn strerror(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Run `ksym kallsyms`.
pub fn run(o: Args, out: Out<'_>) -> Result<Status> {
    let generate = o.generate();
    // The C tool reads only the first file named.
    let Some(path) = o.map.into_iter().next() else {
        eprintln!("{}", usage(generate.layout));
        return Ok(Status::NotFound);
    };
    // As scripts/kallsyms.c: a map that cannot be opened is reported with strerror.
    if let Err(e) = std::fs::File::open(&path) {
        eprintln!("{}: {}", path.display(), strerror(&e));
        return Ok(Status::NotFound);
    }
    let data = symtab::input::Input::open(&path)?;
    let inputs = if o.inputs.is_empty() {
        None
    } else {
        Some(ksym::link::input_names(&o.inputs)?)
    };
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    let rules = kallsyms::raw::Rules::of(generate.layout);
    let map = match kallsyms::raw::read_map_with(&data, rules) {
        Ok(map) => map,
        Err(diagnostics) => {
            for d in &diagnostics {
                writeln!(err, "{d}")?;
            }
            return Ok(Status::NotFound);
        }
    };
    drop(data);
    match kallsyms::generate_with_inputs(map, &generate, inputs.as_ref(), out) {
        Ok(g) => {
            for d in &g.diagnostics {
                writeln!(err, "{d}")?;
            }
            Ok(Status::Ok)
        }
        Err(Failure::Kallsyms(diagnostics)) => {
            out.flush()?;
            for d in &diagnostics {
                writeln!(err, "{d}")?;
            }
            Ok(Status::NotFound)
        }
        Err(Failure::Io(e)) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct T {
        #[command(flatten)]
        a: Args,
    }

    #[test]
    fn flags() {
        let a = T::parse_from(["t", "--all-symbols", "--lto-clang", "--layout=6.4", "x.map"]).a;
        let o = a.generate();
        assert!(o.all_symbols && o.lto_clang);
        assert_eq!(o.layout, Layout::V6_4);
        assert_eq!(a.map, [std::path::Path::new("x.map")]);
        let o = T::parse_from(["t", "--pc-relative", "x"]).a.generate();
        assert_eq!(o.layout, Layout::V7_0);
        assert!(o.clean.is_none());
        assert!(T::try_parse_from(["t", "--layout=5.0", "x"]).is_err());
        // An explicit older layout stays, so that the generator rejects the flag.
        let o = T::parse_from(["t", "--pc-relative", "--layout=6.1", "x"])
            .a
            .generate();
        assert_eq!(o.layout, Layout::V6_1);
        assert!(o.address_mode().is_err());
    }
}
