//! The stores: directories of kernel objects indexed by GNU build id, and kernels also by
//! release.
//!
//! Any layout works: a `.build-id/xx/rest.debug` tree, a debuginfod cache
//! (`ID/debuginfo`), or a tree of `vmlinux` and `.ko` files. Every regular ELF file
//! (symbolic links followed) down to [`MAX_DEPTH`] levels is read once (headers, notes,
//! `.modinfo` and the `linux_banner` string only): its build id, whether it is a kernel
//! (`linux_banner`: its release) or a module (`.modinfo`: name and `vermagic` release).
//! Files already seen with the same size and modification time are not read again, so a
//! rescan (at start, then when a lookup misses) costs a walk of the directories.
//!
//! Decode takes a module's name from its file name (`NAME.ko`), so a module file named
//! otherwise in the store (`rest.debug`, `debuginfo`) gets a symbolic link
//! `LINKS/ID/NAME.ko` to it.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use symtab::objfile::Object;

/// Directories are walked to this depth at most.
pub const MAX_DEPTH: usize = 8;

/// What one indexed file is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    /// A kernel image (`linux_banner`).
    Kernel,
    /// A module of this name (`-` as `_`).
    Module(String),
    /// Another ELF file with a build id.
    Other,
}

/// One indexed file.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Where it is.
    pub path: PathBuf,
    /// GNU build id, lowercase hex.
    pub build_id: String,
    /// Kernel, module or other.
    pub role: Role,
    /// Kernel release (`6.1.192`), from `linux_banner` or `vermagic`.
    pub release: Option<String>,
    /// The machine (`x86_64`, `aarch64`...), as `object` names it.
    pub arch: String,
    /// Bytes.
    pub size: u64,
    /// For modules: the file decode is given, named `NAME.ko` as a module file is:
    /// `path` itself when it is so named (decode then names the file as the store has
    /// it), else a link `LINKS/ID/NAME.ko` to `path`.
    pub module_file: Option<PathBuf>,
    mtime: Option<SystemTime>,
}

/// The index of all stores.
#[derive(Debug, Default)]
pub struct Index {
    /// By build id.
    pub by_id: HashMap<String, Entry>,
    /// Files that are no usable ELF, with their size and mtime (not read again).
    skipped: HashMap<PathBuf, (u64, Option<SystemTime>)>,
}

impl Index {
    /// Walk `stores` and index what is new; links for modules go under `links`.
    pub fn scan(&mut self, stores: &[PathBuf], links: &Path) {
        let old: HashMap<PathBuf, Entry> = self
            .by_id
            .drain()
            .map(|(_, e)| (e.path.clone(), e))
            .collect();
        let mut seen = HashMap::new();
        for s in stores {
            walk(s, 0, &mut |p, md| {
                let size = md.len();
                let mtime = md.modified().ok();
                if let Some(e) = old.get(p).filter(|e| e.size == size && e.mtime == mtime) {
                    seen.insert(e.build_id.clone(), e.clone());
                    return;
                }
                if self.skipped.get(p) == Some(&(size, mtime)) {
                    return;
                }
                match read_entry(p, size, mtime) {
                    Some(mut e) => {
                        if let Role::Module(name) = &e.role {
                            e.module_file = if named_as_module(p, name) {
                                Some(p.to_path_buf())
                            } else {
                                make_link(links, &e.build_id, name, p)
                            };
                        }
                        // The first found wins: stores are searched in the order given.
                        seen.entry(e.build_id.clone()).or_insert(e);
                    }
                    None => {
                        self.skipped.insert(p.to_path_buf(), (size, mtime));
                    }
                }
            });
        }
        self.by_id = seen;
    }

    /// The kernel of `release` (and of `arch`, when known: two architectures may share
    /// a release); the first by path when several fit.
    pub fn kernel_by_release(&self, release: &str, arch: Option<&str>) -> Option<&Entry> {
        let mut v: Vec<&Entry> = self
            .by_id
            .values()
            .filter(|e| e.role == Role::Kernel && e.release.as_deref() == Some(release))
            .filter(|e| arch.is_none_or(|a| e.arch == a))
            .collect();
        v.sort_by(|a, b| a.path.cmp(&b.path));
        v.first().copied()
    }

    /// The modules named `name` built for `release` (and `arch`, when known).
    pub fn modules_by_release(&self, name: &str, release: &str, arch: Option<&str>) -> Vec<&Entry> {
        let name = name.replace('-', "_");
        self.by_id
            .values()
            .filter(|e| {
                e.role == Role::Module(name.clone()) && e.release.as_deref() == Some(release)
            })
            .filter(|e| arch.is_none_or(|a| e.arch == a))
            .collect()
    }

