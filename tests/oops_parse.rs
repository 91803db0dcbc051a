//! The oops parser on the real captured logs of `../shared/kernels`, on one-line shapes,
//! and on hostile input.

use std::path::PathBuf;

use ksym::oops::prefix::split;
use ksym::oops::{
    parse_log, Frame, FrameContext, FrameRole, Line, LineReader, Oops, OopsKind, Parser, MAX_LINE,
};

fn shared() -> PathBuf {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/kernels");
    assert!(
        p.is_dir(),
        "{}: missing; these tests need the shared data (/work/shared, ../shared from the project root)",
        p.display()
    );
    p
}

fn read(arch: &str, file: &str) -> Vec<u8> {
    let path = shared().join(arch).join(file);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn load(arch: &str, file: &str) -> Vec<Oops> {
    parse_log(&read(arch, file))
}

fn kinds(o: &[Oops]) -> Vec<OopsKind> {
    o.iter().map(|o| o.kind).collect()
}

fn pcs(o: &[Oops]) -> Vec<Option<&str>> {
    o.iter()
        .map(|o| o.pc().and_then(|f| f.symbol.as_deref()))
        .collect()
}

fn trace_counts(o: &[Oops]) -> Vec<usize> {
    o.iter().map(|o| o.trace().count()).collect()
}

/// Every frame's span holds exactly `sym+0xoff/0xsize` (or the address), and `end` lies
/// after it, inside the line.
fn check_spans(data: &[u8]) {
    let mut reader = LineReader::new(data);
    let mut parser = Parser::new();
    let mut rebuilt = Vec::new();
    let mut frames = 0;
    while let Some((raw, cont)) = reader.next_line().expect("read") {
        rebuilt.extend_from_slice(raw);
        let line = parser.push_chunk(raw, cont);
        for f in &line.frames {
            frames += 1;
            let text = std::str::from_utf8(&raw[f.span.clone()]).expect("utf8 span");
            if let (Some(s), Some(o), Some(z)) = (&f.symbol, f.offset, f.size) {
                assert_eq!(text, format!("{s}+{o:#x}/{z:#x}"), "line {}", line.number);
            }
            assert!(
                f.span.end <= f.end && f.end <= raw.len(),
                "line {}",
                line.number
            );
            if f.module.is_some() {
                assert_eq!(raw[f.end - 1], b']', "line {}", line.number);
            }
        }
    }
    assert_eq!(rebuilt, data, "lines come back byte for byte");
    assert!(frames > 0);
}

#[test]
fn x86_console_log() {
    crate::common::needs_full_env!();
    let data = read("x86_64-thin", "console.log");
    check_spans(&data);
    let o = parse_log(&data);
    use OopsKind::*;
    assert_eq!(
        kinds(&o),
        [
            Warning,
            Warning,
            Bug,
            NullPointer,
            NullPointer,
            PageFault,
            PageFault,
            Panic
        ]
    );
    assert_eq!(
        pcs(&o),
        [
            Some("lkdtm_WARNING"),
            Some("lkdtm_WARNING_MESSAGE"),
            Some("lkdtm_BUG"),
            Some("lkdtm_EXCEPTION"),
            Some("lkdtm_ACCESS_NULL"),
            Some("lkdtm_WRITE_RO"),
            Some("data_area"),
            None
        ]
    );
    assert_eq!(trace_counts(&o), [6, 6, 6, 6, 6, 6, 7, 0]);
    assert_eq!(
        o[0].title,
        "WARNING: CPU: 0 PID: 16 at drivers/misc/lkdtm/bugs.c:85 lkdtm_WARNING+0x9/0x10 [lkdtm]"
    );
    assert_eq!(o[2].title, "kernel BUG at drivers/misc/lkdtm/bugs.c:78!");
    assert_eq!(o[2].trap.as_deref(), Some("invalid opcode: 0000 [#1]"));
    assert_eq!(o[3].trap.as_deref(), Some("Oops: 0002 [#2]"));
    assert_eq!(
        o[5].title,
        "BUG: unable to handle page fault for address: ffffffffc03ac0f0"
    );
    assert_eq!(
        o[7].title,
        "Kernel panic - not syncing: sysrq triggered crash"
    );
    assert_eq!(
        o[0].location.as_deref(),
        Some("drivers/misc/lkdtm/bugs.c:85")
    );
    assert_eq!(
        o[2].location.as_deref(),
        Some("drivers/misc/lkdtm/bugs.c:78")
    );
    // Header fields.
    assert_eq!(
        (o[0].cpu, o[0].pid, o[0].comm.as_deref()),
        (Some(0), Some(16), Some("init"))
    );
    assert_eq!(o[0].taint.as_deref(), Some(""));
    assert_eq!(o[3].taint.as_deref(), Some("G      D W"));
    assert_eq!(o[0].release.as_deref(), Some("6.1.192"));
    assert_eq!(
        o[0].kernel_build_id.as_deref(),
        Some("f30b2d2a4e5354a8130d75c3b340f2d18459dd3b")
    );
    assert_eq!(o[0].modules, ["lkdtm"]);
    assert!(o[..7].iter().all(|o| o.complete && o.code.len() >= 2));
    // The faulting RIP and the user-mode RIP of the syscall entry.
    let pc = o[0].pc().expect("pc");
    assert_eq!(
        (pc.role, pc.register.as_deref(), pc.user),
        (FrameRole::Pc, Some("RIP"), false)
    );
    assert_eq!(
        (pc.offset, pc.size, pc.module.as_deref()),
        (Some(9), Some(0x10), Some("lkdtm"))
    );
    let user: Vec<&Frame> = o[0].frames.iter().filter(|f| f.user).collect();
    assert_eq!(user.len(), 1);
    assert_eq!(
        (user[0].address, user[0].symbol.as_deref()),
        (Some(0x444640), None)
    );
    // Trace entries: return addresses in task context, module frames with build ids.
    let t: Vec<&Frame> = o[0].trace().collect();
    assert!(t
        .iter()
        .all(|f| f.role == FrameRole::Return && f.context == FrameContext::Task));
    assert!(t.iter().all(|f| f.reliable && !f.after_entry));
    assert_eq!(t[0].symbol.as_deref(), Some("direct_entry"));
    assert_eq!(t[0].module.as_deref(), Some("lkdtm"));
    assert_eq!(
        t[0].build_id.as_deref(),
        Some("ccda84458db78fa2ca9e5c682f12f71c9c01dc3e")
    );
    assert_eq!(t[1].module, None);
    assert_eq!(
        t[5].symbol.as_deref(),
        Some("entry_SYSCALL_64_after_hwframe")
    );
    // EXEC_DATA: a negative distance printed as a huge size, and a `? ` trace.
    let pc = o[6].pc().expect("pc");
    assert_eq!((pc.offset, pc.size), (Some(0), Some(0xffffffffffff9ed0)));
    assert!(o[6].trace().all(|f| !f.reliable));
    // After every oops from the BUG on, x86 repeats the first oops's RIP.
    for oops in &o[2..7] {
        let rep: Vec<&Frame> = oops.frames.iter().filter(|f| f.repeat).collect();
        assert_eq!(rep.len(), 1, "oops {}", oops.index);
        assert_eq!(rep[0].symbol.as_deref(), Some("lkdtm_BUG"));
        assert_eq!(rep[0].role, FrameRole::Pc);
    }
    assert!(o[..2].iter().all(|o| o.frames.iter().all(|f| !f.repeat)));
    assert_eq!(o[7].kaslr_offset, Some(0x3a400000));
    assert_eq!(o[7].kaslr_base, Some(0xffffffff81000000));
}

#[test]
fn x86_panic_log() {
    crate::common::needs_full_env!();
    let o = load("x86_64-thin", "panic.log");
    check_spans(&read("x86_64-thin", "panic.log"));
    assert_eq!(kinds(&o), [OopsKind::Panic]);
    assert_eq!(o[0].title, "Kernel panic - not syncing: dumptest");
    assert_eq!(trace_counts(&o), [9]);
    let t: Vec<&Frame> = o[0].trace().collect();
    let names: Vec<&str> = t.iter().filter_map(|f| f.symbol.as_deref()).collect();
    assert_eq!(
        &names[..4],
        ["dump_stack_lvl", "panic", "lkdtm_PANIC", "direct_entry"]
    );
    assert_eq!(
        t[2].build_id.as_deref(),
        Some("ccda84458db78fa2ca9e5c682f12f71c9c01dc3e")
    );
    assert_eq!(o[0].kaslr_offset, Some(0x34800000));
    assert!(o[0].pc().is_none_or(|f| f.user));
}

#[test]
fn arm64_console_log() {
    crate::common::needs_full_env!();
    let data = read("arm64-thin", "console.log");
    check_spans(&data);
    let o = parse_log(&data);
    use OopsKind::*;
    assert_eq!(
        kinds(&o),
        [
            Warning,
            Warning,
            Bug,
            Warning,
            NullPointer,
            NullPointer,
            PageFault,
            PageFault,
            Panic
        ]
    );
    assert_eq!(
        pcs(&o),
        [
            Some("lkdtm_WARNING"),
            Some("lkdtm_WARNING_MESSAGE"),
            Some("lkdtm_BUG"),
            Some("ct_kernel_exit"),
            Some("lkdtm_EXCEPTION"),
            Some("lkdtm_ACCESS_NULL"),
            Some("lkdtm_WRITE_RO"),
            Some("data_area"),
            None
        ]
    );
    assert_eq!(trace_counts(&o), [10, 11, 10, 8, 10, 11, 11, 12, 0]);
    assert_eq!(
        o[2].trap.as_deref(),
        Some("Internal error: Oops - BUG: 00000000f2000800 [#1] SMP")
    );
    // The follow-on WARNING after the BUG, in the idle task.
    assert_eq!(
        o[3].title,
        "WARNING: CPU: 0 PID: 0 at kernel/context_tracking.c:128 ct_kernel_exit+0x84/0x8c"
    );
    assert_eq!(o[3].comm.as_deref(), Some("swapper/0"));
    assert_eq!(
        o[3].location.as_deref(),
        Some("kernel/context_tracking.c:128")
    );
    assert_eq!(o[0].hardware.as_deref(), Some("linux,dummy-virt (DT)"));
    assert_eq!(o[0].release.as_deref(), Some("6.1.192"));
    for oops in &o[..8] {
        // The first trace entry repeats `pc :` and is exact; the rest are return addresses.
        let t: Vec<&Frame> = oops.trace().collect();
        assert_eq!(t[0].role, FrameRole::Pc, "oops {}", oops.index);
        assert!(t[1..].iter().all(|f| f.role == FrameRole::Return));
        let lr: Vec<&Frame> = oops
            .frames
            .iter()
            .filter(|f| f.role == FrameRole::Lr)
            .collect();
        assert_eq!(lr.len(), 1);
        assert_eq!(lr[0].register.as_deref(), Some("lr"));
        assert!(oops.registers[0].registers.iter().any(|r| r.name == "x29"));
        assert!(oops.registers[0]
            .registers
            .iter()
            .any(|r| r.name == "pstate"));
    }
    assert_eq!(o[7].pc().and_then(|f| f.size), Some(0xffffffffffffaed8));
    assert_eq!(o[8].kaslr_offset, Some(0x2544c00000));
    assert_eq!(o[8].kaslr_base, Some(0xffffffc008000000));
}

#[test]
fn arm64_panic_log() {
    crate::common::needs_full_env!();
    let o = load("arm64-thin", "panic.log");
    check_spans(&read("arm64-thin", "panic.log"));
    assert_eq!(kinds(&o), [OopsKind::Panic]);
    assert_eq!(trace_counts(&o), [14]);
    let t: Vec<&Frame> = o[0].trace().collect();
    // The return address of lkdtm_PANIC's call lands on the next function.
    assert_eq!(t[3].symbol.as_deref(), Some("lkdtm_BUG"));
    assert_eq!((t[3].offset, t[3].size), (Some(0), Some(4)));
    assert_eq!(t[3].role, FrameRole::Return);
    assert!(t.iter().all(|f| f.role == FrameRole::Return));
    assert_eq!(o[0].kaslr_offset, Some(0x19fce00000));
}

// ---- one-line shapes ----

fn lines(log: &str) -> (Vec<Line>, Vec<Oops>) {
    let mut p = Parser::new();
    let ls: Vec<Line> = log
        .split_inclusive('\n')
        .map(|l| p.push_line(l.as_bytes()))
        .collect();
    (ls, p.finish())
}

fn msg(raw: &str) -> String {
    let (_, m) = split(raw.as_bytes());
    raw[m].to_string()
}

#[test]
fn prefixes() {
    assert_eq!(msg("[   12.345678] hello\n"), "hello");
    assert_eq!(msg("[   12.345678] \n"), "");
    assert_eq!(msg("[   12.345678]  sym+0x1/0x2\r\n"), " sym+0x1/0x2");
    assert_eq!(msg("[   12.345678][  T123] hello"), "hello");
    assert_eq!(msg("[   12.345678][    C1] hello"), "hello");
    assert_eq!(msg("<4>[   12.345678] hello"), "hello");
    assert_eq!(msg("<4>hello"), "hello");
    assert_eq!(
        msg("Nov 24 01:02:03 host kernel: [   12.345678] hello"),
        "hello"
    );
    assert_eq!(
        msg("Nov  4 01:02:03 host kernel:  sym+0x1/0x2"),
        " sym+0x1/0x2"
    );
    assert_eq!(
        msg("2026-11-24T01:02:03.123456+00:00 host kernel: hello"),
        "hello"
    );
    assert_eq!(msg("[Tue Nov 24 01:02:03 2026] hello"), "hello");
    assert_eq!(msg("hello\r\n"), "hello");
    assert_eq!(msg("[foo] hello"), "[foo] hello");
    assert_eq!(msg("[<ffffffff81234567>] x"), "[<ffffffff81234567>] x");
    let (p, _) = split(b"<6>[ 1.5][  T42] x");
    assert_eq!(
        (p.level, p.timestamp.as_deref(), p.caller.as_deref()),
        (Some(6), Some("1.5"), Some("T42"))
    );
    let (p, _) = split(b"Nov 24 01:02:03 host kernel: x");
    assert!(p.syslog);
}

/// Every rendering `journalctl`, `dmesg`, `/dev/kmsg` and netconsole give one line.
#[test]
fn log_renderings() {
    let m = " RIP: 0010:lkdtm_BUG+0x0/0x10 [lkdtm]";
    for (line, level, ts, caller) in [
        // journalctl -o short, short-precise, short-iso, short-iso-precise, short-full,
        // short-monotonic, short-unix; each with and without --no-hostname.
        ("Dec 03 15:20:21 vm kernel:", None, None, None),
        ("Dec 03 15:20:21 kernel:", None, None, None),
        ("Dec 03 15:20:21.123456 vm kernel:", None, None, None),
        ("Dec 03 15:20:21.123456 kernel:", None, None, None),
        ("2026-12-03T15:20:21+0000 vm kernel:", None, None, None),
        ("2026-12-03T15:20:21.123456+00:00 kernel:", None, None, None),
        ("Thu 2026-12-03 15:20:21 UTC vm kernel:", None, None, None),
        (
            "Thu 2026-12-03 15:20:21.123456 UTC kernel:",
            None,
            None,
            None,
        ),
        ("[    7.888602] vm kernel:", None, None, None),
        ("[    7.888602] kernel:", None, None, None),
        ("1796311221.123456 vm kernel:", None, None, None),
        ("1796311221.123456 kernel:", None, None, None),
        // syslog/kern.log with the kernel's timestamp
        (
            "Dec  3 15:20:21 vm kernel: [    7.888602]",
            None,
            Some("7.888602"),
            None,
        ),
        // dmesg -x, -x -T, -r, -r with caller ids
        (
            "kern  :warn  : [    7.888602]",
            Some(4),
            Some("7.888602"),
            None,
        ),
        (
            "kern  :emerg : [Thu Dec  3 15:20:21 2026]",
            Some(0),
            Some("Thu Dec  3 15:20:21 2026"),
            None,
        ),
        ("<4>[    7.888602]", Some(4), Some("7.888602"), None),
        (
            "<4>[    7.888602][    T1]",
            Some(4),
            Some("7.888602"),
            Some("T1"),
        ),
    ] {
        let raw = format!("{line} {m}\r\n");
        let (p, r) = split(raw.as_bytes());
        assert_eq!(&raw[r], m, "{line}");
        assert_eq!(p.level, level, "{line}");
        assert_eq!(p.timestamp.as_deref(), ts, "{line}");
        assert_eq!(p.caller.as_deref(), caller, "{line}");
    }
    // /dev/kmsg and extended netconsole records.
    let (p, r) = split(b"4,339,7888602,-,caller=T1;RIP: 0010:x\n");
    assert_eq!(
        (r.start, p.level, p.caller.as_deref()),
        (26, Some(4), Some("T1"))
    );
    assert_eq!(p.timestamp.as_deref(), Some("7.888602"));
    // Kernel messages that only look like a prefix stay messages.
    assert_eq!(msg("[    7.888602] CPU: 0 PID: 1"), "CPU: 0 PID: 1");
    assert_eq!(msg("[    7.888602] host foo: bar"), "host foo: bar");
    assert_eq!(msg("Dec 03 15:20:21 host foo: bar"), "bar");
    assert_eq!(
        msg("Dec 03 15:20:21 RIP: 0010:x"),
        "Dec 03 15:20:21 RIP: 0010:x"
    );
}

fn kind_of(line: &str) -> Option<OopsKind> {
    let (_, o) = lines(line);
    o.first().map(|o| o.kind)
}

#[test]
fn report_openers() {
    use OopsKind::*;
    let rows: &[(&str, Option<OopsKind>)] = &[
        ("WARNING: CPU: 1 PID: 2 at a/b.c:3 f+0x1/0x2", Some(Warning)),
        ("kernel BUG at mm/slub.c:100!", Some(Bug)),
        (
            "BUG: unable to handle page fault for address: ffff",
            Some(PageFault),
        ),
        (
            "BUG: unable to handle kernel paging request at ffff",
            Some(PageFault),
        ),
        (
            "BUG: kernel NULL pointer dereference, address: 0000000000000000",
            Some(NullPointer),
        ),
        (
            "BUG: unable to handle kernel NULL pointer dereference at 0",
            Some(NullPointer),
        ),
        (
            "Unable to handle kernel NULL pointer dereference at virtual address 0",
            Some(NullPointer),
        ),
        (
            "Unable to handle kernel paging request at virtual address 1",
            Some(PageFault),
        ),
        ("Internal error: Oops: 96000004 [#1] SMP", Some(Trap)),
        ("Oops: 0002 [#1] SMP", Some(Trap)),
        (
            "general protection fault, probably for non-canonical address 0x0: 0000 [#1]",
            Some(GeneralProtection),
        ),
        (
            "Oops: general protection fault, probably for non-canonical address",
            Some(GeneralProtection),
        ),
        ("Kernel panic - not syncing: Fatal exception", Some(Panic)),
        (
            "watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [a:1]",
            Some(SoftLockup),
        ),
        (
            "NMI watchdog: Watchdog detected hard LOCKUP on cpu 1",
            Some(HardLockup),
        ),
        (
            "rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:",
            Some(RcuStall),
        ),
        ("INFO: rcu_sched self-detected stall on CPU", Some(RcuStall)),
        (
            "INFO: task syz:123 blocked for more than 143 seconds.",
            Some(HungTask),
        ),
        ("BUG: KASAN: use-after-free in foo+0x1/0x2", Some(Kasan)),
        ("BUG: KCSAN: data-race in a / b", Some(Kcsan)),
        ("BUG: KMSAN: uninit-value in a", Some(Kmsan)),
        ("BUG: KFENCE: use-after-free read in a", Some(Kfence)),
        (
            "WARNING: possible circular locking dependency detected",
            Some(Lockdep),
        ),
        (
            "[ INFO: possible recursive locking detected ]",
            Some(Lockdep),
        ),
        ("UBSAN: array-index-out-of-bounds in a.c:1:2", Some(Ubsan)),
        (
            "unreferenced object 0xffff888000000000 (size 32):",
            Some(MemoryLeak),
        ),
        (
            "BUG: sleeping function called from invalid context at a.c:1",
            Some(OtherBug),
        ),
        ("INFO: lockdep is turned off.", Some(OtherInfo)),
        (
            "WARNING: lib/debugobjects.c:615 at 0x0, CPU#1: kworker/1:3/17677",
            Some(Warning),
        ),
        (
            "WARNING: syz-fuzzer/4398 still has locks held!",
            Some(Lockdep),
        ),
        (
            "WARNING: kernel stack regs at 0000 in a:1 has bad 'bp' value 0000",
            Some(Warning),
        ),
        (
            "syzkaller login: [   16.305150] INFO: trying to register non-static key.",
            Some(Lockdep),
        ),
        // Not reports.
        ("KSYM-INIT: BUG: child killed by signal 11", None),
        ("usb 5-1: WARNING: ath10k USB support is incomplete", None),
        ("kasan: CONFIG_KASAN_INLINE enabled", None),
        (
            "WARNING: workqueue cpumask: online intersect > possible intersect",
            None,
        ),
        ("calling  foo+0x0/0x26 @ 1", None),
    ];
    for (line, want) in rows {
        assert_eq!(kind_of(&format!("[   1.000000] {line}\n")), *want, "{line}");
    }
}

fn frame_of(line: &str) -> Frame {
    let log = format!(
        "[ 1.0] WARNING: CPU: 0 PID: 1 at a.c:1 f+0x1/0x2\n[ 1.0] Call Trace:\n[ 1.0] {line}\n"
    );
    let (ls, _) = lines(&log);
    let f = ls[2]
        .frames
        .first()
        .unwrap_or_else(|| panic!("no frame in {line:?}"))
        .clone();
    let raw = format!("[ 1.0] {line}\n");
    assert!(f.end <= raw.len() && f.span.end <= f.end);
    f
}

#[test]
fn frame_shapes() {
    let f = frame_of(" vfs_write+0xd0/0x250");
    assert_eq!(
        (f.symbol.as_deref(), f.offset, f.size, f.reliable),
        (Some("vfs_write"), Some(0xd0), Some(0x250), true)
    );
    assert_eq!(f.role, FrameRole::Return);
    let f = frame_of(" ? vfs_write+0xd0/0x250");
    assert!(!f.reliable);
    let f = frame_of(" direct_entry+0x137/0x150 [lkdtm]");
    assert_eq!(
        (f.module.as_deref(), f.build_id.as_deref()),
        (Some("lkdtm"), None)
    );
    let f = frame_of(" direct_entry+0x137/0x150 [lkdtm ccda84458db78fa2ca9e5c682f12f71c9c01dc3e]");
    assert_eq!(
        f.build_id.as_deref(),
        Some("ccda84458db78fa2ca9e5c682f12f71c9c01dc3e")
    );
    let f = frame_of(" foo.llvm.123+0x1/0x2 (P)");
    assert_eq!(
        (f.symbol.as_deref(), f.role),
        (Some("foo.llvm.123"), FrameRole::Pc)
    );
    let f = frame_of(" foo+0x1/0x2 (L)");
    assert_eq!(f.role, FrameRole::Lr);
    let f = frame_of(" [<ffffffff81234567>] sym+0x1a/0x40");
    assert_eq!(
        (f.address, f.symbol.as_deref()),
        (Some(0xffffffff81234567), Some("sym"))
    );
    let f = frame_of(" [<ffffffff8100d6b5>] ? show_trace+0x51/0x80");
    assert!(!f.reliable);
    let f = frame_of(" [<ffffffff81234567>]");
    assert_eq!((f.address, f.symbol), (Some(0xffffffff81234567), None));
    let f = frame_of(" 0xffffffffc03a5310");
    assert_eq!(f.address, Some(0xffffffffc03a5310));
    let f = frame_of(" dump_stack+0x292/0x395 lib/dump_stack.c:52");
    assert_eq!(f.symbol.as_deref(), Some("dump_stack"));
    let f = frame_of("[c000000049a87710] [c0000000000286fc] __switch_to+0x43c/0x6d0 (unreliable)");
    assert_eq!((f.address, f.reliable), (Some(0xc0000000000286fc), false));
    let f = frame_of(" _RNvCs1234_4core9panicking5panic+0x10/0x20");
    assert_eq!(
        f.symbol.as_deref(),
        Some("_RNvCs1234_4core9panicking5panic")
    );
}

#[test]
fn register_frames() {
    let (ls, o) = lines(concat!(
        "[ 1.0] BUG: unable to handle kernel paging request at ffff\n",
        "[ 1.0] IP: [<ffffffff82d4e304>] __memset+0x24/0x30\n",
        "[ 1.0] Oops: 0002 [#1] SMP\n",
        "[ 1.0] RIP: 0010:[<ffffffff82d4e304>]  [<ffffffff82d4e304>] __memset+0x24/0x30\n",
        "[ 1.0] RSP: 0018:ffff880066befc88  EFLAGS: 00010006\n",
        "[ 1.0] RAX: 0000000000000000 RBX: 0000000000000001 RCX: 0000000000000002\n",
    ));
    assert_eq!(o.len(), 1);
    assert_eq!(o[0].trap.as_deref(), Some("Oops: 0002 [#1] SMP"));
    assert_eq!(ls[1].frames[0].register.as_deref(), Some("IP"));
    assert_eq!(ls[3].frames.len(), 1);
    assert_eq!(ls[3].frames[0].address, Some(0xffffffff82d4e304));
    assert_eq!(ls[3].frames[0].symbol.as_deref(), Some("__memset"));
    let regs = &o[0].registers;
    let all: Vec<&str> = regs
        .iter()
        .flat_map(|b| b.registers.iter().map(|r| r.name.as_str()))
        .collect();
    assert!(all.contains(&"RSP") && all.contains(&"EFLAGS") && all.contains(&"RCX"));

    let (ls, _) = lines(concat!(
        "[ 1.0] Internal error: Oops: 96000004 [#1] SMP\n",
        "[ 1.0] PC is at foo+0x10/0x20\n",
        "[ 1.0] LR is at bar+0x30/0x40\n",
        "[ 1.0] pc : [<ffffff80080853f0>] lr : [<ffffff80080853e0>] pstate: 60000145\n",
    ));
    assert_eq!(ls[1].frames[0].role, FrameRole::Pc);
    assert_eq!(ls[2].frames[0].role, FrameRole::Lr);
    assert_eq!(ls[3].frames.len(), 2);
    assert_eq!(ls[3].frames[1].address, Some(0xffffff80080853e0));
    assert_eq!(ls[3].frames[1].role, FrameRole::Lr);
}

#[test]
fn contexts_and_entries() {
    let (_, o) = lines(concat!(
        "[ 1.0] watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [a:1]\n",
        "[ 1.0] Call Trace:\n",
        "[ 1.0]  <IRQ>\n",
        "[ 1.0]  a+0x1/0x2\n",
        "[ 1.0]  </IRQ>\n",
        "[ 1.0]  <TASK>\n",
        "[ 1.0]  asm_sysvec_apic_timer_interrupt+0x1a/0x20\n",
        "[ 1.0] RIP: 0010:b+0x5/0x10\n",
        "[ 1.0] RSP: 0018:ffff8f6f00243e08 EFLAGS: 00000202\n",
        "[ 1.0]  c+0x1/0x2\n",
        "[ 1.0]  asm_exc_int3+0x1a/0x20\n",
        "[ 1.0]  d+0x5/0x10\n",
        "[ 1.0]  e+0x1/0x2\n",
        "[ 1.0]  <EOI>\n",
        "[ 1.0]  ee+0x1/0x2\n",
        "[ 1.0]  <NMI>\n",
        "[ 1.0]  f+0x1/0x2\n",
        "[ 1.0]  </NMI>\n",
        "[ 1.0]  <SOFTIRQ>\n",
        "[ 1.0]  g+0x1/0x2\n",
        "[ 1.0]  </SOFTIRQ>\n",
        "[ 1.0]  <#DF>\n",
        "[ 1.0]  h+0x1/0x2\n",
        "[ 1.0]  </TASK>\n",
    ));
    let by = |s: &str| -> Frame {
        o[0].frames
            .iter()
            .find(|f| f.symbol.as_deref() == Some(s) && f.register.is_none())
            .unwrap_or_else(|| panic!("{s}"))
            .clone()
    };
    assert_eq!(by("a").context, FrameContext::Irq);
    assert_eq!(by("c").context, FrameContext::Task);
    let sysvec = by("asm_sysvec_apic_timer_interrupt");
    assert!(
        !sysvec.after_entry,
        "entry code after </IRQ> is a return address"
    );
    let rip = o[0]
        .frames
        .iter()
        .find(|f| f.register.is_some())
        .expect("RIP");
    assert_eq!(
        (rip.symbol.as_deref(), rip.role),
        (Some("b"), FrameRole::Pc)
    );
    assert!(rip.exact());
    assert!(
        !by("c").after_entry,
        "after a register dump frames are return addresses"
    );
    assert!(
        by("d").after_entry,
        "frame after asm_exc_* with no register dump"
    );
    assert!(by("d").exact());
    assert!(!by("e").after_entry && !by("e").exact());
    assert!(by("ee").after_entry, "old kernels: first frame after <EOI>");
    assert_eq!(by("f").context, FrameContext::Nmi);
    assert_eq!(by("g").context, FrameContext::Softirq);
    assert_eq!(by("h").context, FrameContext::Exception);
    assert_eq!(o[0].kind, OopsKind::SoftLockup);
    let rip: Vec<&Frame> = o[0]
        .frames
        .iter()
        .filter(|f| f.register.is_some())
        .collect();
    assert_eq!(rip.len(), 1);
}

#[test]
fn header_fields() {
    let (_, o) = lines(concat!(
        "Nov 24 01:02:03 host kernel: [   5.0] WARNING: CPU: 3 PID: 77 at fs/a.c:9 f+0x1/0x2\n",
        "Nov 24 01:02:03 host kernel: [   5.0] Modules linked in: a(OE) b_c [last unloaded: d]\n",
        "Nov 24 01:02:03 host kernel: [   5.0] CPU: 3 PID: 77 Comm: my task Tainted: G        W  OE      6.1.0-56-amd64 #1  Debian 6.1.192-1\n",
        "Nov 24 01:02:03 host kernel: [   5.0] Hardware name: QEMU Standard PC (i440FX + PIIX, 1996)\n",
        "Nov 24 01:02:03 host kernel: [   5.0] ---[ end trace 0000000000000000 ]---\n",
        "[   6.0] CPU: 0 UID: 0 PID: 5 Comm: kworker/0:0 Not tainted 6.12.0 #1\n",
        "[   6.1] BUG: KASAN: use-after-free in f+0x1/0x2\n",
        "[   6.2] CPU: 0 UID: 0 PID: 5 Comm: kworker/0:0 Not tainted 6.12.0 #1\n",
    ));
    assert_eq!(o.len(), 2, "two reports");
    assert_eq!(
        (o[0].cpu, o[0].pid, o[0].comm.as_deref()),
        (Some(3), Some(77), Some("my task"))
    );
    assert_eq!(o[0].taint.as_deref(), Some("G        W  OE"));
    assert_eq!(o[0].release.as_deref(), Some("6.1.0-56-amd64"));
    assert_eq!(o[0].modules, ["a", "b_c"]);
    assert_eq!(
        o[0].hardware.as_deref(),
        Some("QEMU Standard PC (i440FX + PIIX, 1996)")
    );
    assert!(o[0].complete);
    assert_eq!(
        (o[1].pid, o[1].comm.as_deref(), o[1].taint.as_deref()),
        (Some(5), Some("kworker/0:0"), Some(""))
    );
    assert_eq!(o[1].release.as_deref(), Some("6.12.0"));
    let (_, o) = lines("[ 1.0] ===\n[ 1.0] WARNING: possible circular locking dependency detected\n[ 1.0] 4.15.0+ #221 Not tainted\n");
    assert_eq!(o[0].release.as_deref(), Some("4.15.0+"));
    let (_, o) =
        lines("[ 1.0] WARNING: [cond] io_uring/io_uring.c:3026 at f+0x4/0xb, CPU#0: k/1\n");
    assert_eq!(o[0].location.as_deref(), Some("io_uring/io_uring.c:3026"));
    let (_, o) =
        lines("[ 1.0] INFO: task syz-executor.1:12632 blocked for more than 143 seconds.\n");
    assert_eq!(
        (o[0].comm.as_deref(), o[0].pid),
        (Some("syz-executor.1"), Some(12632))
    );
}

#[test]
fn interleaved_lines_do_not_end_a_report() {
    let (ls, o) = lines(concat!(
        "[   1.0][  T100] WARNING: CPU: 0 PID: 100 at a.c:1 f+0x1/0x2\n",
        "[   1.0][  T100] Call Trace:\n",
        "[   1.0][  T100]  a+0x1/0x2\n",
        "[   1.0][    C1] other cpu noise\n",
        "[   1.0][    C1]  x+0x1/0x2\n",
        "user space line without a timestamp\n",
        "[   1.0][  T100]  b+0x1/0x2\n",
        "[   1.0][  T100] ---[ end trace 0000000000000000 ]---\n",
        "[   1.0][  T100]  c+0x1/0x2\n",
    ));
    assert_eq!(o.len(), 1);
    let names: Vec<&str> = o[0]
        .frames
        .iter()
        .filter_map(|f| f.symbol.as_deref())
        .collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(o[0].caller.as_deref(), Some("T100"));
    assert_eq!(
        ls[4].frames.len(),
        1,
        "a foreign frame is still reported on its line"
    );
    assert_eq!(ls[4].oops, None);
    assert_eq!(ls[6].oops, Some(0));
    assert_eq!(ls[8].oops, None);
    assert_eq!(ls[8].frames.len(), 1);

    // Without caller ids, lines without a timestamp are not part of a timestamped report.
    let (_, o) = lines(concat!(
        "[   1.0] BUG: kernel NULL pointer dereference, address: 0\n",
        "KSYM-INIT: hello  x+0x1/0x2\n",
        "[   1.0] Call Trace:\n",
        "[   1.0]  a+0x1/0x2\n",
    ));
    assert_eq!(o.len(), 1);
    assert_eq!(o[0].trace().count(), 1);
}

#[test]
fn several_reports_and_kasan_rule() {
    let (_, o) = lines(concat!(
        "[ 1.0] ==================================================================\n",
        "[ 1.0] BUG: KASAN: use-after-free in f+0x1/0x2\n",
        "[ 1.0] Call Trace:\n",
        "[ 1.0]  f+0x1/0x2\n",
        "[ 1.0] Allocated by task 1:\n",
        "[ 1.0]  kmalloc+0x1/0x2\n",
        "[ 1.0] ==================================================================\n",
        "[ 1.0] unrelated line\n",
        "[ 1.0]  stray+0x1/0x2\n",
        "[ 1.0] Kernel panic - not syncing: panic_on_warn set ...\n",
        "[ 1.0] Kernel Offset: disabled\n",
    ));
    assert_eq!(kinds(&o), [OopsKind::Kasan, OopsKind::Panic]);
    assert!(o[0].complete);
    assert_eq!(o[0].frames.len(), 2);
    assert_eq!(o[1].kaslr_offset, None);
}

// ---- hostile input ----

fn xorshift(n: usize, mut seed: u64) -> Vec<u8> {
    (0..n)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed as u8
        })
        .collect()
}

