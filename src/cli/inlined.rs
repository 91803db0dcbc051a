//! `ksym inlined`: every function that holds an inlined copy of FUNCTION, or code from
//! given source lines.

use std::path::PathBuf;

use anyhow::{bail, Result};

use super::{Out, Status};
use ksym::livepatch::image::Image;
use ksym::livepatch::inlined::{self, Holder, Query};
use ksym::output::write_record;

/// List every function (symbol, sympos, address range) holding an inlined copy of
/// FUNCTION, with the call sites, or holding code from --lines FILE:START[-END].
///
/// Reads the DWARF of a vmlinux or .ko (inlined subroutines by abstract origin, across
/// units; line tables). The holding function is named from the symbol table, so .cold
/// parts and LTO names show. Exit 1 when nothing holds it; 2 without debug info.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Write JSON Lines ({"type": "inlined", "data": {...}}) instead of text.
    #[arg(long)]
    json: bool,
    /// Look for code from these lines instead: FILE:LINE or FILE:START-END (FILE is a
    /// path suffix such as kernel/sched/core.c).
    #[arg(long, value_name = "FILE:START[-END]", value_parser = parse_lines)]
    lines: Option<(String, u64, u64)>,
    /// The vmlinux or .ko of this GNU build id, from /usr/lib/debug/.build-id or
    /// debuginfod, instead of VMLINUX|KO.
    #[arg(long, value_name = "HEX")]
    build_id: Option<String>,
    /// vmlinux or .ko with DWARF.
    #[arg(value_name = "VMLINUX|KO", required_unless_present = "build_id")]
    target: Option<PathBuf>,
    /// The inlined function's name.
    #[arg(
        value_name = "FUNCTION",
        required_unless_present_any = ["lines", "build_id"],
        conflicts_with = "lines"
    )]
    function: Option<String>,
}

fn parse_lines(s: &str) -> Result<(String, u64, u64), String> {
    let (file, range) = s
        .rsplit_once(':')
        .ok_or_else(|| format!("{s:?}: expected FILE:START[-END]"))?;
    let num = |t: &str| {
        t.parse::<u64>()
            .map_err(|_| format!("{s:?}: {t:?} is not a line number"))
    };
    let (a, b) = match range.split_once('-') {
        Some((a, b)) => (num(a)?, num(b)?),
        None => (num(range)?, num(range)?),
    };
    if file.is_empty() || a == 0 || b < a {
        return Err(format!(
            "{s:?}: expected FILE:START[-END] with 0 < START <= END"
        ));
    }
    Ok((file.to_string(), a, b))
}

fn write_text(out: Out<'_>, holders: &[Holder]) -> std::io::Result<()> {
    for h in holders {
        write!(out, "{} {}", h.symbol, h.object)?;
        if let Some(p) = h.sympos {
            write!(out, " sympos={p}")?;
        }
        if let Some(r) = &h.range {
            write!(out, " {}-{}", r.low, r.high)?;
        }
        writeln!(out)?;
        for s in &h.sites {
            let ranges: Vec<String> = s
                .ranges
                .iter()
                .map(|r| format!("{}-{}", r.low, r.high))
                .collect();
            let what = if s.origin.is_some() {
                "called at"
            } else {
                "line"
            };
            write!(out, "  {}", ranges.join(","))?;
            match (&s.file, s.line) {
                (Some(f), Some(l)) => writeln!(out, " {what} {f}:{l}")?,
                (Some(f), None) => writeln!(out, " {what} {f}")?,
                _ => writeln!(out)?,
            }
        }
    }
    Ok(())
}

/// Run `ksym inlined`.
pub fn run(o: Args, out: Out<'_>) -> Result<Status> {
    let (mut target, function) = super::object_operands(
        o.build_id.as_deref(),
        o.target,
        o.function.into_iter().collect(),
    );
    let function = function.into_iter().next();
    if let Some(id) = &o.build_id {
        if o.lines.is_some() && function.is_some() {
            bail!("give FUNCTION or --lines, not both");
        }
        target = super::build_id_object(id)?;
    }
    let image = Image::open(&target)?;
    let query = match (&o.lines, &function) {
        (Some((file, start, end)), _) => Query::Lines {
            file,
            start: *start,
            end: *end,
        },
        (None, Some(f)) => Query::Function(f),
        (None, None) => bail!("give FUNCTION or --lines FILE:START[-END]"),
    };
    let holders = inlined::find(&image, &query)?;
    if o.json {
        for h in &holders {
            write_record(out, "inlined", h)?;
        }
    } else {
        write_text(out, &holders)?;
    }
    if holders.is_empty() {
        let what = match &query {
            Query::Function(f) => format!("no inlined copy of '{f}'"),
            Query::Lines { file, start, end } => format!("no code from {file}:{start}-{end}"),
        };
        super::warn(format_args!("{}: {what}", target.display()));
        return Ok(Status::NotFound);
    }
    Ok(Status::Ok)
}

#[cfg(test)]
mod tests {
    use super::parse_lines;

    #[test]
    fn lines_argument() {
        assert_eq!(parse_lines("a/b.c:12").unwrap(), ("a/b.c".into(), 12, 12));
        assert_eq!(parse_lines("b.c:3-9").unwrap(), ("b.c".into(), 3, 9));
        assert!(parse_lines("b.c").is_err());
        assert!(parse_lines("b.c:9-3").is_err());
        assert!(parse_lines(":3").is_err());
        assert!(parse_lines("b.c:x").is_err());
    }
}
