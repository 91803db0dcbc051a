//! `ksym sympos`: the livepatch sympos of every symbol a name may mean.

use std::path::PathBuf;

use anyhow::Result;

use super::{warn, Out, Status};
use ksym::livepatch::image::Image;
use ksym::livepatch::sympos::{Found, Lookup};
use ksym::output::write_record;

/// Show every candidate for each NAME with the sympos Linux's livepatch core computes.
///
/// TARGET is a vmlinux, a .ko, a System.map or a /proc/kallsyms dump. NAME is a source
/// name (foo) or a full LTO name (foo.llvm.123). The kernel compares full names: a source
/// name that exists only with an LTO suffix is listed with a note. Each line:
/// NAME OBJECT sympos=N (K of M) ADDRESS size=SIZE FILE.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Write JSON Lines ({"type": "sympos", "data": {...}}) instead of text.
    #[arg(long)]
    json: bool,
    /// The vmlinux or .ko of this GNU build id, from /usr/lib/debug/.build-id or
    /// debuginfod, instead of TARGET.
    #[arg(long, value_name = "HEX")]
    build_id: Option<String>,
    /// vmlinux, .ko, System.map or /proc/kallsyms dump.
    #[arg(value_name = "TARGET", required_unless_present = "build_id")]
    target: Option<PathBuf>,
    /// Names to look up.
    #[arg(required_unless_present = "build_id", value_name = "NAME")]
    names: Vec<String>,
}

fn write_text(out: Out<'_>, f: &[Found]) -> std::io::Result<()> {
    for (i, c) in f.iter().enumerate() {
        write!(
            out,
            "{} {} sympos={} ({} of {}) {}",
            c.name, c.object, c.sympos, c.position, c.count, c.addr
        )?;
        if let Some(s) = &c.size {
            write!(out, " size={s}")?;
        }
        writeln!(out, " {}", c.file.as_deref().unwrap_or("-"))?;
        let last_of_name = f
            .get(i + 1)
            .is_none_or(|n| n.name != c.name || n.object != c.object);
        if last_of_name {
            if let Some(e) = &c.sympos0_error {
                writeln!(out, "  note: with sympos 0 the kernel fails: {e}")?;
            }
            if !c.exact {
                writeln!(
                    out,
                    "  note: the kernel compares full names: patch '{}', not '{}'",
                    c.name, c.query
                )?;
            }
        }
    }
    Ok(())
}

/// Run `ksym sympos`.
pub fn run(o: Args, out: Out<'_>) -> Result<Status> {
    let (mut target, names) = super::object_operands(o.build_id.as_deref(), o.target, o.names);
    if let Some(id) = &o.build_id {
        if names.is_empty() {
            anyhow::bail!("no NAME given after --build-id {id}");
        }
        target = super::build_id_object(id)?;
    }
    let image = Image::open(&target)?;
    let lookup = Lookup::new(&image);
    if let Some(w) = &lookup.warning {
        warn(w);
    }
    let mut status = Status::Ok;
    for q in &names {
        let found = lookup.find(q);
        if found.is_empty() {
            let similar = lookup.same_base(q);
            if similar.is_empty() {
                warn(format_args!(
                    "{}: no symbol named '{q}', nor any whose name without LTO suffixes is '{q}'",
                    target.display()
                ));
            } else {
                warn(format_args!(
                    "{}: no symbol named '{q}'; same name without LTO suffixes: {}",
                    target.display(),
                    similar.join(", ")
                ));
            }
            status = Status::NotFound;
            continue;
        }
        if !found.iter().any(|f| f.exact) && !o.json {
            writeln!(
                out,
                "{q}: {} (only LTO-suffixed names match)",
                lookup.not_found_message(q)
            )?;
        }
        if o.json {
            for f in &found {
                write_record(out, "sympos", f)?;
            }
        } else {
            write_text(out, &found)?;
        }
    }
    Ok(status)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    #[derive(Parser)]
    struct T {
        #[command(flatten)]
        a: super::Args,
    }

    #[test]
    fn parses() {
        let t = T::try_parse_from(["t", "--json", "vmlinux", "a", "b"]).unwrap();
        assert!(t.a.json);
        assert_eq!(t.a.names, ["a", "b"]);
        assert!(T::try_parse_from(["t", "vmlinux"]).is_err());
    }
}