#[test]
fn garbage_and_empty_input() {
    assert!(parse_log(b"").is_empty());
    assert!(parse_log(b"\n\n\r\n").is_empty());
    for seed in 1..20 {
        let data = xorshift(64 * 1024, seed);
        let _ = parse_log(&data);
    }
    // Garbage made of log-shaped pieces.
    let pieces: &[&[u8]] = &[
        b"[<",
        b">]",
        b"+0x",
        b"/0x",
        b"RIP: ",
        b"0010:",
        b"pc : ",
        b"[ 1.0] ",
        b"\n",
        b"\r\n",
        b"? ",
        b"<IRQ>",
        b"</IRQ>",
        b"Call Trace:",
        b"ffff",
        b"[T1]",
        b"BUG: ",
        b"Oops: ",
        b"---[ end trace",
        b"(P)",
        b" [m ",
        b"]",
        b"x",
        b"\xff",
    ];
    let rnd = xorshift(200_000, 99);
    let mut data = Vec::new();
    for b in rnd {
        data.extend_from_slice(pieces[b as usize % pieces.len()]);
    }
    let _ = parse_log(&data);
}

#[test]
fn huge_line_is_split_not_buffered() {
    let mut data =
        b"[ 1.0] WARNING: CPU: 0 PID: 1 at a.c:1 f+0x1/0x2\n[ 1.0] Call Trace:\n[ 1.0]  ".to_vec();
    data.extend(std::iter::repeat_n(b'a', 1 << 20));
    data.extend_from_slice(b"+0x1/0x2\n[ 1.0]  b+0x1/0x2\n");
    let mut reader = LineReader::new(&data[..]);
    let mut p = Parser::new();
    let (mut chunks, mut longest, mut rebuilt) = (0, 0, Vec::new());
    while let Some((raw, cont)) = reader.next_line().expect("read") {
        chunks += 1;
        longest = longest.max(raw.len());
        rebuilt.extend_from_slice(raw);
        let l = p.push_chunk(raw, cont);
        assert_eq!(l.continuation, cont);
    }
    assert_eq!(rebuilt, data);
    assert!(longest <= MAX_LINE);
    assert!(chunks > (1 << 20) / MAX_LINE);
    let o = p.finish();
    assert_eq!(o.len(), 1);
    assert_eq!(
        o[0].frames.last().and_then(|f| f.symbol.as_deref()),
        Some("b")
    );
}

