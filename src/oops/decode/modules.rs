//! Finding a module's object file: `NAME.ko`, `NAME.ko.xz`, `NAME.ko.zst`, `NAME.ko.gz`.
//!
//! Places searched, in order: the module files given as such ([`ModuleFile`]: `--module`,
//! or the files `ksym serve` found in its stores), then the `--modules` directories,
//! `/lib/modules/R` and `/usr/lib/debug/lib/modules/R` (R from `--release` or the log),
//! each recursively, walked only when no given file answers; `-` and `_` are
//! interchangeable in names, as the kernel treats them.
//! A candidate whose GNU build id differs from the one the log printed (`[lkdtm
//! ccda8445...]`) is skipped; when the log has a build id and no candidate matches,
//! `/usr/lib/debug/.build-id/xx/rest.debug` is tried. Compressed modules (`.ko.xz`,
//! `.ko.zst`, `.ko.gz`) are used as they are: opening one decompresses it
//! ([`symtab::input::Input::open`]). System places
//! are looked up under `$KSYM_SYSROOT` when it is set ([`system_path`]).

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use super::{Error, ErrorKind};
use crate::dwarf::{check_release, system_path};

/// Directories are walked to this depth at most.
const MAX_DEPTH: usize = 8;

/// A module's object file given as such: the first candidate for the frames of its
/// module, before any directory is walked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleFile {
    /// The file, named as a module is (`NAME.ko`, `NAME.ko.xz`...): its name is the
    /// module's.
    pub path: PathBuf,
    /// Its GNU build id (hex), when the caller has read it; else read from the file when
    /// a log's build id is to be compared. Taken as given: a file changed since the
    /// caller read it is told by its identity checks once opened, not by the search.
    pub build_id: Option<String>,
}

/// Finds and prepares module files.
pub struct Finder {
    /// The files given, by normalized module name, in the order given.
    files: HashMap<String, Vec<ModuleFile>>,
    dirs: Vec<PathBuf>,
    index: Option<HashMap<String, Vec<PathBuf>>>,
    /// Why the release gave no places.
    refused: Option<crate::dwarf::Error>,
    /// The file [`Finder::find`] last opened to read its build id, as opened (mapped or
    /// decompressed, its headers parsed), for [`Finder::take_opened`].
    opened: Option<(PathBuf, crate::dwarf::Bytes)>,
}

/// `-` and `_` made the same.
pub fn normalize(name: &str) -> String {
    name.replace('-', "_")
}

impl Finder {
    /// A finder over `files` (module files given as such: not checked until used; one
    /// whose name is no module's is never a candidate), then `dirs` (explicit first),
    /// plus the usual places for `release`.
    ///
    /// Only these directories are searched: not the directory of the vmlinux (`_vmlinux`
    /// is accepted for callers that have one; a file's neighbours are not modules because
    /// they are near it). A `release` that is not a kernel release name
    /// ([`check_release`]: it comes from the log) adds no place; [`Finder::find`] says
    /// why.
    pub fn new(
        files: &[ModuleFile],
        mut dirs: Vec<PathBuf>,
        _vmlinux: Option<&Path>,
        release: Option<&str>,
    ) -> Finder {
        let mut by_name: HashMap<String, Vec<ModuleFile>> = HashMap::new();
        for f in files {
            if let Some(n) = f
                .path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(module_name)
            {
                by_name.entry(normalize(n)).or_default().push(f.clone());
            }
        }
        let mut refused = None;
        match release.map(check_release) {
            Some(Ok(r)) => {
                dirs.push(system_path(&format!("/lib/modules/{r}")));
                dirs.push(system_path(&format!("/usr/lib/debug/lib/modules/{r}")));
            }
            Some(Err(e)) => refused = Some(e),
            None => {}
        }
        Finder {
            files: by_name,
            dirs,
            index: None,
            refused,
            opened: None,
        }
    }

    fn index(&mut self) -> &HashMap<String, Vec<PathBuf>> {
        if self.index.is_none() {
            let mut map: HashMap<String, Vec<PathBuf>> = HashMap::new();
            for d in &self.dirs {
                walk(d, 0, &mut map);
            }
            self.index = Some(map);
        }
        self.index.get_or_insert_with(HashMap::new)
    }

