//! The parsed shapes of a kernel log: frames, register blocks and oopses.
//!
//! Plain data, filled in by [`super::parse::Parser`] and serialized as-is by `--json`.
//! Field meanings are documented in the module docs of [`super`].

use std::ops::Range;

use serde::{Serialize, Serializer};

/// Addresses, offsets and sizes go to JSON as `"0x..."` strings, like all of ksym's JSON.
fn opt_hex<S: Serializer>(v: &Option<u64>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.serialize_str(&crate::output::hex(*v)),
        None => s.serialize_none(),
    }
}

/// The kind of report an oops is, from its first line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OopsKind {
    /// `WARNING: CPU: N PID: N at file:line func+off/size` (and the old `WARNING: at`).
    Warning,
    /// `kernel BUG at file:line!`.
    Bug,
    /// `BUG: kernel NULL pointer dereference` and its older and arm64 spellings.
    NullPointer,
    /// `BUG: unable to handle page fault` / `kernel paging request`, arm64
    /// `Unable to handle kernel ...` other than NULL.
    PageFault,
    /// `general protection fault`.
    GeneralProtection,
    /// A bare trap line with no earlier header: `Oops: `, `Internal error: `,
    /// `invalid opcode: `, `divide error: `, `stack segment: `.
    Trap,
    /// `Kernel panic - not syncing: ...`.
    Panic,
    /// `BUG: soft lockup - CPU#N stuck for Ns!`.
    SoftLockup,
    /// `Watchdog detected hard LOCKUP on cpu N`.
    HardLockup,
    /// `INFO: rcu_* detected stalls`, `rcu: INFO: rcu_* self-detected stall`.
    RcuStall,
    /// `INFO: task NAME:PID blocked for more than N seconds.`
    HungTask,
    /// `BUG: KASAN: ...`.
    Kasan,
    /// `BUG: KCSAN: ...`.
    Kcsan,
    /// `BUG: KMSAN: ...`.
    Kmsan,
    /// `BUG: KFENCE: ...`.
    Kfence,
    /// Lockdep: `WARNING: possible circular locking dependency detected` and friends.
    Lockdep,
    /// `UBSAN: ...`.
    Ubsan,
    /// kmemleak's `unreferenced object 0x...`.
    MemoryLeak,
    /// Any other `BUG: ...` line.
    OtherBug,
    /// Any other `INFO: ...` line.
    OtherInfo,
}

/// Execution context a frame was printed in, from the x86 stack markers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FrameContext {
    /// No marker seen (arm64, old x86, frames outside a call trace).
    Unknown,
    /// After `<TASK>`, or after an interrupt stack ended.
    Task,
    /// Between `<IRQ>` and `</IRQ>` (or `<EOI>` on old kernels).
    Irq,
    /// Between `<NMI>` and `</NMI>`.
    Nmi,
    /// Between `<SOFTIRQ>` and `</SOFTIRQ>`.
    Softirq,
    /// On an exception stack: `<#DF>`, `<#MC>`, `<#DB>`, `<#VC>`, `<ENTRY_TRAMPOLINE>`...
    Exception,
}

/// What the printed address of a frame is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FrameRole {
    /// The exact faulting or interrupted instruction: x86 `RIP:`/`IP:`, arm64 `pc :`/`PC is
    /// at`, an arm64 trace entry marked `(P)`, and the first arm64 trace entry that repeats
    /// the oops's `pc :`.
    Pc,
    /// arm64 `lr :`/`LR is at` or a trace entry marked `(L)`: a return address held in a
    /// register.
    Lr,
    /// A call trace entry: a return address (look up at address - 1).
    Return,
}

/// One frame (a symbolizable address) found on a log line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Frame {
    /// 1-based number of the line the frame is on.
    pub line: u64,
    /// Raw address when printed (`[<ffffffff81234567>]`, `RIP: 0033:0x444640`, `0x...`).
    #[serde(serialize_with = "opt_hex")]
    pub address: Option<u64>,
    /// Symbol name as printed (`lkdtm_BUG`, `foo.cold`); `None` for bare addresses.
    pub symbol: Option<String>,
    /// Offset into the symbol (`+0x1a`); `None` when absent or beyond 64 bits.
    #[serde(serialize_with = "opt_hex")]
    pub offset: Option<u64>,
    /// Size of the symbol as printed (`/0x40`). The kernel prints it as an unsigned 64-bit
    /// value, so a negative difference shows as a huge size (`0xffffffffffff9ed0`).
    #[serde(serialize_with = "opt_hex")]
    pub size: Option<u64>,
    /// Module name from `[module]` or `[module buildid]`; `None` for vmlinux.
    pub module: Option<String>,
    /// Module build id (lowercase hex) from `[module buildid]`.
    pub build_id: Option<String>,
    /// `false` for `? ` entries the unwinder is not sure of.
    pub reliable: bool,
    /// Stack context the frame was printed in.
    pub context: FrameContext,
    /// Faulting PC, link register or return address.
    pub role: FrameRole,
    /// The frame directly follows an exception or interrupt entry, so its address is the
    /// interrupted instruction (exact), not a return address: the first frame after x86
    /// `<EOI>`, `</IRQ>`, `</NMI>`, `</SOFTIRQ>` that is not entry code itself, the frame
    /// right after a reliable `asm_exc_*`/`asm_sysvec_*`/`asm_common_interrupt` entry when
    /// no register dump comes between (x86 since 4.14 prints the interrupted `RIP:` instead,
    /// and that register frame is the exact one), and on arm64 the frame after
    /// `el1h_64_irq`/`_sync`/`_fiq`/`_error`.
    pub after_entry: bool,
    /// Register the frame was printed as (`RIP`, `IP`, `pc`, `lr`, `PC`, `LR`), `None` for
    /// trace entries.
    pub register: Option<String>,
    /// The x86 register dump says user mode (`RIP: 0033:`): not a kernel address.
    pub user: bool,
    /// The x86 repeat of an earlier oops's `RIP:` printed after `---[ end trace`.
    pub repeat: bool,
    /// Byte range in the raw line of the symbol text (`sym+0x1a/0x40`), or of the address
    /// when no symbol is printed.
    pub span: Range<usize>,
    /// Byte offset in the raw line just past the whole frame text (after `[module
    /// buildid]` and `(P)`), where an annotation can be inserted.
    pub end: usize,
}