#[test]
fn truncated_reports_and_bounded_frames() {
    crate::common::needs_full_env!();
    for (arch, file) in [
        ("x86_64-thin", "console.log"),
        ("arm64-thin", "console.log"),
    ] {
        let data = read(arch, file);
        let full = parse_log(&data).len();
        for cut in (0..data.len()).step_by(997) {
            let o = parse_log(&data[..cut]);
            assert!(o.len() <= full);
        }
    }
    // An endless report keeps at most MAX_FRAMES frames.
    let mut p = Parser::new();
    p.push_line(b"[ 1.0] BUG: soft lockup - CPU#0 stuck for 22s!\n");
    p.push_line(b"[ 1.0] Call Trace:\n");
    for _ in 0..ksym::oops::parse::MAX_FRAMES + 100 {
        let l = p.push_line(b"[ 1.0]  a+0x1/0x2\n");
        assert_eq!(l.frames.len(), 1);
    }
    let o = p.finish();
    assert_eq!(o[0].frames.len(), ksym::oops::parse::MAX_FRAMES);
}

/// A reader that repeats a log up to `total` bytes without holding more than one copy.
struct Repeat<'a> {
    data: &'a [u8],
    pos: usize,
    left: usize,
}

impl std::io::Read for Repeat<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.fill_buf_len().min(buf.len());
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        std::io::BufRead::consume(self, n);
        Ok(n)
    }
}

