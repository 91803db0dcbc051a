//! The connections: one thread ([`run`]) accepts them and reads their requests without
//! blocking on any (poll(2) over all of them), and hands each complete request to the
//! worker pool. An idle or slow connection costs a file descriptor and its buffer, never
//! a worker.
//!
//! A connection is idle (no byte of a request yet: closed after `idle_timeout`), reading
//! (from its request's first byte: answered 408 and closed if the request is not complete
//! within `timeout`), with a worker, writing (what a worker could not write at once, or
//! an answer of this thread; closed when the client takes nothing for `timeout`), or
//! lingering (answered and closing: what the client still
//! sends is read and dropped for a moment, so that closing does not reset the answer
//! away). Above `max_connections` open, a new connection takes the place of the
//! connection idle the longest, or is answered 503 and closed. The bodies being read
//! reserve their `Content-Length` from one budget (workers + queue bodies of `max_body`):
//! memory stays bounded however many clients send at once. A complete request finds a
//! worker or a queue slot, else it is answered 503.

use std::io::{self, Read};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::os::fd::{AsRawFd, RawFd};
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::http::{self, Head, ReadError, Request, Response};
use super::{log_line, log_request, quote, Shared, STOP};

/// A lingering connection is closed after this long, or this many bytes dropped.
const LINGER: Duration = Duration::from_secs(2);
const LINGER_BYTES: usize = 1 << 20;

/// Connections accepted in one go before the others are looked at again.
const ACCEPT_BURST: usize = 64;

/// The write end of the pipe that wakes the connection thread (-1: none), for the signal
/// handler.
static WAKE_FD: AtomicI32 = AtomicI32::new(-1);

/// Wake the connection thread (from a worker or a signal handler: async-signal-safe).
pub(super) fn wake() {
    let fd = WAKE_FD.load(Ordering::SeqCst);
    if fd >= 0 {
        let b = 1u8;
        // SAFETY: writing one byte from a valid buffer; a full pipe (EAGAIN) is fine,
        // the thread is awake then.
        unsafe { libc::write(fd, (&b as *const u8).cast(), 1) };
    }
}

/// The pipe [`wake`] writes to; closed when dropped.
pub(super) struct Waker {
    read: RawFd,
    write: RawFd,
}

impl Waker {
    pub(super) fn new() -> io::Result<Waker> {
        let mut fds = [0; 2];
        // SAFETY: pipe2 fills two descriptors on success.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) } != 0 {
            return Err(io::Error::last_os_error());
        }
        WAKE_FD.store(fds[1], Ordering::SeqCst);
        Ok(Waker {
            read: fds[0],
            write: fds[1],
        })
    }

    fn drain(&self) {
        let mut buf = [0u8; 64];
        // A read short of the buffer emptied the pipe: no second read to learn it.
        // SAFETY: reading into a valid buffer from our own non-blocking pipe.
        while unsafe { libc::read(self.read, buf.as_mut_ptr().cast(), buf.len()) }
            == buf.len() as isize
        {}
    }
}