    /// Files indexed.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// True when nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
}

fn walk(dir: &Path, depth: usize, f: &mut dyn FnMut(&Path, &fs::Metadata)) {
    let Ok(rd) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        let Ok(md) = fs::metadata(&p) else {
            continue;
        };
        if md.is_dir() {
            if depth < MAX_DEPTH {
                walk(&p, depth + 1, f);
            }
        } else if md.is_file() && md.len() >= 64 {
            f(&p, &md);
        }
    }
}

fn read_entry(path: &Path, size: u64, mtime: Option<SystemTime>) -> Option<Entry> {
    let file = fs::File::open(path).ok()?;
    let mut magic = [0u8; 4];
    std::io::Read::read_exact(&mut &file, &mut magic).ok()?;
    if &magic != b"\x7fELF" {
        return None;
    }
    // Through the one input layer: mapped once, regular files only.
    let map = symtab::input::Input::open(path).ok()?;
    // The headers, parsed once for everything below.
    let obj = map.object().ok()?;
    let id = obj.build_id(&map)?;
    let build_id: String = id.iter().map(|b| format!("{b:02x}")).collect();
    let (role, release) = if let Some(r) = banner_release(&map, obj) {
        (Role::Kernel, Some(r))
    } else if let Some((name, r)) = modinfo(&map, obj) {
        (Role::Module(name.replace('-', "_")), r)
    } else if let Some(n) = path
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_suffix(".ko"))
    {
        (Role::Module(n.replace('-', "_")), None)
    } else {
        (Role::Other, None)
    };
    Some(Entry {
        path: path.to_path_buf(),
        build_id,
        role,
        release,
        arch: symtab::read::elf_arch(obj.machine()).to_string(),
        size,
        module_file: None,
        mtime,
    })
}

/// The release in `linux_banner` (`Linux version 6.1.192 (...`).
fn banner_release(data: &[u8], obj: &Object) -> Option<String> {
    let symbols = symtab::read::ElfSymtab::from_object(data, obj).ok()?;
    let sym = symbols
        .raws()
        .find(|r| symbols.name_is(r, b"linux_banner"))?;
    let sec = obj.section(sym.section_index?)?;
    let data = sec.data(data)?;
    let off = usize::try_from(sym.addr.checked_sub(sec.addr)?).ok()?;
    let text = data.get(off..off.checked_add(128)?.min(data.len()))?;
    let text = std::str::from_utf8(text.split(|&b| b == 0).next()?).ok()?;
    let rest = text.strip_prefix("Linux version ")?;
    rest.split_whitespace().next().map(str::to_string)
}

/// A module's `name=` and the release in its `vermagic=`.
fn modinfo(data: &[u8], obj: &Object) -> Option<(String, Option<String>)> {
    let data = obj.section_by_name(".modinfo")?.data(data)?;
    let mut name = None;
    let mut release = None;
    for field in data.split(|&b| b == 0) {
        let Ok(f) = std::str::from_utf8(field) else {
            continue;
        };
        if let Some(n) = f.strip_prefix("name=") {
            name = Some(n.to_string());
        } else if let Some(v) = f.strip_prefix("vermagic=") {
            release = v.split_whitespace().next().map(str::to_string);
        }
    }
    Some((name?, release))
}

/// True when `path` is called `NAME.ko` (`-` and `_` alike), as decode looks for it.
fn named_as_module(path: &Path, name: &str) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_suffix(".ko"))
        .is_some_and(|n| n.replace('-', "_") == name)
}

fn make_link(links: &Path, id: &str, name: &str, target: &Path) -> Option<PathBuf> {
    let dir = links.join(id);
    let link = dir.join(format!("{name}.ko"));
    let target = fs::canonicalize(target).ok()?;
    if fs::read_link(&link).ok().as_deref() == Some(target.as_path()) {
        return Some(link);
    }
    fs::create_dir_all(&dir).ok()?;
    let _ = fs::remove_file(&link);
    std::os::unix::fs::symlink(&target, &link).ok()?;
    Some(link)
}

/// The architecture of a report, from its register names, as [`Entry::arch`] names it.
pub fn report_arch(o: &crate::oops::Oops) -> Option<&'static str> {
    o.registers
        .iter()
        .flat_map(|b| &b.registers)
        .find_map(|r| match r.name.as_str() {
            "RIP" | "RSP" | "RAX" | "EFLAGS" => Some("x86_64"),
            "pc" | "lr" | "pstate" | "x29" => Some("aarch64"),
            _ => None,
        })
}
