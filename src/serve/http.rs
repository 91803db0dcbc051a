//! The HTTP/1.1 subset `ksym serve` speaks: a body sized by `Content-Length` (no chunked
//! uploads), `Expect: 100-continue` honoured, persistent connections (HTTP/1.1 unless
//! `Connection: close`, HTTP/1.0 with `Connection: keep-alive`) and pipelined requests.
//! The head is parsed from whatever bytes have arrived ([`parse_head`]), so that one thread
//! can read many connections without blocking on any; sizes are bounded before anything is
//! allocated for them.

use std::io;

/// Bytes of request line and headers accepted.
pub const MAX_HEAD: usize = 16 << 10;

/// A parsed request.
#[derive(Debug)]
pub struct Request {
    /// `GET`, `POST`...
    pub method: String,
    /// The path without the query (`/v1/decode`).
    pub path: String,
    /// Query parameters, percent-decoded, in order.
    pub query: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
    /// The client keeps the connection open for another request.
    pub keep_alive: bool,
}

impl Request {
    /// The first value of query parameter `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Why a request could not be read; each maps to one answer.
#[derive(Debug)]
pub enum ReadError {
    /// The peer closed or the socket failed: nobody to answer.
    Gone,
    /// The deadline passed before the request was complete (408).
    Timeout,
    /// The body is larger than allowed (413).
    TooLarge(u64),
    /// Malformed request line or headers (400), or a body not sized by Content-Length (411).
    Bad(u16, String),
}

/// The head of a request, parsed.
#[derive(Debug)]
pub struct Head {
    /// Bytes of the head, its blank line included: the body starts there.
    pub len: usize,
    /// `GET`, `POST`...
    pub method: String,
    /// The path without the query.
    pub path: String,
    /// Query parameters, percent-decoded.
    pub query: Vec<(String, String)>,
    /// `Content-Length` (0 when absent).
    pub length: u64,
    /// `Expect: 100-continue`.
    pub expect_continue: bool,
    /// The connection stays open after the answer.
    pub keep_alive: bool,
}

impl Head {
    /// The request of this head and its body.
    pub fn into_request(self, body: Vec<u8>) -> Request {
        Request {
            method: self.method,
            path: self.path,
            query: self.query,
            body,
            keep_alive: self.keep_alive,
        }
    }
}

/// Parse the head at the start of `buf`: `Ok(None)` while it is incomplete. `from` bytes
/// of `buf` are known to hold no end of head (a caller reading a few bytes at a time
/// does not search the same bytes again). A body over `max_body` is `TooLarge`, before
/// any of it is read.
pub fn parse_head(buf: &[u8], from: usize, max_body: u64) -> Result<Option<Head>, ReadError> {
    let from = from.saturating_sub(3).min(buf.len());
    let Some(head_end) = find(&buf[from..], b"\r\n\r\n").map(|i| i + from) else {
        if buf.len() > MAX_HEAD {
            return Err(ReadError::Bad(431, "request head too large".into()));
        }
        return Ok(None);
    };
    if head_end > MAX_HEAD {
        return Err(ReadError::Bad(431, "request head too large".into()));
    }
    let head = std::str::from_utf8(&buf[..head_end])
        .map_err(|_| ReadError::Bad(400, "request head is not UTF-8".into()))?;
    let mut lines = head.split("\r\n");
    let first = lines.next().unwrap_or_default();
    let mut parts = first.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ReadError::Bad(400, "malformed request line".into()));
    };
    if !version.starts_with("HTTP/1.") || method.is_empty() || !target.starts_with('/') {
        return Err(ReadError::Bad(400, "malformed request line".into()));
    }
    let mut length: Option<u64> = None;
    let mut expect_continue = false;
    let mut keep_alive = version != "HTTP/1.0";
    for l in lines {
        let Some((name, value)) = l.split_once(':') else {
            return Err(ReadError::Bad(400, "malformed header line".into()));
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            let n = value
                .parse()
                .map_err(|_| ReadError::Bad(400, "bad Content-Length".into()))?;
            if length.is_some_and(|m| m != n) {
                return Err(ReadError::Bad(400, "conflicting Content-Length".into()));
            }
            length = Some(n);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            return Err(ReadError::Bad(
                411,
                "Transfer-Encoding is not supported: send Content-Length".into(),
            ));
        } else if name.eq_ignore_ascii_case("expect") && value.eq_ignore_ascii_case("100-continue")
        {
            expect_continue = true;
        } else if name.eq_ignore_ascii_case("connection") {
            for token in value.split(',').map(str::trim) {
                if token.eq_ignore_ascii_case("close") {
                    keep_alive = false;
                } else if token.eq_ignore_ascii_case("keep-alive") {
                    keep_alive = true;
                }
            }
        }
    }
    let length = length.unwrap_or(0);
    if length > max_body {
        return Err(ReadError::TooLarge(length));
    }
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, parse_query(q)),
        None => (target, Vec::new()),
    };
    Ok(Some(Head {
        len: head_end + 4,
        method: method.to_string(),
        path: path.to_string(),
        query,
        length,
        expect_continue,
        keep_alive,
    }))
}

