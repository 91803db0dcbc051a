//! Finding a kallsyms table without symbols: in a stripped `vmlinux` or a raw kernel
//! image (an uncompressed arm64 `Image`), by the tables' structure rather than by byte
//! patterns.
//!
//! 1. `kallsyms_token_index` is 256 strictly increasing u16 starting at 0, at an aligned
//!    offset; `kallsyms_token_table` ends (padded) right before it, and each string i ends
//!    exactly where string i+1 begins.
//! 2. The markers end right before the token table (6.4 and later) or before the 3-byte
//!    `kallsyms_seqs_of_names` that does (6.1). For each aligned `kallsyms_num_syms`
//!    candidate N before them, the markers' position follows from N; the first marker
//!    must be 0, the markers increasing, and the names must decode to exactly fill the
//!    space up to the markers.
//! 3. The addresses sit before `kallsyms_num_syms` (6.1) or after the token index (6.4+);
//!    of the encodings that fit there, the one giving addresses in ascending order wins.
//!
//! Only 64-bit tables are located (pointers of 8 bytes). Tables are aligned to 8 bytes
//! through 6.19 (`ALGN`) and to 4 from 7.0 (`.balign 4`); both are tried, 8 first.

/// Where each table starts, as offsets into the scanned bytes.
#[derive(Debug, Clone)]
pub struct Located {
    /// `(table name, offset)` for every table found.
    pub tables: Vec<(&'static str, usize)>,
}

struct Bytes<'a> {
    d: &'a [u8],
    be: bool,
}

impl Bytes<'_> {
    fn u(&self, off: usize, n: usize) -> Option<u64> {
        crate::objfile::uint(self.d, off, n, !self.be)
    }
}

/// `x` rounded up to a multiple of `al` (a power of two).
fn align(x: usize, al: usize) -> usize {
    (x + al - 1) & !(al - 1)
}

/// The only multiple of `al` in `(x - al, x]`.
fn floor(x: usize, al: usize) -> usize {
    x & !(al - 1)
}

/// Locate the tables in `data` (one endianness), whose first byte is at address `base`.
pub fn locate(data: &[u8], base: u64, big_endian: bool) -> Option<Located> {
    let b = Bytes {
        d: data,
        be: big_endian,
    };
    let mut p = 0;
    while p + 512 <= data.len() {
        for al in [8, 4] {
            if p % al != 0 {
                continue;
            }
            if let Some(t) = token_index_at(&b, p, al) {
                // 6.1's order exists only with 8-byte alignment.
                for six_one in [true, false].into_iter().filter(|&s| !s || al == 8) {
                    if let Some(l) = tables_before(&b, base, t, p, six_one, al) {
                        return Some(l);
                    }
                }
            }
        }
        p += 4;
    }
    None
}

/// If a token index starts at `p`, the start of the token table before it.
fn token_index_at(b: &Bytes<'_>, p: usize, al: usize) -> Option<usize> {
    if b.u(p, 2)? != 0 {
        return None;
    }
    let mut idx = [0usize; 256];
    for (i, v) in idx.iter_mut().enumerate().skip(1) {
        *v = b.u(p + 2 * i, 2)? as usize;
    }
    if idx.windows(2).any(|w| w[1] <= w[0]) {
        return None;
    }
    // The last string: from t + idx[255] to a NUL, then padding up to p.
    let last = idx[255];
    let lo = p.saturating_sub(last + 1 + 7 + 256);
    let mut t = align(lo, al);
    while t + last < p {
        if check_tokens(b.d, t, &idx, p, al) {
            return Some(t);
        }
        t += al;
    }
    None
}

fn check_tokens(d: &[u8], t: usize, idx: &[usize; 256], p: usize, al: usize) -> bool {
    for i in 0..256 {
        let start = t + idx[i];
        let end = if i < 255 { t + idx[i + 1] - 1 } else { start };
        let Some(s) = d.get(start..p) else {
            return false;
        };
        if i < 255 {
            // String i is exactly [start, end) and its NUL at end.
            if end >= p || d[end] != 0 || s[..end - start].contains(&0) {
                return false;
            }
        } else {
            let Some(nul) = s.iter().position(|&c| c == 0) else {
                return false;
            };
            if align(start + nul + 1, al) != p {
                return false;
            }
        }
    }
    true
}

/// Find `kallsyms_num_syms`, names and markers ending before the token table `t`.
fn tables_before(
    b: &Bytes<'_>,
    base: u64,
    t: usize,
    p: usize,
    six_one: bool,
    al: usize,
) -> Option<Located> {
    let mut q = floor(t.checked_sub(16)?, al);
    let lowest = t.saturating_sub(64 << 20);
    loop {
        if let Some(l) = try_num_syms(b, base, (q, t, p), six_one, al) {
            return Some(l);
        }
        if q < lowest + al {
            return None;
        }
        q -= al;
    }
}

