//! The token-table compression of `scripts/kallsyms`, step for step.
//!
//! Every symbol is stored as its type letter followed by its name. The compressor starts
//! with one table slot per byte value the symbols use (a slot that expands to itself) and
//! fills the free slots from 255 down to 0, each with the byte pair that occurs most
//! often at that moment (ties: the lowest `first + (second << 8)`), replacing the pair
//! left to right, without overlap, in every symbol that holds it. Pairs can contain
//! earlier slots, so a slot expands recursively. Reproducing the kernel's tables byte for
//! byte needs exactly this order and tie rule, which is why the pair counts are kept in
//! a 65536-entry array as the C tool keeps them.

/// The result of compression: each symbol's token bytes and the 256-slot table.
pub struct Compressed {
    buf: Vec<u8>,
    start: Vec<u32>,
    len: Vec<u32>,
    /// `best_table`: the one or two bytes each slot stands for.
    table: [[u8; 2]; 256],
    /// `best_table_len`: 0 (unused), 1 (the byte itself) or 2 (a pair).
    table_len: [u8; 256],
}

impl Compressed {
    /// The compressed bytes of symbol `i` (type letter and name together).
    pub fn symbol(&self, i: usize) -> &[u8] {
        let s = self.start[i] as usize;
        &self.buf[s..s + self.len[i] as usize]
    }

    /// The number of symbols.
    pub fn len(&self) -> usize {
        self.start.len()
    }

    /// True when there are no symbols.
    pub fn is_empty(&self) -> bool {
        self.start.is_empty()
    }

    /// The full expansion of table slot `slot` (empty for unused slots).
    pub fn expand_slot(&self, slot: u8) -> Vec<u8> {
        let mut out = Vec::new();
        let n = self.table_len[slot as usize] as usize;
        self.expand_into(&self.table[slot as usize][..n], &mut out);
        out
    }

    /// `expand_symbol()`: decompress `data` with the table.
    pub fn expand_into(&self, data: &[u8], out: &mut Vec<u8>) {
        for &c in data {
            let t = &self.table[c as usize];
            let n = self.table_len[c as usize];
            if n == 1 && t[0] == c {
                out.push(c);
            } else {
                self.expand_into(&t[..n as usize], out);
            }
        }
    }
}

/// `optimize_token_table()` over `symbols` (type letter, name).
pub fn compress<'a>(symbols: impl ExactSizeIterator<Item = (u8, &'a [u8])>) -> Compressed {
    let n = symbols.len();
    let mut c = Compressed {
        buf: Vec::new(),
        start: Vec::with_capacity(n),
        len: Vec::with_capacity(n),
        table: [[0; 2]; 256],
        table_len: [0; 256],
    };
    for (kind, name) in symbols {
        c.start.push(c.buf.len() as u32);
        c.len.push(name.len() as u32 + 1);
        c.buf.push(kind);
        c.buf.extend_from_slice(name);
    }
    let mut profit = vec![0i32; 0x10000];
    // build_initial_tok_table
    for i in 0..n {
        learn(&mut profit, c.symbol(i), 1);
    }
    // insert_real_symbols_in_table
    for &b in &c.buf {
        c.table[b as usize] = [b, 0];
        c.table_len[b as usize] = 1;
    }
    // A superset of the bytes each symbol holds: symbols lacking either byte of a pair
    // are skipped without scanning (the result is the same, only faster).
    let mut sets: Vec<ByteSet> = (0..n).map(|i| ByteSet::of(c.symbol(i))).collect();
    // optimize_result
    for slot in (0..=255u8).rev() {
        if c.table_len[slot as usize] != 0 {
            continue;
        }
        let best = find_best(&profit);
        if profit[best] == 0 {
            break;
        }
        let pair = [(best & 0xff) as u8, (best >> 8) as u8];
        c.table[slot as usize] = pair;
        c.table_len[slot as usize] = 2;
        compress_pair(&mut c, &mut sets, &mut profit, pair, slot);
    }
    c
}

/// `learn_symbol()` (`delta` 1) and `forget_symbol()` (`delta` -1).
fn learn(profit: &mut [i32], s: &[u8], delta: i32) {
    for w in s.windows(2) {
        profit[w[0] as usize | (w[1] as usize) << 8] += delta;
    }
}

/// `find_best_token()`: the first index holding the maximum count.
fn find_best(profit: &[i32]) -> usize {
    let mut best = 0;
    let mut best_profit = -10000;
    for (i, &p) in profit.iter().enumerate() {
        if p > best_profit {
            best = i;
            best_profit = p;
        }
    }
    best
}

fn find_pair(s: &[u8], pair: [u8; 2]) -> Option<usize> {
    let mut from = 0;
    while from + 1 < s.len() {
        let i = from + memchr(pair[0], &s[from..s.len() - 1])?;
        if s[i + 1] == pair[1] {
            return Some(i);
        }
        from = i + 1;
    }
    None
}

fn memchr(b: u8, s: &[u8]) -> Option<usize> {
    s.iter().position(|&c| c == b)
}

/// `compress_symbols()`: replace `pair` by `slot` in every symbol, updating the counts.
fn compress_pair(
    c: &mut Compressed,
    sets: &mut [ByteSet],
    profit: &mut [i32],
    pair: [u8; 2],
    slot: u8,
) {
    for (i, set) in sets.iter_mut().enumerate() {
        if !(set.has(pair[0]) && set.has(pair[1])) {
            continue;
        }
        let start = c.start[i] as usize;
        let len = c.len[i] as usize;
        let s = &mut c.buf[start..start + len];
        let Some(first) = find_pair(s, pair) else {
            continue;
        };
        learn(profit, s, -1);
        let mut w = first;
        let mut r = first;
        while r < len {
            if r + 1 < len && s[r] == pair[0] && s[r + 1] == pair[1] {
                s[w] = slot;
                r += 2;
            } else {
                s[w] = s[r];
                r += 1;
            }
            w += 1;
        }
        c.len[i] = w as u32;
        set.add(slot);
        learn(profit, &s[..w], 1);
    }
}

/// A set of byte values.
#[derive(Clone, Copy)]
struct ByteSet([u64; 4]);

impl ByteSet {
    fn of(s: &[u8]) -> ByteSet {
        let mut set = ByteSet([0; 4]);
        for &b in s {
            set.add(b);
        }
        set
    }

    fn add(&mut self, b: u8) {
        self.0[(b >> 6) as usize] |= 1 << (b & 63);
    }

    fn has(&self, b: u8) -> bool {
        self.0[(b >> 6) as usize] & (1 << (b & 63)) != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_pairs() {
        let syms: Vec<&[u8]> = vec![b"Tfoo_bar", b"tfoo_baz", b"taaa"];
        let c = compress(syms.iter().map(|s| (s[0], &s[1..])));
        for (i, s) in syms.iter().enumerate() {
            let mut out = Vec::new();
            c.expand_into(c.symbol(i), &mut out);
            assert_eq!(&out, s);
            assert!(c.symbol(i).len() < s.len());
        }
    }

    #[test]
    fn non_overlapping_left_to_right() {
        let c = compress([(b'a', b"aa".as_slice())].into_iter());
        // "aa" goes to slot 255 first: "aaa" -> [255, 'a'], then [255,'a'] -> 254.
        assert_eq!(c.expand_slot(255), b"aa");
        assert_eq!(c.symbol(0), &[254]);
    }
}
