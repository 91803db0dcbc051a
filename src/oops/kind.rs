//! Which messages open a report, and of what kind.
//!
//! The table follows the kernel's own wording (`lib/bug.c`, `kernel/panic.c`,
//! `arch/x86/mm/fault.c`, `arch/arm64/mm/fault.c`, lockdep, the sanitizers, the watchdogs).
//! A message may carry one lowercase `subsystem: ` prefix from `pr_fmt` (`watchdog: BUG:
//! soft lockup`, `rcu: INFO: rcu_preempt detected stalls`); old lockdep wraps its title in
//! `[ INFO: ... ]`.

use super::model::OopsKind;

/// How a message relates to reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// Opens a new report of this kind.
    New(OopsKind),
    /// A trap line (`Oops: 0002 [#2]`, `invalid opcode:`, `Internal error:`): joins the
    /// report just opened by a fault header, or opens one of the kind when there is none.
    Trap(OopsKind),
}

const TABLE: &[(&str, OopsKind)] = &[
    ("WARNING: CPU:", OopsKind::Warning),
    ("WARNING: at ", OopsKind::Warning),
    ("WARNING: possible ", OopsKind::Lockdep),
    ("WARNING: inconsistent lock", OopsKind::Lockdep),
    ("WARNING: suspicious RCU usage", OopsKind::Lockdep),
    ("WARNING: bad unlock balance", OopsKind::Lockdep),
    ("WARNING: held lock", OopsKind::Lockdep),
    ("WARNING: lock held", OopsKind::Lockdep),
    ("WARNING: nested lock", OopsKind::Lockdep),
    ("WARNING: Nested lock", OopsKind::Lockdep),
    ("WARNING: SOFTIRQ-", OopsKind::Lockdep),
    ("WARNING: HARDIRQ-", OopsKind::Lockdep),
    ("WARNING: still has locks held", OopsKind::Lockdep),
    ("WARNING: ", OopsKind::Warning),
    ("kernel BUG at ", OopsKind::Bug),
    ("BUG: KASAN: ", OopsKind::Kasan),
    ("BUG: KCSAN: ", OopsKind::Kcsan),
    ("BUG: KMSAN: ", OopsKind::Kmsan),
    ("BUG: KFENCE: ", OopsKind::Kfence),
    (
        "BUG: kernel NULL pointer dereference",
        OopsKind::NullPointer,
    ),
    (
        "BUG: unable to handle kernel NULL pointer",
        OopsKind::NullPointer,
    ),
    ("BUG: unable to handle ", OopsKind::PageFault),
    ("BUG: soft lockup", OopsKind::SoftLockup),
    ("BUG: ", OopsKind::OtherBug),
    (
        "Unable to handle kernel NULL pointer",
        OopsKind::NullPointer,
    ),
    ("Unable to handle kernel ", OopsKind::PageFault),
    ("general protection fault", OopsKind::GeneralProtection),
    ("Kernel panic - not syncing", OopsKind::Panic),
    ("Watchdog detected hard LOCKUP", OopsKind::HardLockup),
    ("INFO: task ", OopsKind::HungTask),
    ("INFO: rcu_", OopsKind::RcuStall),
    ("INFO: rcu detected stall", OopsKind::RcuStall),
    ("INFO: possible ", OopsKind::Lockdep),
    ("INFO: inconsistent lock", OopsKind::Lockdep),
    ("INFO: suspicious RCU usage", OopsKind::Lockdep),
    ("INFO: trying to register non-static key", OopsKind::Lockdep),
    ("INFO: ", OopsKind::OtherInfo),
    ("UBSAN: ", OopsKind::Ubsan),
    ("unreferenced object 0x", OopsKind::MemoryLeak),
];

const TRAPS: &[&str] = &[
    "Oops: ",
    "Oops - ",
    "Internal error: ",
    "invalid opcode: ",
    "divide error: ",
    "stack segment: ",
    "double fault: ",
    "alignment check: ",
];

/// Classify a message (prefixes already stripped, leading spaces allowed).
pub fn classify(m: &str) -> Option<Start> {
    let m = m.trim_start();
    let m = m.strip_prefix("[ ").unwrap_or(m);
    if let Some(s) = classify_bare(m) {
        return Some(s);
    }
    // One `pr_fmt` prefix: lowercase word, colon, space.
    let colon = m.find(": ")?;
    let word = &m[..colon];
    if word.is_empty()
        || !word
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b' ')
        || word.len() > 24
    {
        return None;
    }
    let rest = &m[colon + 2..];
    let s = classify_bare(rest)?;
    // `kasan: GPF could be caused ...` and friends stay ordinary lines; only report
    // openers behind a prefix count, and never a trap line.
    matches!(s, Start::New(_)).then_some(s)
}

fn classify_bare(m: &str) -> Option<Start> {
    if m.starts_with("INFO: task ") && !m.contains("blocked for more than") {
        return None;
    }
    if let Some(&(_, kind)) = TABLE.iter().find(|(p, _)| m.starts_with(p)) {
        return Some(Start::New(kind));
    }
    if TRAPS.iter().any(|p| m.starts_with(p)) {
        return Some(Start::Trap(OopsKind::Trap));
    }
    None
}

/// Kinds whose header is followed by a trap line that belongs to the same report.
pub fn takes_trap(kind: OopsKind) -> bool {
    matches!(
        kind,
        OopsKind::Bug | OopsKind::NullPointer | OopsKind::PageFault | OopsKind::OtherBug
    )
}

/// Sanitizer reports close with a line of `=` signs.
pub fn closes_with_rule(kind: OopsKind) -> bool {
    matches!(
        kind,
        OopsKind::Kasan | OopsKind::Kcsan | OopsKind::Kmsan | OopsKind::Kfence | OopsKind::Ubsan
    )
}

/// `file:line` of `WARNING: CPU: 0 PID: 1 at file:line func` or `kernel BUG at file:line!`.
pub fn location(m: &str) -> Option<String> {
    let m = m.trim_start();
    let rest = if let Some(r) = m.strip_prefix("kernel BUG at ") {
        r
    } else if m.starts_with("WARNING: ") {
        let p = m.find(" at ")?;
        &m[p + 4..]
    } else {
        return None;
    };
    let loc = rest.split_whitespace().next()?.trim_end_matches('!');
    let (file, line) = loc.rsplit_once(':')?;
    (!file.is_empty() && !line.is_empty() && line.bytes().all(|b| b.is_ascii_digit()))
        .then(|| loc.to_string())
}

/// `INFO: task comm:PID blocked ...`: (comm, pid).
pub fn hung_task(m: &str) -> Option<(String, u32)> {
    let rest = m.trim_start().strip_prefix("INFO: task ")?;
    let task = rest.split(" blocked").next()?;
    let (comm, pid) = task.rsplit_once(':')?;
    Some((comm.to_string(), pid.parse().ok()?))
}
