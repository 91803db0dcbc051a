//! The HTTP/1.1 subset `ksym serve` speaks: one request per connection, a body sized by
//! `Content-Length` (no chunked uploads), `Expect: 100-continue` honoured, every answer
//! closing the connection. Reads stop at a deadline; sizes are bounded before anything is
//! allocated for them.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Instant;

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
    /// The deadline passed before the request was complete (504).
    Timeout,
    /// The body is larger than allowed (413).
    TooLarge(u64),
    /// Malformed request line or headers (400), or a body not sized by Content-Length (411).
    Bad(u16, String),
}

/// Read one request from `s`, giving up at `deadline`.
pub fn read_request(
    s: &mut TcpStream,
    deadline: Instant,
    max_body: u64,
) -> Result<Request, ReadError> {
    let mut buf = Vec::with_capacity(1024);
    let head_end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i;
        }
        if buf.len() > MAX_HEAD {
            return Err(ReadError::Bad(431, "request head too large".into()));
        }
        let mut chunk = [0u8; 4096];
        let n = read_until(s, &mut chunk, deadline)?;
        if n == 0 {
            return Err(ReadError::Gone);
        }
        buf.extend_from_slice(&chunk[..n]);
    };
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
    let mut body = buf[head_end + 4..].to_vec();
    if body.len() as u64 > length {
        return Err(ReadError::Bad(400, "more bytes than Content-Length".into()));
    }
    if expect_continue && (body.len() as u64) < length {
        s.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
            .map_err(|_| ReadError::Gone)?;
    }
    body.reserve_exact((length as usize).saturating_sub(body.len()));
    while (body.len() as u64) < length {
        let mut chunk = [0u8; 16384];
        let want = (length as usize - body.len()).min(chunk.len());
        let n = read_until(s, &mut chunk[..want], deadline)?;
        if n == 0 {
            return Err(ReadError::Gone);
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Ok(Request {
        method: method.to_string(),
        path: path.to_string(),
        query,
        body,
    })
}

/// One read bounded by `deadline`.
fn read_until(s: &mut TcpStream, buf: &mut [u8], deadline: Instant) -> Result<usize, ReadError> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(ReadError::Timeout);
    }
    s.set_read_timeout(Some(left))
        .map_err(|_| ReadError::Gone)?;
    match s.read(buf) {
        Ok(n) => Ok(n),
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
            ) =>
        {
            Err(ReadError::Timeout)
        }
        // A signal: read again within the deadline.
        Err(e) if e.kind() == io::ErrorKind::Interrupted => read_until(s, buf, deadline),
        Err(_) => Err(ReadError::Gone),
    }
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

    /// Write the answer and close the write side.
    pub fn write_to(&self, s: &mut TcpStream) -> io::Result<()> {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
            self.status,
            reason(self.status),
            self.content_type,
            self.body.len()
        );
        for (k, v) in &self.headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        s.write_all(head.as_bytes())?;
        s.write_all(&self.body)?;
        s.flush()?;
        s.shutdown(std::net::Shutdown::Write)
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