/// `kallsyms_num_syms` at `q`, the token table at `t` and the token index at `p`.
fn try_num_syms(
    b: &Bytes<'_>,
    base: u64,
    (q, t, p): (usize, usize, usize),
    six_one: bool,
    al: usize,
) -> Option<Located> {
    let n = b.u(q, 4)? as usize;
    // The names follow the 4-byte count, aligned.
    let names = q + align(4, al);
    if n == 0 || names + 2 * n > t {
        return None;
    }
    let seqs = if six_one {
        Some(floor(t.checked_sub(3 * n)?, al))
    } else {
        None
    };
    let markers_end = seqs.unwrap_or(t);
    let k = n.div_ceil(256);
    let m = floor(markers_end.checked_sub(4 * k)?, al);
    if m < names || b.u(m, 4)? != 0 {
        return None;
    }
    let last = b.u(m + 4 * (k - 1), 4)? as usize;
    if names + last >= m {
        return None;
    }
    // Decode the entry lengths: they must reach exactly the markers.
    let mut off = 0usize;
    for i in 0..n {
        if i % 256 == 0 && b.u(m + 4 * (i / 256), 4)? as usize != off {
            return None;
        }
        let b0 = b.u(names + off, 1)? as usize;
        let (len, hdr) = if b0 & 0x80 != 0 {
            ((b0 & 0x7f) | (b.u(names + off + 1, 1)? as usize) << 7, 2)
        } else {
            (b0, 1)
        };
        if len == 0 {
            return None;
        }
        off += hdr + len;
        if names + off > m {
            return None;
        }
    }
    if align(names + off, al) != m {
        return None;
    }
    let mut tables = vec![
        ("kallsyms_num_syms", q),
        ("kallsyms_names", names),
        ("kallsyms_markers", m),
        ("kallsyms_token_table", t),
        ("kallsyms_token_index", p),
    ];
    if let Some(s) = seqs {
        tables.push(("kallsyms_seqs_of_names", s));
    }
    tables.extend(addresses(b, base, (q, p, n), six_one, al)?);
    Some(Located { tables })
}

/// The address tables, chosen among the encodings that fit by ascending addresses.
fn addresses(
    b: &Bytes<'_>,
    image_base: u64,
    (q, p, n): (usize, usize, usize),
    six_one: bool,
    al: usize,
) -> Option<Vec<(&'static str, usize)>> {
    let ascending = |vals: &mut dyn Iterator<Item = Option<u64>>| -> bool {
        let mut prev = 0u64;
        for v in vals {
            match v {
                Some(v) if v >= prev => prev = v,
                _ => return false,
            }
        }
        true
    };
    // Base-relative, plain or with absolute percpu entries: either order will do.
    let relative = |base: u64, at: usize| -> bool {
        let plain = |i: usize| b.u(at + 4 * i, 4).map(|v| base.wrapping_add(v));
        let percpu = |i: usize| {
            b.u(at + 4 * i, 4).map(|v| {
                if v & 0x8000_0000 == 0 {
                    v
                } else {
                    base.wrapping_sub(1)
                        .wrapping_sub(i64::from(v as u32 as i32) as u64)
                }
            })
        };
        ascending(&mut (0..n).map(plain)) || ascending(&mut (0..n).map(percpu))
    };
    if six_one {
        // Base-relative: relative_base at q - 8, offsets before it.
        let rb = q.checked_sub(8);
        let off = rb.and_then(|rb| rb.checked_sub(4 * n)).map(|o| floor(o, 8));
        if let (Some(rb), Some(off)) = (rb, off) {
            let base = b.u(rb, 8)?;
            if relative(base, off) {
                return Some(vec![
                    ("kallsyms_offsets", off),
                    ("kallsyms_relative_base", rb),
                ]);
            }
        }
        let a = q.checked_sub(8 * n)?;
        if ascending(&mut (0..n).map(|i| b.u(a + 8 * i, 8))) {
            return Some(vec![("kallsyms_addresses", a)]);
        }
        return None;
    }
    let a = align(p + 512, al);
    // The relative base and absolute addresses (6.4-6.19) come with 8-byte alignment.
    let rb = align(a + 4 * n, 8);
    if let Some(base) = b.u(rb, 8).filter(|_| al == 8) {
        if relative(base, a) {
            return Some(vec![
                ("kallsyms_offsets", a),
                ("kallsyms_relative_base", rb),
                ("kallsyms_seqs_of_names", align(rb + 8, 8)),
            ]);
        }
    }
    if al == 8 && ascending(&mut (0..n).map(|i| b.u(a + 8 * i, 8))) {
        return Some(vec![
            ("kallsyms_addresses", a),
            ("kallsyms_seqs_of_names", align(a + 8 * n, 8)),
        ]);
    }
    // Entry-relative (7.0): from each entry's own address.
    let pc = |i: usize| {
        b.u(a + 4 * i, 4).map(|v| {
            image_base
                .wrapping_add((a + 4 * i) as u64)
                .wrapping_add(i64::from(v as u32 as i32) as u64)
        })
    };
    if ascending(&mut (0..n).map(pc)) {
        return Some(vec![
            ("kallsyms_offsets", a),
            ("kallsyms_seqs_of_names", align(a + 4 * n, al)),
        ]);
    }
    None
}