/// What to send before the body when the client waits for it (`Expect: 100-continue`).
pub const CONTINUE: &[u8] = b"HTTP/1.1 100 Continue\r\n\r\n";

/// Write what `w` takes of `buf` without blocking: bytes written, `WouldBlock` not an error.
pub fn write_some(w: &mut impl io::Write, buf: &[u8]) -> io::Result<usize> {
    let mut done = 0;
    while done < buf.len() {
        match w.write(&buf[done..]) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => done += n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match b[i] {
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The reason phrase of the statuses ksym answers with.
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        408 => "Request Timeout",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Content Too Large",
        422 => "Unprocessable Content",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}

/// An answer.
#[derive(Debug)]
pub struct Response {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: &'static str,
    /// Extra headers.
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Response {
    /// A plain-text answer.
    pub fn text(status: u16, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            content_type: "text/plain; charset=utf-8",
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// An error answer: `ksym: MESSAGE` and a newline.
    pub fn error(status: u16, message: &str) -> Response {
        Response::text(status, format!("ksym: {message}\n"))
    }

    /// The answer as sent: status line, headers, body. `keep_alive` says whether the
    /// connection stays open after it.
    pub fn to_bytes(&self, keep_alive: bool) -> Vec<u8> {
        use std::fmt::Write as _;
        let mut head = String::with_capacity(256);
        let _ = write!(
            head,
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: {}\r\n",
            self.status,
            reason(self.status),
            self.content_type,
            self.body.len(),
            if keep_alive { "keep-alive" } else { "close" }
        );
        for (k, v) in &self.headers {
            let _ = write!(head, "{k}: {v}\r\n");
        }
        head.push_str("\r\n");
        let mut out = Vec::with_capacity(head.len() + self.body.len());
        out.extend_from_slice(head.as_bytes());
        out.extend_from_slice(&self.body);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_decoding() {
        assert_eq!(
            parse_query("format=json&release=6.1.192%2Bx&x"),
            [
                ("format".to_string(), "json".to_string()),
                ("release".to_string(), "6.1.192+x".to_string()),
                ("x".to_string(), String::new())
            ]
        );
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("a%41"), "aA");
    }
}

#[cfg(test)]
mod head_tests {
    use super::*;

    #[test]
    fn heads_in_pieces_and_connection_tokens() {
        let req = b"POST /v1/decode?format=json HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc";
        // A byte at a time, as a caller reading a slow client does.
        let mut scanned = 0;
        for cut in 0..=req.len() {
            let r = parse_head(&req[..cut], scanned, 100).expect("no error");
            assert_eq!(r.is_some(), cut >= req.len() - 3, "cut at {cut}");
            if r.is_none() {
                scanned = cut;
            }
        }
        let h = parse_head(req, 0, 100).unwrap().unwrap();
        assert_eq!((h.len, h.length, h.keep_alive), (req.len() - 3, 3, true));
        assert_eq!(h.query, [("format".to_string(), "json".to_string())]);
        let h = parse_head(b"GET / HTTP/1.1\r\nConnection: Close\r\n\r\n", 0, 0);
        assert!(!h.unwrap().unwrap().keep_alive);
        let h = parse_head(b"GET / HTTP/1.0\r\n\r\n", 0, 0);
        assert!(!h.unwrap().unwrap().keep_alive);
        let h = parse_head(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 0, 0);
        assert!(h.unwrap().unwrap().keep_alive);
        let h = parse_head(b"POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n", 0, 100);
        assert!(matches!(h, Err(ReadError::TooLarge(101))));
        let big = vec![b'a'; MAX_HEAD + 1];
        assert!(matches!(
            parse_head(&big, 0, 0),
            Err(ReadError::Bad(431, _))
        ));
    }
}