impl Repeat<'_> {
    fn fill_buf_len(&self) -> usize {
        (self.data.len() - self.pos).min(self.left)
    }
}

impl std::io::BufRead for Repeat<'_> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        let n = self.fill_buf_len();
        Ok(&self.data[self.pos..self.pos + n])
    }
    fn consume(&mut self, n: usize) {
        self.pos += n;
        self.left -= n;
        if self.pos == self.data.len() {
            self.pos = 0;
        }
    }
}

#[test]
fn long_log_streams() {
    crate::common::needs_full_env!();
    // 16 MB of real console output, parsed as a stream: reports come out as they end.
    let data = read("x86_64-thin", "console.log");
    let per_copy = parse_log(&data).len();
    let copies = (16 << 20) / data.len();
    let mut reader = LineReader::new(Repeat {
        data: &data,
        pos: 0,
        left: copies * data.len(),
    });
    let mut p = Parser::new();
    let (mut reports, mut held) = (0, 0);
    while let Some((raw, cont)) = reader.next_line().expect("read") {
        p.push_chunk(raw, cont);
        while let Some(o) = p.take_finished() {
            reports += 1;
            held = held.max(o.frames.len());
        }
    }
    reports += p.finish().len();
    assert_eq!(reports, per_copy * copies);
    assert!(held < 32);
}

#[test]
fn json_shape() {
    crate::common::needs_full_env!();
    let o = load("x86_64-thin", "console.log");
    let v = serde_json::to_value(&o[6]).expect("json");
    assert_eq!(v["kind"], "page_fault");
    assert_eq!(v["frames"][0]["size"], "0xffffffffffff9ed0");
    assert_eq!(v["frames"][0]["role"], "pc");
    assert_eq!(v["frames"][0]["register"], "RIP");
    assert_eq!(v["frames"][1]["reliable"], false);
    assert_eq!(v["frames"][1]["context"], "task");
    assert_eq!(v["frames"][0]["address"], serde_json::Value::Null);
    assert!(v["frames"][0]["span"]["start"].is_u64());
    let v = serde_json::to_value(&o[7]).expect("json");
    assert_eq!(v["kaslr_offset"], "0x3a400000");
}
