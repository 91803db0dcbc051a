//! Objects kept open between decodes on one thread, for a long-running caller (the
//! workers of `ksym serve`): a decode that opens a path finds its object here when an
//! earlier decode on the same thread left it, unchanged on disk. Off (capacity 0) unless
//! [`set_capacity`] is called; the least recently used object goes first.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::resolve::Object;

struct Kept {
    path: PathBuf,
    stamp: Option<(u64, SystemTime)>,
    object: Object,
}

#[derive(Default)]
struct Pool {
    capacity: usize,
    /// Most recently used last.
    kept: VecDeque<Kept>,
}

thread_local! {
    static POOL: RefCell<Pool> = RefCell::new(Pool::default());
}

fn stamp(path: &Path) -> Option<(u64, SystemTime)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.len(), m.modified().ok()?))
}

/// Keep up to `n` objects open on this thread (0: none, the default).
pub fn set_capacity(n: usize) {
    POOL.with(|p| {
        let mut p = p.borrow_mut();
        p.capacity = n;
        while p.kept.len() > n {
            p.kept.pop_front();
        }
    });
}

/// Objects kept open on this thread and their bytes on disk.
pub fn kept() -> (usize, u64) {
    POOL.with(|p| {
        let p = p.borrow();
        let bytes = p.kept.iter().filter_map(|k| k.stamp).map(|s| s.0).sum();
        (p.kept.len(), bytes)
    })
}

/// The object of `path` if one is kept and the file has not changed since it was opened.
pub(super) fn take(path: &Path) -> Option<Object> {
    POOL.with(|p| {
        let mut p = p.borrow_mut();
        if p.capacity == 0 {
            return None;
        }
        let i = p.kept.iter().position(|k| k.path == path)?;
        let k = p.kept.remove(i)?;
        (k.stamp.is_some() && k.stamp == stamp(path)).then_some(k.object)
    })
}

/// Keep `object` (opened from `path`) for a later decode on this thread.
pub(super) fn put(path: &Path, object: Object) {
    POOL.with(|p| {
        let mut p = p.borrow_mut();
        if p.capacity == 0 {
            return;
        }
        p.kept.retain(|k| k.path != path);
        if p.kept.len() >= p.capacity {
            p.kept.pop_front();
        }
        p.kept.push_back(Kept {
            path: path.to_path_buf(),
            stamp: stamp(path),
            object,
        });
    });
}
