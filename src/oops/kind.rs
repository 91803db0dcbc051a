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
    // syzkaller's own header in front of kmemleak's report.
    ("BUG: memory leak", OopsKind::MemoryLeak),
    ("BUG: ", OopsKind::OtherBug),
    (
        "Unable to handle kernel NULL pointer",
        OopsKind::NullPointer,
    ),
    ("Unable to handle kernel ", OopsKind::PageFault),
    ("general protection fault", OopsKind::GeneralProtection),
    (
        "segment-related general protection fault",
        OopsKind::GeneralProtection,
    ),
    ("PANIC: double fault", OopsKind::Trap),
    // x86 since 6.10 prefixes every trap line with `Oops: `.
    (
        "Oops: general protection fault",
        OopsKind::GeneralProtection,
    ),
    ("Kernel panic - not syncing", OopsKind::Panic),
    ("Watchdog detected hard LOCKUP", OopsKind::HardLockup),
    ("INFO: task ", OopsKind::HungTask),
    ("INFO: rcu_", OopsKind::RcuStall),
    ("INFO: rcu detected stall", OopsKind::RcuStall),
    ("INFO: possible ", OopsKind::Lockdep),
    ("INFO: inconsistent lock", OopsKind::Lockdep),
    ("INFO: suspicious RCU usage", OopsKind::Lockdep),
    ("INFO: trying to register non-static key", OopsKind::Lockdep),
    ("INFO: SOFTIRQ-", OopsKind::Lockdep),
    ("INFO: HARDIRQ-", OopsKind::Lockdep),
    ("INFO: bad unlock balance", OopsKind::Lockdep),
    ("INFO: held lock", OopsKind::Lockdep),
    ("INFO: lock held", OopsKind::Lockdep),
    ("INFO: nested lock", OopsKind::Lockdep),
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
    "divide_error: ",
    "stack segment: ",
    "double fault: ",
    "alignment check: ",
];

/// Classify a message (prefixes already stripped, leading spaces allowed).
pub fn classify(m: &str) -> Option<Start> {
    let m = m.trim_start();
    // Openers are decided by their first words: look at no more than that (256
    // characters; a message of at most 256 bytes has no more, and is not counted).
    let cut = if m.len() > 256 {
        m.char_indices().nth(256)
    } else {
        None
    };
    let m = match cut {
        Some((i, _)) => &m[..i],
        None => m,
    };
    let m = m.strip_prefix("[ ").unwrap_or(m);
    if let Some(s) = classify_bare(m) {
        return Some(s);
    }
    // One `pr_fmt` prefix: lowercase word, colon, space.
    let colon = m.find(": ")?;
    let word = &m[..colon];
    if word == "NMI watchdog" {
        return classify_bare(&m[colon + 2..]).filter(|s| matches!(s, Start::New(_)));
    }
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
    if m.starts_with("INFO: task ") && !m.contains(" blocked ") && !m.contains(" can't die ") {
        return None;
    }
    // SLUB: `BUG kmalloc-8 (Tainted: G B): Object already free`.
    if m.starts_with("BUG ") && m.contains(" (") && m.contains("): ") {
        return Some(Start::New(OopsKind::OtherBug));
    }
    // Old KASAN kernels printed this hint without a line end before the trap line.
    if m.starts_with("kasan: GPF could be caused") {
        return m
            .contains("general protection fault")
            .then_some(Start::New(OopsKind::GeneralProtection));
    }
    if let Some(&(_, kind)) = TABLE.iter().find(|(p, _)| m.starts_with(p)) {
        return Some(Start::New(kind));
    }
    // Other `WARNING: ` lines: the new `WARNING: file:line at func+off, CPU#N: comm/pid`
    // format, `WARNING: kernel stack regs at ... has bad 'bp' value`, lockdep's `WARNING:
    // comm/pid still has locks held!`; plain `pr_warn("WARNING: ...")` messages are not
    // reports.
    if m.starts_with("WARNING: ") && (m.contains(" at ") || m.contains("still has locks held")) {
        return Some(Start::New(if m.contains("locks held") {
            OopsKind::Lockdep
        } else {
            OopsKind::Warning
        }));
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

/// `file:line` of `WARNING: CPU: 0 PID: 1 at file:line func`, `WARNING: file:line at
/// func, CPU#0: comm` or `kernel BUG at file:line!`.
pub fn location(m: &str) -> Option<String> {
    let m = m.trim_start();
    let rest = m
        .strip_prefix("kernel BUG at ")
        .or_else(|| m.strip_prefix("WARNING: "))?;
    rest.split_whitespace().take(8).find_map(|w| {
        let loc = w.trim_end_matches(['!', ',']);
        let (file, line) = loc.rsplit_once(':')?;
        let ok = file.contains('.')
            && !file.contains('[')
            && !line.is_empty()
            && line.bytes().all(|b| b.is_ascii_digit());
        ok.then(|| loc.to_string())
    })
}

/// `INFO: task comm:PID blocked ...`: (comm, pid).
pub fn hung_task(m: &str) -> Option<(String, u32)> {
    let rest = m.trim_start().strip_prefix("INFO: task ")?;
    let task = rest.split(" blocked").next()?;
    let (comm, pid) = task.rsplit_once(':')?;
    Some((comm.to_string(), pid.parse().ok()?))
}