impl Drop for Waker {
    fn drop(&mut self) {
        WAKE_FD.store(-1, Ordering::SeqCst);
        // SAFETY: closing the two descriptors this value owns.
        unsafe {
            libc::close(self.read);
            libc::close(self.write);
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Idle,
    Reading,
    Writing,
    Linger,
}

/// One client connection.
pub(super) struct Conn {
    stream: TcpStream,
    /// The client's address.
    pub(super) peer: Option<SocketAddr>,
    /// Bytes read and not yet taken as a request.
    buf: Vec<u8>,
    /// Bytes of `buf` known to hold no end of head.
    scanned: usize,
    head: Option<Head>,
    state: State,
    /// When the request being read began (its first byte read).
    pub(super) started: Instant,
    /// When the current state ends (idle, read, write or linger deadline).
    deadline: Instant,
    out: Vec<u8>,
    written: usize,
    close_after: bool,
    /// Body bytes reserved from the budget.
    reserved: u64,
    dropped: usize,
    shared: Arc<Shared>,
}

impl Conn {
    fn new(stream: TcpStream, peer: Option<SocketAddr>, shared: &Arc<Shared>) -> Conn {
        shared
            .metrics
            .connections_open
            .fetch_add(1, Ordering::Relaxed);
        let now = Instant::now();
        Conn {
            stream,
            peer,
            buf: Vec::new(),
            scanned: 0,
            head: None,
            state: State::Idle,
            started: now,
            deadline: now + shared.config.idle_timeout,
            out: Vec::new(),
            written: 0,
            close_after: false,
            reserved: 0,
            dropped: 0,
            shared: Arc::clone(shared),
        }
    }

    /// Give the body budget back.
    fn release(&mut self) {
        if self.reserved > 0 {
            self.shared
                .body_reserved
                .fetch_sub(self.reserved, Ordering::SeqCst);
            self.reserved = 0;
        }
    }

    /// Take `n` bytes of the body budget.
    fn reserve(&mut self, n: u64) -> bool {
        let budget = &self.shared.body_reserved;
        let limit = self.shared.body_budget;
        let mut cur = budget.load(Ordering::SeqCst);
        loop {
            if cur.saturating_add(n) > limit {
                return false;
            }
            match budget.compare_exchange(cur, cur + n, Ordering::SeqCst, Ordering::SeqCst) {
                Ok(_) => {
                    self.reserved += n;
                    return true;
                }
                Err(now) => cur = now,
            }
        }
    }

    fn idle(&mut self) {
        self.state = State::Idle;
        self.deadline = Instant::now() + self.shared.config.idle_timeout;
    }

    /// A worker's answer: written now as far as the socket takes it. `Some`: the
    /// connection goes back to the connection thread (the rest of the answer to write,
    /// or the next request to read); `None`: it is closed.
    pub(super) fn answered(mut self, answer: Vec<u8>, keep_alive: bool) -> Option<Conn> {
        self.release();
        let n = http::write_some(&mut self.stream, &answer).ok()?;
        if n < answer.len() {
            self.out = answer;
            self.written = n;
            self.close_after = !keep_alive;
            self.state = State::Writing;
            self.deadline = Instant::now() + self.shared.config.timeout;
            return Some(self);
        }
        if !keep_alive {
            let _ = self.stream.shutdown(Shutdown::Write);
            return None;
        }
        self.idle();
        Some(self)
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        self.release();
        self.shared
            .metrics
            .connections_open
            .fetch_sub(1, Ordering::Relaxed);
    }
}

/// A complete request and its connection, for a worker.
pub(super) struct Job {
    pub(super) conn: Conn,
    pub(super) req: Request,
}

/// What becomes of a connection after a step.
enum Next {
    Stay,
    Close,
    Work(Request),
}

/// The connection thread.
struct Loop<'a> {
    shared: &'a Arc<Shared>,
    jobs: &'a SyncSender<Job>,
    /// Requests handed to workers and not yet answered.
    busy: &'a AtomicUsize,
    scratch: Vec<u8>,
}

/// Accept and read until SIGTERM; then read the requests already begun, hand them on,
/// and return once every connection is answered and closed.
pub(super) fn run(
    shared: &Arc<Shared>,
    listener: TcpListener,
    jobs: SyncSender<Job>,
    back: Receiver<Conn>,
    waker: &Waker,
    busy: &AtomicUsize,
) {
    let mut lp = Loop {
        shared,
        jobs: &jobs,
        busy,
        scratch: vec![0; 64 << 10],
    };
    let mut listener = Some(listener);
    let mut conns: Vec<Conn> = Vec::new();
    let mut fds: Vec<libc::pollfd> = Vec::new();
    let mut accept_paused_until: Option<Instant> = None;
    let max = shared.config.max_connections.max(1);
    loop {
        let stopping = STOP.load(Ordering::SeqCst);
        if stopping && listener.is_some() {
            listener = None;
            // Requests already begun are read to their end and answered; connections
            // with none are closed.
            for i in (0..conns.len()).rev() {
                if conns[i].state == State::Idle {
                    let next = lp.read(&mut conns[i]);
                    if conns[i].state == State::Idle {
                        conns.swap_remove(i);
                        continue;
                    }
                    lp.apply(&mut conns, i, next);
                }
            }
            log_line(&format!(
                "event=stopping in_flight={} connections={}",
                busy.load(Ordering::SeqCst),
                conns.len()
            ));
        }
        // Workers give connections back after their answer (their request counted in
        // `busy` until then).
        let idle_workers = busy.load(Ordering::SeqCst) == 0;
        while let Ok(mut c) = back.try_recv() {
            if stopping && c.state == State::Idle && c.buf.is_empty() {
                continue;
            }
            let next = if c.state == State::Idle {
                lp.parse_buffered(&mut c)
            } else {
                Next::Stay
            };
            conns.push(c);
            let i = conns.len() - 1;
            lp.apply(&mut conns, i, next);
        }
        if listener.is_none() && conns.is_empty() && idle_workers {
            break;
        }
        let now = Instant::now();
        let listen_fd = listener
            .as_ref()
            .filter(|_| accept_paused_until.is_none_or(|t| now >= t))
            .map(|l| l.as_raw_fd());
        fds.clear();
        fds.push(pollfd(waker.read, libc::POLLIN));
        fds.push(pollfd(listen_fd.unwrap_or(-1), libc::POLLIN));
        let mut next_deadline = now + Duration::from_secs(1);
        for c in &conns {
            let events = if c.state == State::Writing {
                libc::POLLOUT
            } else {
                libc::POLLIN
            };
            fds.push(pollfd(c.stream.as_raw_fd(), events));
            next_deadline = next_deadline.min(c.deadline);
        }
        if let Some(t) = accept_paused_until {
            next_deadline = next_deadline.min(t);
        }
        if stopping {
            next_deadline = next_deadline.min(now + Duration::from_millis(50));
        }
        let wait = next_deadline.saturating_duration_since(now);
        let ms = wait.as_millis().min(1000) as libc::c_int + 1;
        // SAFETY: `fds` is a valid array of pollfd for the duration of the call.
        let n = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ms) };
        if n < 0 {
            // EINTR (a signal): look at STOP again.
            continue;
        }
        if fds[0].revents != 0 {
            waker.drain();
        }
        let now = Instant::now();
        for i in (0..conns.len()).rev() {
            let revents = fds[2 + i].revents;
            let mut next = if revents != 0 {
                lp.ready(&mut conns[i])
            } else {
                Next::Stay
            };
            // A client trickling bytes does not put its deadline off.
            if matches!(next, Next::Stay) && now >= conns[i].deadline {
                next = lp.expire(&mut conns[i]);
            }
            if matches!(next, Next::Stay) && stopping && conns[i].state == State::Idle {
                next = Next::Close;
            }
            lp.apply(&mut conns, i, next);
        }
        if accept_paused_until.is_some_and(|t| now >= t) {
            accept_paused_until = None;
        }
        if fds[1].revents == 0 {
            continue;
        }
        let Some(l) = listener.as_ref() else { continue };
        for _ in 0..ACCEPT_BURST {
            match l.accept() {
                Ok((stream, peer)) => {
                    let ok = stream.set_nonblocking(true).is_ok();
                    let _ = stream.set_nodelay(true);
                    let c = Conn::new(stream, Some(peer), shared);
                    if !ok {
                        continue;
                    }
                    // Connections with the workers and in the queue count too.
                    let open = shared.metrics.connections_open.load(Ordering::Relaxed);
                    if open as usize > max && !evict_idle(&mut conns) {
                        lp.turn_away(c);
                        continue;
                    }
                    conns.push(c);
                    let i = conns.len() - 1;
                    let next = lp.read(&mut conns[i]);
                    lp.apply(&mut conns, i, next);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    // Out of file descriptors and the like: look again a little later.
                    log_line(&format!(
                        "event=accept-error error={}",
                        quote(&e.to_string())
                    ));
                    accept_paused_until = Some(Instant::now() + Duration::from_millis(100));
                    break;
                }
            }
        }
    }
    log_line("event=stopped");
}

