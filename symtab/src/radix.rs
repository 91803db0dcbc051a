//! A stable least-significant-digit radix sort by a `u64` key.
//!
//! The symbol indexes sort 100k+ records by an address or a hash each time an object is
//! opened; a comparison sort spends most of a one-address lookup's instructions there. A
//! radix sort makes one pass to count every byte of every key, then one pass per byte
//! position whose values differ between keys (the addresses of a vmlinux share their
//! high bytes: three or four passes, not eight). Stable: records of equal keys keep their
//! order, so sorting by a minor key and then by a major one sorts by both.

/// Sort `v` by `key`, stably. `scratch` is working memory (its contents are replaced);
/// pass the same vector to several sorts to allocate it once.
pub fn sort_by_key<T: Copy>(v: &mut Vec<T>, scratch: &mut Vec<T>, key: impl Fn(&T) -> u64) {
    if v.len() < 2 {
        return;
    }
    // The byte positions where keys differ: the only ones to sort by.
    let first = key(&v[0]);
    let differ = v.iter().fold(0, |m, x| m | (key(x) ^ first));
    let digits: Vec<u32> = (0..8).filter(|d| (differ >> (8 * d)) & 0xff != 0).collect();
    let mut counts = vec![[0usize; 256]; digits.len()];
    for x in v.iter() {
        let k = key(x);
        for (&digit, c) in digits.iter().zip(counts.iter_mut()) {
            c[((k >> (8 * digit)) & 0xff) as usize] += 1;
        }
    }
    scratch.clear();
    for (&digit, c) in digits.iter().zip(counts.iter_mut()) {
        let mut at = 0;
        for m in c.iter_mut() {
            let here = *m;
            *m = at;
            at += here;
        }
        if scratch.is_empty() {
            scratch.extend_from_slice(v);
        }
        let shift = 8 * digit;
        for x in v.iter() {
            let b = ((key(x) >> shift) & 0xff) as usize;
            scratch[c[b]] = *x;
            c[b] += 1;
        }
        std::mem::swap(v, scratch);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (xorshift), so failures reproduce.
    fn numbers(n: usize, seed: u64, mask: u64) -> Vec<u64> {
        let mut s = seed;
        (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                s & mask
            })
            .collect()
    }

    #[test]
    fn sorts_as_a_stable_comparison_sort() {
        for (n, mask) in [
            (0, u64::MAX),
            (1, u64::MAX),
            (2, 1),
            (1000, u64::MAX),
            (5000, 0xff),
            (5000, 0xffff_0000_0000_ff00),
            (3000, 0),
        ] {
            let keys = numbers(n, 0x9e37_79b9_7f4a_7c15 ^ n as u64, mask);
            // (key, original position): equal keys must stay in order.
            let mut v: Vec<(u64, usize)> = keys.iter().copied().zip(0..).collect();
            let mut want = v.clone();
            want.sort_by_key(|x| x.0);
            let mut scratch = Vec::new();
            sort_by_key(&mut v, &mut scratch, |x| x.0);
            assert_eq!(v, want, "n = {n}, mask = {mask:#x}");
        }
    }

    #[test]
    fn two_sorts_order_by_both_keys() {
        let a = numbers(4000, 7, 0x3f);
        let b = numbers(4000, 11, 0x7);
        let mut v: Vec<(u64, u64, usize)> = a
            .into_iter()
            .zip(b)
            .zip(0..)
            .map(|((a, b), i)| (a, b, i))
            .collect();
        let mut want = v.clone();
        want.sort_by_key(|x| (x.0, x.1));
        let mut scratch = Vec::new();
        sort_by_key(&mut v, &mut scratch, |x| x.1);
        sort_by_key(&mut v, &mut scratch, |x| x.0);
        assert_eq!(v, want);
    }
}