impl Frame {
    /// Whether the decoder should look the address up exactly (faulting PC or an
    /// interrupted instruction) instead of at address - 1.
    pub fn exact(&self) -> bool {
        self.role == FrameRole::Pc || self.after_entry
    }
}

/// One `NAME: value` register from a register dump.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Register {
    /// Register name as printed (`RAX`, `x29`, `sp`, `EFLAGS`, `pstate`).
    pub name: String,
    /// Value as printed (`ffff8f6f00243e08`, `0018:ffff8f6f00243e08`).
    pub value: String,
}

/// The registers of one dump (an oops prints one for the fault and may print more for
/// nested exception frames and the user-mode entry).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RegisterBlock {
    /// 1-based line number of the dump's first line.
    pub line: u64,
    /// Registers in printed order.
    pub registers: Vec<Register>,
}

/// One crash report (oops, warning, panic, lockup, sanitizer report) found in a log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Oops {
    /// 0-based index of the oops within the log.
    pub index: usize,
    /// What kind of report it is.
    pub kind: OopsKind,
    /// The message of its first line, prefixes stripped.
    pub title: String,
    /// Trap line merged into it (`Oops: 0002 [#2]`, `invalid opcode: 0000 [#1]`,
    /// `Internal error: Oops - BUG: 00000000f2000800 [#1] SMP`).
    pub trap: Option<String>,
    /// 1-based number of its first line.
    pub first_line: u64,
    /// 1-based number of its last line.
    pub last_line: u64,
    /// Printk caller id of its first line (`T123`, `C1`) when the log has them; lines of
    /// other callers are not part of the oops.
    pub caller: Option<String>,
    /// CPU number from `CPU: N`.
    pub cpu: Option<u32>,
    /// PID from `PID: N`, or from `INFO: task comm:PID`.
    pub pid: Option<u32>,
    /// Task name from `Comm: name`.
    pub comm: Option<String>,
    /// Taint flags: `""` for `Not tainted`, else the text after `Tainted: ` (`G      D W`).
    pub taint: Option<String>,
    /// Kernel release (`6.1.192`, `6.1.0-56-amd64`).
    pub release: Option<String>,
    /// Build number printed after the release (`#1`), as in the `Linux version` banner.
    pub version: Option<String>,
    /// Kernel build id printed after the version (`STACKTRACE_BUILD_ID`).
    pub kernel_build_id: Option<String>,
    /// Text after `Hardware name: `.
    pub hardware: Option<String>,
    /// `file:line` of a `WARNING ... at file:line` or `kernel BUG at file:line!`.
    pub location: Option<String>,
    /// Module names from `Modules linked in:`.
    pub modules: Vec<String>,
    /// Register dumps, in order.
    pub registers: Vec<RegisterBlock>,
    /// Text after `Code: ` lines.
    pub code: Vec<String>,
    /// Every frame attributed to the oops (registers, call traces, lockdep and sanitizer
    /// stacks), in line order.
    pub frames: Vec<Frame>,
    /// KASLR offset from `Kernel Offset: 0x... from 0x...`.
    #[serde(serialize_with = "opt_hex")]
    pub kaslr_offset: Option<u64>,
    /// Link-time base from the same line.
    #[serde(serialize_with = "opt_hex")]
    pub kaslr_base: Option<u64>,
    /// `---[ end ...` was seen.
    pub complete: bool,
}

impl Oops {
    pub(crate) fn new(index: usize, kind: OopsKind, title: String, line: u64) -> Self {
        Oops {
            index,
            kind,
            title,
            trap: None,
            first_line: line,
            last_line: line,
            caller: None,
            cpu: None,
            pid: None,
            comm: None,
            taint: None,
            release: None,
            version: None,
            kernel_build_id: None,
            hardware: None,
            location: None,
            modules: Vec::new(),
            registers: Vec::new(),
            code: Vec::new(),
            frames: Vec::new(),
            kaslr_offset: None,
            kaslr_base: None,
            complete: false,
        }
    }

    /// The faulting PC frame of the oops's own register dump (first `RIP:`/`pc :`).
    pub fn pc(&self) -> Option<&Frame> {
        self.frames
            .iter()
            .find(|f| f.role == FrameRole::Pc && f.register.is_some() && !f.repeat)
    }

    /// Call trace entries (frames that are not registers).
    pub fn trace(&self) -> impl Iterator<Item = &Frame> {
        self.frames.iter().filter(|f| f.register.is_none())
    }
}
