//! The download cache, laid out as elfutils' client lays it out, so that files fetched by
//! ksym, `debuginfod-find`, gdb or drgn serve all of them.
//!
//! ```text
//! $DEBUGINFOD_CACHE_PATH            (else $XDG_CACHE_HOME/debuginfod_client,
//!                                    else ~/.cache/debuginfod_client)
//!   f30b2d2a4e5354a8130d75c3b340f2d18459dd3b/      one directory per build id (mode 0700)
//!     debuginfo                                     the ELF with DWARF (mode 0400)
//!     executable                                    the ELF as it ran
//!     source##usr##src##linux-6.1##init##main.c     a source file: each `/` as `##`
//! ```
//!
//! elfutils records a server's "not found" as an empty file (a negative entry, valid
//! for `cache_miss_s` seconds); ksym neither writes nor trusts empty files, and a
//! download replaces them. A file whose build id is not the directory's is ignored and
//! replaced too. Downloads are written beside their target as `NAME.ksym-PID` and
//! renamed into place once checked, so a killed process never leaves half a file under
//! the real name (the next download of that build id removes such leftovers). While
//! downloading, ksym holds an exclusive `flock` on the build id's directory: other ksym
//! processes wait for it and then find the file in place.
//! Nothing here removes old files; elfutils' client prunes the directory by its own
//! `cache_clean_interval_s` and `max_unused_age_s`.

use std::fs;
use std::io;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};

use super::Kind;
use symtab::input::file_build_id;

/// The cache directory elfutils' client would use.
pub fn default_dir() -> PathBuf {
    let var = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    if let Some(p) = var("DEBUGINFOD_CACHE_PATH") {
        return PathBuf::from(p);
    }
    if let Some(x) = var("XDG_CACHE_HOME") {
        return Path::new(&x).join("debuginfod_client");
    }
    let home = var("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/"));
    // elfutils keeps using the directory of its first releases when it exists.
    let legacy = home.join(".debuginfod_client_cache");
    if legacy.is_dir() {
        return legacy;
    }
    home.join(".cache").join("debuginfod_client")
}

/// The file name of `kind` inside its build id's directory.
pub fn file_name(kind: &Kind) -> String {
    match kind {
        Kind::Source(p) => format!("source{}", super::absolute(p).replace('/', "##")),
        k => k.word().to_string(),
    }
}

/// One cache entry: a build id's file of one kind.
#[derive(Debug)]
pub struct Entry {
    dir: PathBuf,
    path: PathBuf,
    tmp: PathBuf,
    id: String,
    elf: bool,
}

/// Why a downloaded file did not enter the cache.
#[derive(Debug)]
pub enum InstallError {
    /// Its build id is not the one asked for (`None`: it has none).
    WrongBuildId(Option<String>),
    /// The file system refused.
    Io(io::Error),
}

/// The exclusive lock on a build id's directory, released when dropped.
#[derive(Debug)]
pub struct Lock(#[allow(dead_code)] fs::File);

impl Entry {
    /// The entry of `kind` for `id` (lowercase hex) under `root`.
    pub fn new(root: &Path, id: &str, kind: &Kind) -> Entry {
        let dir = root.join(id);
        let name = file_name(kind);
        Entry {
            path: dir.join(&name),
            tmp: dir.join(format!("{name}.ksym-{}", std::process::id())),
            dir,
            id: id.to_string(),
            elf: kind.is_elf(),
        }
    }

    /// Where the file is (or will be).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where a download is written before it is checked.
    pub fn tmp_path(&self) -> &Path {
        &self.tmp
    }

    /// The cached file, if present, not empty, and (for an ELF) of the right build id.
    pub fn lookup(&self) -> Option<PathBuf> {
        let meta = fs::metadata(&self.path).ok()?;
        if !meta.is_file() || meta.len() == 0 {
            return None;
        }
        if self.elf && file_build_id(&self.path).as_deref() != Some(self.id.as_str()) {
            return None;
        }
        Some(self.path.clone())
    }

    /// Create the build id's directory and wait for the exclusive lock on it.
    pub fn lock(&self) -> io::Result<Lock> {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.dir)
            .map_err(|e| with_path(e, &self.dir))?;
        let f = fs::File::open(&self.dir).map_err(|e| with_path(e, &self.dir))?;
        loop {
            // SAFETY: flock on a descriptor this function owns; no memory is involved.
            let r = unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX) };
            if r == 0 {
                return Ok(Lock(f));
            }
            let e = io::Error::last_os_error();
            if e.kind() != io::ErrorKind::Interrupted {
                return Err(with_path(e, &self.dir));
            }
        }
    }

    /// Check the downloaded temporary file (its build id when `want` is given) and
    /// rename it into place. The temporary file is removed on failure.
    pub fn install(&self, want: Option<&str>) -> Result<PathBuf, InstallError> {
        if let Some(want) = want {
            let got = file_build_id(&self.tmp);
            if got.as_deref() != Some(want) {
                self.discard();
                return Err(InstallError::WrongBuildId(got));
            }
        }
        let done = fs::set_permissions(&self.tmp, fs::Permissions::from_mode(0o400))
            .and_then(|()| fs::rename(&self.tmp, &self.path));
        if let Err(e) = done {
            self.discard();
            return Err(InstallError::Io(with_path(e, &self.path)));
        }
        Ok(self.path.clone())
    }

    /// Remove what killed ksym processes left in the build id's directory: every
    /// `NAME.ksym-PID`. Called with the lock held, when no other ksym writes there.
    pub fn remove_stale(&self) {
        for e in fs::read_dir(&self.dir).into_iter().flatten().flatten() {
            let name = e.file_name();
            let name = name.to_string_lossy();
            let stale = name
                .rsplit_once(".ksym-")
                .is_some_and(|(_, pid)| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()));
            if stale {
                let _ = fs::remove_file(e.path());
            }
        }
    }

    /// Remove the temporary file, if any.
    pub fn discard(&self) {
        let _ = fs::remove_file(&self.tmp);
    }
}

fn with_path(e: io::Error, p: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", p.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(file_name(&Kind::Debuginfo), "debuginfo");
        assert_eq!(file_name(&Kind::Executable), "executable");
        assert_eq!(
            file_name(&Kind::Source("/usr/src/linux-6.1/init/main.c".into())),
            "source##usr##src##linux-6.1##init##main.c"
        );
    }
}
