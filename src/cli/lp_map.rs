//! `ksym lp-map`: match the functions and objects of two builds across LTO renames.

use std::path::PathBuf;

use anyhow::Result;
use serde::Serialize;

use super::{Out, Status};
use ksym::livepatch::image::Image;
use ksym::livepatch::lpmap::{self, Entry, Mapping, Rule};
use ksym::output::write_record;

/// Match every function and object of OLD to NEW, even when LTO suffixes differ.
///
/// Rules, in order: name (same full name), file+base (same source file and name without
/// LTO suffixes), hash (a matched .llvm.N pair maps every promoted symbol of its
/// file), position (what is left of one name, in kallsyms order). Text output lists the
/// pairs that were not matched by name or whose size changed, the unmatched and
/// ambiguous symbols, and a summary; --all lists every pair. --json lists everything.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Write JSON Lines (types "pair", "removed", "added", "ambiguous", "summary").
    #[arg(long)]
    json: bool,
    /// List every pair, also those matched by an unchanged name and size.
    #[arg(long)]
    all: bool,
    /// The old build: vmlinux, .ko, System.map or /proc/kallsyms dump.
    #[arg(value_name = "OLD")]
    old: PathBuf,
    /// The new build, of the same kind.
    #[arg(value_name = "NEW")]
    new: PathBuf,
}

/// Counts of a mapping.
#[derive(Serialize, Debug, Default)]
pub struct Summary {
    /// Pairs, all rules.
    pub pairs: usize,
    /// Pairs per rule.
    pub name: usize,
    /// Pairs matched by file and base name.
    pub file_base: usize,
    /// Pairs matched by hash seeding.
    pub hash: usize,
    /// Pairs matched by position.
    pub position: usize,
    /// Pairs whose size changed.
    pub size_changed: usize,
    /// Symbols only in OLD.
    pub removed: usize,
    /// Symbols only in NEW.
    pub added: usize,
    /// Ambiguous groups.
    pub ambiguous: usize,
}

fn summary(m: &Mapping) -> Summary {
    let count = |r: Rule| m.pairs.iter().filter(|p| p.rule == r).count();
    Summary {
        pairs: m.pairs.len(),
        name: count(Rule::Name),
        file_base: count(Rule::FileBase),
        hash: count(Rule::Hash),
        position: count(Rule::Position),
        size_changed: m.pairs.iter().filter(|p| p.size_changed).count(),
        removed: m.removed.len(),
        added: m.added.len(),
        ambiguous: m.ambiguous.len(),
    }
}

fn describe(e: &Entry) -> String {
    let mut s = format!("{} {} {}", e.class, e.name, e.addr);
    if let Some(z) = &e.size {
        s += &format!(" size={z}");
    }
    if let Some(f) = &e.file {
        s += &format!(" {f}");
    }
    s
}

fn write_text(out: Out<'_>, o: &Args, m: &Mapping) -> std::io::Result<()> {
    for p in &m.pairs {
        if o.all || p.rule != Rule::Name || p.size_changed {
            write!(
                out,
                "{:<9} {} -> {}",
                p.rule.as_str(),
                p.old.name,
                p.new.name
            )?;
            if p.size_changed {
                let z = |e: &Entry| e.size.clone().unwrap_or_default();
                write!(out, "  size {} -> {}", z(&p.old), z(&p.new))?;
            }
            if let Some(f) = p.new.file.as_ref().or(p.old.file.as_ref()) {
                write!(out, "  {f}")?;
            }
            writeln!(out)?;
        }
    }
    for e in &m.removed {
        writeln!(out, "removed   {}", describe(e))?;
    }
    for e in &m.added {
        writeln!(out, "added     {}", describe(e))?;
    }
    for a in &m.ambiguous {
        writeln!(
            out,
            "ambiguous {} ({}): {} in OLD, {} in NEW",
            a.base,
            a.file.as_deref().unwrap_or("file unknown"),
            a.old.len(),
            a.new.len()
        )?;
        for e in &a.old {
            writeln!(out, "  old {}", describe(e))?;
        }
        for e in &a.new {
            writeln!(out, "  new {}", describe(e))?;
        }
    }
    let s = summary(m);
    writeln!(
        out,
        "summary: {} pairs (name {}, file+base {}, hash {}, position {}), {} size changes, \
         {} removed, {} added, {} ambiguous",
        s.pairs,
        s.name,
        s.file_base,
        s.hash,
        s.position,
        s.size_changed,
        s.removed,
        s.added,
        s.ambiguous
    )
}

/// Run `ksym lp-map`.
pub fn run(o: Args, out: Out<'_>) -> Result<Status> {
    let old = Image::open(&o.old)?;
    let new = Image::open(&o.new)?;
    lpmap::check_compatible(&old, &new)?;
    let (old_entries, w1) = lpmap::entries(&old);
    let (new_entries, w2) = lpmap::entries(&new);
    for w in [w1, w2].into_iter().flatten() {
        super::warn(w);
    }
    let m = lpmap::map(&old_entries, &new_entries);
    if o.json {
        for p in &m.pairs {
            write_record(out, "pair", p)?;
        }
        for e in &m.removed {
            write_record(out, "removed", e)?;
        }
        for e in &m.added {
            write_record(out, "added", e)?;
        }
        for a in &m.ambiguous {
            write_record(out, "ambiguous", a)?;
        }
        write_record(out, "summary", summary(&m))?;
    } else {
        write_text(out, &o, &m)?;
    }
    Ok(Status::Ok)
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
        let o = T::try_parse_from(["t", "--all", "a", "b"]).unwrap().a;
        assert!(o.all && !o.json);
        assert!(T::try_parse_from(["t", "a"]).is_err());
    }
}