    /// The usable (decompressed) file of module `name`, checked against `build_id` when
    /// given: the files given first, then the directories (walked on the first question
    /// the files do not answer). `Err` explains what was looked at.
    pub fn find(&mut self, name: &str, build_id: Option<&str>) -> Result<PathBuf, Error> {
        let key = normalize(name);
        let mut mismatched = Vec::new();
        self.opened = None;
        let given = self.files.get(&key).map(Vec::as_slice).unwrap_or_default();
        for f in given {
            let Some(want) = build_id else {
                return Ok(f.path.clone());
            };
            let (have, opened) = match &f.build_id {
                Some(id) => (Some(id.clone()), None),
                None => open_with_id(&f.path),
            };
            match have {
                Some(have) if !want.eq_ignore_ascii_case(&have) => {
                    mismatched.push(format!("{} (build id {have})", f.path.display()));
                }
                _ => {
                    self.opened = opened.map(|b| (f.path.clone(), b));
                    return Ok(f.path.clone());
                }
            }
        }
        let cands = self.index().get(&key).cloned().unwrap_or_default();
        for c in &cands {
            let Some(want) = build_id else {
                return Ok(c.clone());
            };
            let (have, opened) = open_with_id(c);
            match have {
                Some(have) if !want.eq_ignore_ascii_case(&have) => {
                    mismatched.push(format!("{} (build id {have})", c.display()));
                }
                _ => {
                    self.opened = opened.map(|b| (c.clone(), b));
                    return Ok(c.clone());
                }
            }
        }
        if let Some((head, tail)) = build_id
            .filter(|id| id.len() > 2 && id.bytes().all(|b| b.is_ascii_hexdigit()))
            .map(|id| id.split_at(2))
        {
            let p = system_path(&format!("/usr/lib/debug/.build-id/{head}/{tail}.debug"));
            if p.is_file() {
                return Ok(p);
            }
        }
        let mut msg = format!("module {name}: ");
        if !mismatched.is_empty() {
            msg += &format!(
                "build id {} not matched by {}",
                build_id.unwrap_or(""),
                mismatched.join(", ")
            );
        } else {
            let places: Vec<String> = self.dirs.iter().map(|d| d.display().to_string()).collect();
            msg += &format!(
                "no {name}.ko, .ko.xz, .ko.zst or .ko.gz under {}",
                if places.is_empty() {
                    "any directory (give --modules DIR or --release R)".to_string()
                        + &self
                            .refused
                            .as_ref()
                            .map(|e| format!("; {e}"))
                            .unwrap_or_default()
                } else {
                    places.join(", ")
                }
            );
        }
        Err(Error::new(ErrorKind::NotFound, msg))
    }
}

impl Finder {
    /// The file at `path` as the last [`Finder::find`] opened it, if it opened that one.
    pub(crate) fn take_opened(&mut self, path: &Path) -> Option<crate::dwarf::Bytes> {
        match self.opened.take() {
            Some((p, b)) if p == path => Some(b),
            _ => None,
        }
    }
}

/// Module name of a file name: `lkdtm.ko`, `lkdtm.ko.xz`, `lkdtm.ko.zst`, `lkdtm.ko.gz`.
fn module_name(file: &str) -> Option<&str> {
    let stem = file
        .strip_suffix(".xz")
        .or_else(|| file.strip_suffix(".zst"))
        .or_else(|| file.strip_suffix(".gz"))
        .unwrap_or(file);
    stem.strip_suffix(".ko")
}

fn walk(dir: &Path, depth: usize, map: &mut HashMap<String, Vec<PathBuf>>) {
    let Ok(rd) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let Ok(ft) = e.file_type() else {
            continue;
        };
        let path = e.path();
        if ft.is_dir() {
            if depth < MAX_DEPTH {
                walk(&path, depth + 1, map);
            }
        } else if let Some(n) = e.file_name().to_str().and_then(module_name) {
            map.entry(normalize(n)).or_default().push(path);
        }
    }
}

/// `path` opened, and its build id in hex. Opened once: the decoder takes this opening
/// ([`Finder::take_opened`]) instead of mapping (or decompressing) the file again.
fn open_with_id(path: &Path) -> (Option<String>, Option<crate::dwarf::Bytes>) {
    let opened = crate::dwarf::map_file(path).ok();
    let have = opened.as_ref().and_then(|b| {
        let id = b.object().ok()?.build_id(b)?;
        Some(id.iter().map(|b| format!("{b:02x}")).collect::<String>())
    });
    (have, opened)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(module_name("lkdtm.ko"), Some("lkdtm"));
        assert_eq!(module_name("a-b.ko.zst"), Some("a-b"));
        assert_eq!(module_name("x.ko.gz"), Some("x"));
        assert_eq!(module_name("x.ko.bz2"), None);
        assert_eq!(normalize("snd-hda"), "snd_hda");
    }
}
