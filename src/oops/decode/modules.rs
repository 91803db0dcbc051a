//! Finding a module's object file: `NAME.ko`, `NAME.ko.xz`, `NAME.ko.zst`.
//!
//! Places searched, in order: the `--modules` directories, the directory of the vmlinux,
//! `/lib/modules/R` and `/usr/lib/debug/lib/modules/R` (R from `--release` or the log),
//! each recursively; `-` and `_` are interchangeable in names, as the kernel treats them.
//! A candidate whose GNU build id differs from the one the log printed (`[lkdtm
//! ccda8445...]`) is skipped; when the log has a build id and no candidate matches,
//! `/usr/lib/debug/.build-id/xx/rest.debug` is tried. Compressed modules are decompressed
//! with the `xz` or `zstd` command into a temporary file removed when the finder is
//! dropped (a crate would add a dependency for what one process call does). System places
//! are looked up under `$KSYM_SYSROOT` when it is set ([`system_path`]).

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use object::Object as _;

use crate::dwarf::system_path;

/// Directories are walked to this depth at most.
const MAX_DEPTH: usize = 8;

/// Finds and prepares module files.
pub struct Finder {
    dirs: Vec<PathBuf>,
    index: Option<HashMap<String, Vec<PathBuf>>>,
    temps: Vec<PathBuf>,
    counter: usize,
    /// Decompressed file → the file it came from.
    origins: HashMap<PathBuf, PathBuf>,
}

/// `-` and `_` made the same.
pub fn normalize(name: &str) -> String {
    name.replace('-', "_")
}

impl Finder {
    /// A finder over `dirs` (explicit first), plus the usual places for `release`.
    pub fn new(mut dirs: Vec<PathBuf>, vmlinux: Option<&Path>, release: Option<&str>) -> Finder {
        if let Some(d) = vmlinux.and_then(Path::parent) {
            dirs.push(if d.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                d.to_path_buf()
            });
        }
        if let Some(r) = release {
            dirs.push(system_path("/lib/modules").join(r));
            dirs.push(system_path("/usr/lib/debug/lib/modules").join(r));
        }
        Finder {
            dirs,
            index: None,
            temps: Vec::new(),
            counter: 0,
            origins: HashMap::new(),
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
    /// given. `Err` explains what was looked at.
    pub fn find(&mut self, name: &str, build_id: Option<&str>) -> Result<PathBuf, String> {
        let cands = self
            .index()
            .get(&normalize(name))
            .cloned()
            .unwrap_or_default();
        let mut mismatched = Vec::new();
        let mut errors = Vec::new();
        for c in &cands {
            let path = match self.prepare(c) {
                Ok(p) => p,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            match (build_id, file_build_id(&path)) {
                (Some(want), Some(have)) if !want.eq_ignore_ascii_case(&have) => {
                    mismatched.push(format!("{} (build id {have})", c.display()));
                }
                _ => return Ok(path),
            }
        }
        if let Some((head, tail)) = build_id
            .filter(|id| id.len() > 2 && id.is_ascii())
            .map(|id| id.split_at(2))
        {
            let p = system_path("/usr/lib/debug/.build-id")
                .join(head)
                .join(format!("{tail}.debug"));
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
        } else if !errors.is_empty() {
            msg += &errors.join("; ");
        } else {
            let places: Vec<String> = self.dirs.iter().map(|d| d.display().to_string()).collect();
            msg += &format!(
                "no {name}.ko, .ko.xz or .ko.zst under {}",
                if places.is_empty() {
                    "any directory (give --modules DIR or --release R)".to_string()
                } else {
                    places.join(", ")
                }
            );
        }
        Err(msg)
    }

    /// Decompress `.xz`/`.zst` into a temporary file; plain files as they are.
    fn prepare(&mut self, path: &Path) -> Result<PathBuf, String> {
        let name = path.to_string_lossy();
        let tool = if name.ends_with(".xz") {
            "xz"
        } else if name.ends_with(".zst") {
            "zstd"
        } else {
            return Ok(path.to_path_buf());
        };
        self.counter += 1;
        let tmp = std::env::temp_dir().join(format!(
            "ksym-decode-{}-{}.ko",
            std::process::id(),
            self.counter
        ));
        let out = fs::File::create(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
        self.temps.push(tmp.clone());
        self.origins.insert(tmp.clone(), path.to_path_buf());
        let status = Command::new(tool)
            .arg("-dc")
            .arg(path)
            .stdout(out)
            .status()
            .map_err(|e| format!("{}: cannot run {tool}: {e}", path.display()))?;
        if !status.success() {
            return Err(format!("{}: {tool} -dc failed ({status})", path.display()));
        }
        Ok(tmp)
    }
}

impl Finder {
    /// The file a prepared file came from (itself when it was not decompressed).
    pub fn origin(&self, prepared: &Path) -> PathBuf {
        self.origins
            .get(prepared)
            .cloned()
            .unwrap_or_else(|| prepared.to_path_buf())
    }
}

impl Drop for Finder {
    fn drop(&mut self) {
        for t in &self.temps {
            let _ = fs::remove_file(t);
        }
    }
}

/// Module name of a file name: `lkdtm.ko`, `lkdtm.ko.xz`, `lkdtm.ko.zst`.
fn module_name(file: &str) -> Option<&str> {
    let stem = file
        .strip_suffix(".xz")
        .or_else(|| file.strip_suffix(".zst"))
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

/// The GNU build id of an ELF file (lowercase hex).
pub fn file_build_id(path: &Path) -> Option<String> {
    let data = fs::read(path).ok()?;
    let file = object::File::parse(&*data).ok()?;
    let id = file.build_id().ok()??;
    Some(id.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(module_name("lkdtm.ko"), Some("lkdtm"));
        assert_eq!(module_name("a-b.ko.zst"), Some("a-b"));
        assert_eq!(module_name("x.ko.gz"), None);
        assert_eq!(normalize("snd-hda"), "snd_hda");
    }
}
