//! Objects kept open between decodes on one thread, for a long-running caller (the
//! workers of `ksym serve`): a decode that opens a path finds its object here when an
//! earlier decode on the same thread left it, unchanged on disk. Off (capacity 0) unless
//! [`set_capacity`] is called; the least recently used object goes first.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::resolve::Object;

/// A file's size and modification time when its object was opened: a kept object is
/// reused only while they are unchanged.
pub(super) type Stamp = (u64, SystemTime);

struct Kept {
    path: PathBuf,
    stamp: Stamp,
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

fn stamp(path: &Path) -> Option<Stamp> {
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
        let bytes = p.kept.iter().map(|k| k.stamp.0).sum();
        (p.kept.len(), bytes)
    })
}

/// The stamp of `path`, read before its object is opened, when this thread keeps
/// objects (`None` otherwise: nothing to read).
pub(super) fn stamp_to_keep(path: &Path) -> Option<Stamp> {
    let on = POOL.with(|p| p.borrow().capacity > 0);
    on.then(|| stamp(path)).flatten()
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
        (Some(k.stamp) == stamp(path)).then_some(k.object)
    })
}

/// Keep `object`, opened from `path` when the file had `stamp`, for a later decode on
/// this thread (not without a stamp: it could not be told unchanged).
pub(super) fn put(path: &Path, stamp: Option<Stamp>, object: Object) {
    POOL.with(|p| {
        let mut p = p.borrow_mut();
        let Some(stamp) = stamp.filter(|_| p.capacity > 0) else {
            return;
        };
        p.kept.retain(|k| k.path != path);
        if p.kept.len() >= p.capacity {
            p.kept.pop_front();
        }
        p.kept.push_back(Kept {
            path: path.to_path_buf(),
            stamp,
            object,
        });
    });
}
