//! `decode --source`: after each decoded frame, the source line it points at.
//!
//! The line is the innermost location of the frame (the `file:line` printed on the
//! frame line), written as `faddr2line --list` marks its located line: `>N<`, a tab, the
//! text. It starts with the frame line's prefix and indent and ends with its line end,
//! as the inline lines do ([`super::render::write_continuations`]).
//!
//! A source is looked for, in order: at the path printed (relative to the current
//! directory, the source prefix stripped), at the path the DWARF names, then from
//! debuginfod by the object's build id (`/buildid/ID/source/PATH`). Each file is read
//! once (at most [`MAX_SOURCE`] bytes; at most [`MAX_FILES`] kept), and a file found
//! nowhere is reported once.

use std::collections::HashMap;
use std::fs;
use std::io::{self, Read, Write};
use std::path::Path;

use super::{modules, render, Decoder, Error, ErrorKind, Outcome};
use crate::debuginfod;
use crate::oops::Line;

/// Bytes of one source file read at most.
pub const MAX_SOURCE: u64 = 8 << 20;

/// Source files kept in memory at most; beyond, the kept ones are dropped.
pub const MAX_FILES: usize = 512;

/// Source files read so far, by the path printed: their lines, or why there are none.
#[derive(Default)]
pub struct Sources {
    files: HashMap<String, Result<Vec<String>, Error>>,
}

impl Sources {
    /// Line `n` of `file` (as printed) of `object`, whose DWARF paths start with
    /// `prefix` when that was stripped. `Ok(None)`: the file is shorter.
    fn line(
        &mut self,
        object: &Path,
        prefix: Option<&str>,
        file: &str,
        n: u32,
    ) -> Result<Option<String>, Error> {
        if !self.files.contains_key(file) {
            if self.files.len() >= MAX_FILES {
                self.files.clear();
            }
            let read = read_source(object, prefix, file);
            self.files.insert(file.to_string(), read);
        }
        match self.files.get(file) {
            Some(Ok(lines)) => Ok((n as usize)
                .checked_sub(1)
                .and_then(|i| lines.get(i))
                .cloned()),
            Some(Err(e)) => Err(e.clone()),
            None => Ok(None),
        }
    }
}

fn read_limited(p: &Path) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    fs::File::open(p)?.take(MAX_SOURCE).read_to_end(&mut buf)?;
    Ok(buf)
}

fn read_source(object: &Path, prefix: Option<&str>, file: &str) -> Result<Vec<String>, Error> {
    let full = debuginfod::dwarf_path(prefix, file);
    let mut looked = vec![file.to_string()];
    if full != file {
        looked.push(full.clone());
    }
    let local = looked.iter().find_map(|p| read_limited(Path::new(p)).ok());
    let bytes = match local {
        Some(b) => b,
        None => match debuginfod::source(object, prefix, file) {
            Ok(p) => read_limited(&p)
                .map_err(|e| Error::new(ErrorKind::Io, format!("{}: {e}", p.display())))?,
            Err(e) => {
                let mut msg = format!("{file}: no source (looked at {})", looked.join(", "));
                if !e.asked_nobody() {
                    msg += &format!("; {e}");
                }
                return Err(Error::new(ErrorKind::NotFound, msg));
            }
        },
    };
    Ok(String::from_utf8_lossy(&bytes)
        .lines()
        .map(|l| l.trim_end().to_string())
        .collect())
}

impl Decoder<'_> {
    /// After the frame line `raw` (already written), the source line of each of its
    /// decoded frames.
    pub(super) fn write_sources(
        &mut self,
        out: &mut dyn Write,
        raw: &[u8],
        line: &Line,
        outcomes: &[Outcome],
    ) -> io::Result<()> {
        let mut texts = Vec::new();
        for (f, o) in line.frames.iter().zip(outcomes) {
            let Some(Ok(r)) = o else {
                continue;
            };
            let Some((file, n)) = r
                .chain
                .first()
                .and_then(|l| Some((l.file.clone()?, l.line?)))
            else {
                continue;
            };
            let object = match &f.module {
                Some(m) => self.modules.get(&modules::normalize(m)),
                None => self.vmlinux.as_ref(),
            };
            let Some(Ok(object)) = object else {
                continue;
            };
            let path = object.symz.path().to_path_buf();
            let prefix = object.prefix.clone();
            match self.sources.line(&path, prefix.as_deref(), &file, n) {
                Ok(Some(t)) => texts.push(format!(">{n}<\t{t}")),
                Ok(None) => {}
                Err(e) => self.warn_once(e.message()),
            }
        }
        render::write_continuations(out, raw, line, &texts)
    }
}