fn pollfd(fd: RawFd, events: libc::c_short) -> libc::pollfd {
    libc::pollfd {
        fd,
        events,
        revents: 0,
    }
}

/// Close the connection idle the longest (or one answered and lingering), if one is:
/// `false` when none is.
fn evict_idle(conns: &mut Vec<Conn>) -> bool {
    let oldest = conns
        .iter()
        .enumerate()
        .filter(|(_, c)| matches!(c.state, State::Idle | State::Linger))
        .min_by_key(|(_, c)| c.deadline)
        .map(|(i, _)| i);
    match oldest {
        Some(i) => {
            conns.swap_remove(i);
            true
        }
        None => false,
    }
}

impl Loop<'_> {
    /// Carry `next` out for `conns[i]`: the connection stays, is closed, or goes to a
    /// worker (or, when none and no queue slot is free, is answered 503).
    fn apply(&mut self, conns: &mut Vec<Conn>, i: usize, next: Next) {
        match next {
            Next::Stay => {}
            Next::Close => {
                conns.swap_remove(i);
            }
            Next::Work(req) => {
                let conn = conns.swap_remove(i);
                self.busy.fetch_add(1, Ordering::SeqCst);
                let job = match self.jobs.try_send(Job { conn, req }) {
                    Ok(()) => return,
                    Err(TrySendError::Full(j) | TrySendError::Disconnected(j)) => j,
                };
                self.busy.fetch_sub(1, Ordering::SeqCst);
                let Job { mut conn, req } = job;
                let next = self.busy_answer(&mut conn, Some(&req));
                if !matches!(next, Next::Close) {
                    conns.push(conn);
                }
            }
        }
    }

    /// The socket is ready for what the state waits for.
    fn ready(&mut self, c: &mut Conn) -> Next {
        match c.state {
            State::Writing => self.write(c),
            _ => self.read(c),
        }
    }

    /// Read what has arrived, as far as the request being read needs.
    fn read(&mut self, c: &mut Conn) -> Next {
        loop {
            let want = if c.state == State::Linger {
                self.scratch.len()
            } else {
                let limit = match &c.head {
                    Some(h) => h.len + h.length as usize,
                    None => http::MAX_HEAD + 4,
                };
                let want = limit.saturating_sub(c.buf.len()).min(self.scratch.len());
                if want == 0 {
                    break;
                }
                want
            };
            match c.stream.read(&mut self.scratch[..want]) {
                Ok(0) => return self.gone(c),
                Ok(n) => {
                    if c.state == State::Linger {
                        c.dropped += n;
                        if c.dropped > LINGER_BYTES {
                            return Next::Close;
                        }
                        continue;
                    }
                    if c.state == State::Idle {
                        let now = Instant::now();
                        c.state = State::Reading;
                        c.started = now;
                        c.deadline = now + self.shared.config.timeout;
                    }
                    c.buf.extend_from_slice(&self.scratch[..n]);
                    if n < want {
                        // The socket had no more: poll says when it has (no read
                        // that would only learn it has not).
                        break;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return self.gone(c),
            }
        }
        if c.state == State::Reading {
            self.parse(c)
        } else {
            Next::Stay
        }
    }

    /// A connection back from a worker with bytes of its next request already read.
    fn parse_buffered(&mut self, c: &mut Conn) -> Next {
        if c.buf.is_empty() {
            return Next::Stay;
        }
        let now = Instant::now();
        c.state = State::Reading;
        c.started = now;
        c.deadline = now + self.shared.config.timeout;
        match self.parse(c) {
            // More may have arrived meanwhile.
            Next::Stay => self.read(c),
            next => next,
        }
    }

    /// Parse the head once it is complete, then wait for the body.
    fn parse(&mut self, c: &mut Conn) -> Next {
        if c.head.is_none() {
            match http::parse_head(&c.buf, c.scanned, self.shared.config.max_body) {
                Ok(None) => {
                    c.scanned = c.buf.len();
                    return Next::Stay;
                }
                Ok(Some(h)) => {
                    if !c.reserve(h.length) {
                        return self.busy_answer(c, None);
                    }
                    if h.expect_continue && c.buf.len() < h.len + h.length as usize {
                        // Six-and-twenty bytes to an empty socket: taken at once.
                        let _ = http::write_some(&mut c.stream, http::CONTINUE);
                    }
                    c.head = Some(h);
                }
                Err(e) => return self.refuse(c, e),
            }
        }
        let Some(h) = &c.head else {
            return Next::Stay;
        };
        let end = h.len + h.length as usize;
        if c.buf.len() < end {
            return Next::Stay;
        }
        let Some(head) = c.head.take() else {
            return Next::Stay;
        };
        let rest = c.buf.split_off(end);
        let mut body = std::mem::replace(&mut c.buf, rest);
        body.drain(..head.len);
        c.scanned = 0;
        Next::Work(head.into_request(body))
    }

    fn write(&mut self, c: &mut Conn) -> Next {
        match http::write_some(&mut c.stream, &c.out[c.written..]) {
            // The deadline is for a client that stops reading, not for a slow one.
            Ok(n) if n > 0 => {
                c.written += n;
                c.deadline = Instant::now() + self.shared.config.timeout;
            }
            Ok(_) => {}
            Err(_) => return Next::Close,
        }
        if c.written < c.out.len() {
            return Next::Stay;
        }
        c.out = Vec::new();
        c.written = 0;
        if c.close_after {
            let _ = c.stream.shutdown(Shutdown::Write);
            c.state = State::Linger;
            c.deadline = Instant::now() + LINGER;
            c.buf = Vec::new();
            return Next::Stay;
        }
        c.idle();
        self.parse_buffered(c)
    }

    /// The peer closed (or the socket failed).
    fn gone(&mut self, c: &mut Conn) -> Next {
        if c.state == State::Reading {
            let took = c.started.elapsed();
            self.shared.metrics.record("invalid", 499, took);
            log_request(c.peer, "-", "-", 499, None, 0, 0, took, 0);
        }
        Next::Close
    }

    /// The state's deadline passed.
    fn expire(&mut self, c: &mut Conn) -> Next {
        if c.state != State::Reading {
            return Next::Close;
        }
        self.refuse(c, ReadError::Timeout)
    }

    /// Answer an unreadable request (400, 408, 411, 413, 431) and close.
    fn refuse(&mut self, c: &mut Conn, e: ReadError) -> Next {
        let config = &self.shared.config;
        let resp = match e {
            ReadError::Gone => return self.gone(c),
            ReadError::Timeout => Response::error(
                408,
                &format!(
                    "request not received within {} s",
                    config.timeout.as_secs_f64()
                ),
            ),
            ReadError::TooLarge(n) => Response::error(
                413,
                &format!(
                    "body of {n} bytes is over the limit of {} bytes (--max-body)",
                    config.max_body
                ),
            ),
            ReadError::Bad(status, msg) => Response::error(status, &msg),
        };
        self.answer(c, "invalid", None, resp)
    }

    /// 503: no worker or queue slot for a complete request, or no room in the body
    /// budget for one being read.
    fn busy_answer(&mut self, c: &mut Conn, req: Option<&Request>) -> Next {
        self.shared.metrics.rejected.fetch_add(1, Ordering::Relaxed);
        let mut r = Response::error(503, "busy: every worker and queue slot is taken; retry");
        r.headers.push(("Retry-After", "1".into()));
        self.answer(c, "rejected", req, r)
    }

    /// Write an answer of this thread, count and log it, and close after it.
    fn answer(
        &mut self,
        c: &mut Conn,
        endpoint: &str,
        req: Option<&Request>,
        resp: Response,
    ) -> Next {
        let took = c.started.elapsed();
        self.shared.metrics.record(endpoint, resp.status, took);
        let (method, path, bytes_in) =
            req.map_or(("-", "-", 0), |r| (&*r.method, &*r.path, r.body.len()));
        log_request(
            c.peer,
            method,
            path,
            resp.status,
            None,
            bytes_in,
            resp.body.len(),
            took,
            0,
        );
        c.release();
        c.head = None;
        c.out = resp.to_bytes(false);
        c.written = 0;
        c.close_after = true;
        c.state = State::Writing;
        c.deadline = Instant::now() + self.shared.config.timeout;
        self.write(c)
    }

    /// Above the connection cap with none idle: 503 as far as the socket takes it at
    /// once, and close.
    fn turn_away(&mut self, mut c: Conn) {
        let mut r = Response::error(
            503,
            "busy: too many open connections (--max-connections); retry",
        );
        r.headers.push(("Retry-After", "1".into()));
        self.shared.metrics.rejected.fetch_add(1, Ordering::Relaxed);
        self.shared.metrics.record("rejected", 503, Duration::ZERO);
        log_request(
            c.peer,
            "-",
            "-",
            503,
            None,
            0,
            r.body.len(),
            Duration::ZERO,
            0,
        );
        let _ = http::write_some(&mut c.stream, &r.to_bytes(false));
        let _ = c.stream.shutdown(Shutdown::Write);
    }
}
