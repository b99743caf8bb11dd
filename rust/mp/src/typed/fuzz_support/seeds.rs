//! Seeds made from well-formed params, and the mutations the stable driver applies.

use super::peer::context_pointer;
use super::{Elem, FuzzMethod, Slot};

/// Inputs made from well-formed params of `method`: all zero (every field at its default),
/// and every pointer field filled with a small value of its type. Unless `keep_context`
/// (the harness then writes it), they hold the well-formed `Context` pointer too.
pub fn seeds(method: &FuzzMethod, keep_context: bool) -> Vec<Vec<u8>> {
    let (data, ptrs) = (
        usize::from(method.params.data),
        usize::from(method.params.pointers),
    );
    let mut words: Vec<u64> = vec![0; data + ptrs];
    if let Some(c) = method.desc.context.map(usize::from) {
        if !keep_context && c < ptrs {
            words[data + c] = context_pointer(ptrs, c);
        }
    }
    let zero: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    for (i, w) in words.iter_mut().take(data).enumerate() {
        *w = 0x0102_0304_0506_0708u64.wrapping_mul(i as u64 + 1);
    }
    let ctx_words = if method.desc.context.is_some() { 2 } else { 0 };
    // Extra words start after the body and the harness's `Context` struct.
    let mut extra: Vec<u64> = Vec::new();
    for &(index, slot) in method.slots {
        let at = data + usize::from(index);
        if at >= words.len() || Some(index) == method.desc.context {
            continue;
        }
        let target = data + ptrs + ctx_words + extra.len();
        let off = (target - at - 1) as u64;
        let list = |size: u64, count: u64| (off << 2) | 1 | (size << 32) | (count << 35);
        match slot {
            Slot::Bytes { text } => {
                let bytes: &[u8] = if text { b"seed\0" } else { b"seed" };
                words[at] = list(2, bytes.len() as u64);
                let mut w = [0u8; 8];
                w[..bytes.len()].copy_from_slice(bytes);
                extra.push(u64::from_le_bytes(w));
            }
            Slot::List(Elem::Bit) => {
                words[at] = list(1, 2);
                extra.push(0b01);
            }
            Slot::List(Elem::Bytes(n)) => {
                let code = match n {
                    1 => 2,
                    2 => 3,
                    4 => 4,
                    _ => 5,
                };
                words[at] = list(code, 2);
                extra.extend(std::iter::repeat_n(0x11, (2 * usize::from(n)).div_ceil(8)));
            }
            Slot::List(Elem::Pointer) => {
                words[at] = list(6, 2);
                extra.extend([0, 0]);
            }
            Slot::List(Elem::Struct) => {
                // Inline composite: tag word, then two structs of one data word and one pointer.
                words[at] = list(7, 4);
                extra.extend([(2 << 2) | (1 << 32) | (1 << 48), 7, 0, 9, 0]);
            }
            Slot::Struct => {
                words[at] = (off << 2) | (1 << 32);
                extra.push(42);
            }
            Slot::Null => {}
        }
    }
    let mut filled: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    // The harness puts the `Context` struct between the body and the extra words.
    filled.extend(extra.iter().flat_map(|w| w.to_le_bytes()));
    vec![zero, filled]
}

/// A small deterministic PRNG (xorshift64*), so that runs repeat from their seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed | 1)
    }
    /// The next value.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// A value below `n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// Changes `input` in one to four random ways: bit flips, bytes set to edge values, words
/// set to pointer-like values, bytes inserted or removed, truncation, growth.
pub fn mutate(rng: &mut Rng, input: &mut Vec<u8>) {
    const EDGES: [u64; 8] = [
        0,
        1,
        0x7f,
        0xff,
        0xffff_ffff,
        0x7fff_ffff_ffff_ffff,
        u64::MAX,
        0x8000_0000,
    ];
    for _ in 0..1 + rng.below(4) {
        let len = input.len();
        match rng.below(8) {
            0 if len > 0 => {
                let i = rng.below(len);
                input[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                input[i] = EDGES[rng.below(EDGES.len())] as u8;
            }
            2 if len >= 8 => {
                // A pointer word: random kind, offset, sizes.
                let i = rng.below(len / 8) * 8;
                let v = match rng.below(3) {
                    0 => rng.next_u64(),
                    1 => EDGES[rng.below(EDGES.len())],
                    _ => (rng.next_u64() & 0xffff_ffff_0000_0003) | ((rng.below(16) as u64) << 2),
                };
                input[i..i + 8].copy_from_slice(&v.to_le_bytes());
            }
            3 if len >= 4 => {
                let i = rng.below(len / 4) * 4;
                let v = EDGES[rng.below(EDGES.len())] as u32;
                input[i..i + 4].copy_from_slice(&v.to_le_bytes());
            }
            4 => {
                let at = rng.below(len + 1);
                let n = 1 + rng.below(16);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next_u64() as u8).collect();
                input.splice(at..at, bytes);
            }
            5 if len > 0 => {
                let at = rng.below(len);
                let n = 1 + rng.below((len - at).min(16));
                input.drain(at..at + n);
            }
            6 if len > 0 => input.truncate(rng.below(len)),
            _ => input.extend(std::iter::repeat_n(0u8, 8 * (1 + rng.below(4)))),
        }
    }
}
