//! Cap'n Proto's standard stream framing: a segment table, then the segments.
//!
//! The table is a little-endian `u32` holding the segment count minus one, then one `u32`
//! per segment with its size in 8-byte words, padded with zeros to a whole word. The limits
//! are those the runtime has always read with (`capnp::message::ReaderOptions::new()`): at
//! most 511 segments, at most 8 Mi words (64 MiB) in a message.

/// Most segments a frame may have (the standard stream reader refuses 512 or more).
pub(crate) const MAX_SEGMENTS: usize = 511;

/// Most words a message may have: the traversal limit the reader is given, so a message
/// that could never be read whole is refused before any of it is stored.
pub(crate) const MAX_MESSAGE_WORDS: usize = 8 * 1024 * 1024;

/// The bytes of a segment table with `count` segments (count, sizes, padding).
pub(crate) fn table_len(count: usize) -> usize {
    // One u32 for the count and one per segment, rounded up to whole words.
    (4 + 4 * count).div_ceil(8) * 8
}

/// The segment count and the first segment's size, from the frame's first word.
pub(crate) fn parse_first_word(word: &[u8; 8]) -> capnp::Result<(usize, usize)> {
    let count = u32::from_le_bytes([word[0], word[1], word[2], word[3]]).wrapping_add(1) as usize;
    if count == 0 || count > MAX_SEGMENTS {
        return Err(capnp::Error::failed(format!(
            "bad frame: {count} segments (allowed 1 to {MAX_SEGMENTS})"
        )));
    }
    let first = u32::from_le_bytes([word[4], word[5], word[6], word[7]]) as usize;
    Ok((count, first))
}

/// Word bounds `(start, end)` of each segment, from a whole segment table, checked against
/// the message size limit.
pub(crate) fn parse_table(table: &[u8]) -> capnp::Result<Vec<(usize, usize)>> {
    let first: &[u8; 8] = table[..8].try_into().expect("a table has a first word");
    let (count, _) = parse_first_word(first)?;
    let mut bounds = Vec::with_capacity(count);
    let mut total = 0usize;
    for i in 0..count {
        let at = 4 + 4 * i;
        let words =
            u32::from_le_bytes([table[at], table[at + 1], table[at + 2], table[at + 3]]) as usize;
        // Each size is below 2^32 and there are at most 511, so the sum cannot overflow.
        bounds.push((total, total + words));
        total += words;
    }
    if total > MAX_MESSAGE_WORDS {
        return Err(capnp::Error::failed(format!(
            "bad frame: message of {total} words (limit {MAX_MESSAGE_WORDS})"
        )));
    }
    Ok(bounds)
}

/// The segment table for `segments` (each a whole number of words). No segments at all is
/// written as one empty segment, which is the same bytes on the wire.
pub(crate) fn encode_table(segments: &[&[u8]]) -> Vec<u8> {
    let mut table = vec![0u8; table_len(segments.len().max(1))];
    let count = segments.len().saturating_sub(1) as u32;
    table[..4].copy_from_slice(&count.to_le_bytes());
    for (i, s) in segments.iter().enumerate() {
        let words = (s.len() / 8) as u32;
        table[4 + 4 * i..8 + 4 * i].copy_from_slice(&words.to_le_bytes());
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_round_trip_with_padding() {
        let a = [0u8; 8];
        let b = [0u8; 24];
        for segs in [
            vec![&a[..]],
            vec![&a[..], &b[..]],
            vec![&a[..], &b[..], &a[..]],
        ] {
            let table = encode_table(&segs);
            assert_eq!(table.len() % 8, 0);
            assert_eq!(table.len(), table_len(segs.len()));
            let bounds = parse_table(&table).unwrap();
            let sizes: Vec<usize> = bounds.iter().map(|(s, e)| (e - s) * 8).collect();
            let want: Vec<usize> = segs.iter().map(|s| s.len()).collect();
            assert_eq!(sizes, want);
        }
        assert_eq!(encode_table(&[]), vec![0u8; 8]);
        // Two segments: 4 + 8 bytes, padded to 16.
        assert_eq!(table_len(2), 16);
        assert_eq!(table_len(1), 8);
    }

    #[test]
    fn counts_and_sizes_outside_the_limits_are_refused() {
        assert!(parse_first_word(&[0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]).is_err());
        assert!(parse_first_word(&[0xff, 0x01, 0, 0, 0, 0, 0, 0]).is_err()); // 512
        assert!(parse_first_word(&[0xfe, 0x01, 0, 0, 0, 0, 0, 0]).is_ok()); // 511
        let mut too_big = [0u8; 8];
        too_big[4..].copy_from_slice(&(MAX_MESSAGE_WORDS as u32 + 1).to_le_bytes());
        assert!(parse_table(&too_big).is_err());
        too_big[4..].copy_from_slice(&(MAX_MESSAGE_WORDS as u32).to_le_bytes());
        assert!(parse_table(&too_big).is_ok());
    }
}
