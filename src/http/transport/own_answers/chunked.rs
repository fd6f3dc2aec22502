//! Following a chunked body as hyper writes it (size line, data, line break … the last, empty
//! chunk and the trailers), to know where it ends and the next response head begins.

/// Where a chunked body is.
#[derive(Debug, Clone, Copy)]
pub(super) enum Chunk {
    /// The size line: the size so far, and whether its hex digits have ended.
    Size {
        size: u64,
        ended: bool,
    },
    /// Data bytes left in the chunk.
    Data(u64),
    /// The line break after a chunk's data: bytes left.
    DataEnd(u8),
    /// A trailer line (or the final empty one): whether it has been empty so far.
    Trailer {
        empty: bool,
    },
    Done,
}

impl Chunk {
    /// At the start of a chunked body.
    pub(super) fn start() -> Self {
        Chunk::Size {
            size: 0,
            ended: false,
        }
    }

    /// Whether the body has ended.
    pub(super) fn is_done(&self) -> bool {
        matches!(self, Chunk::Done)
    }

    /// Follows `bytes` until the body ends; returns how many of them belong to it.
    pub(super) fn advance(&mut self, bytes: &[u8]) -> usize {
        let mut i = 0;
        while i < bytes.len() {
            match *self {
                Chunk::Done => return i,
                Chunk::Data(n) => {
                    let take = n.min((bytes.len() - i) as u64);
                    i += take as usize;
                    *self = if take == n {
                        Chunk::DataEnd(2)
                    } else {
                        Chunk::Data(n - take)
                    };
                    continue;
                }
                Chunk::DataEnd(n) => {
                    *self = if n <= 1 {
                        Chunk::Size {
                            size: 0,
                            ended: false,
                        }
                    } else {
                        Chunk::DataEnd(n - 1)
                    };
                }
                Chunk::Size { size, ended } => {
                    let b = bytes[i];
                    *self = match (b, char::from(b).to_digit(16)) {
                        (b'\n', _) if size == 0 => Chunk::Trailer { empty: true },
                        (b'\n', _) => Chunk::Data(size),
                        (_, Some(d)) if !ended => Chunk::Size {
                            size: size.saturating_mul(16).saturating_add(u64::from(d)),
                            ended,
                        },
                        _ => Chunk::Size { size, ended: true },
                    };
                }
                Chunk::Trailer { empty } => {
                    *self = match bytes[i] {
                        b'\n' if empty => Chunk::Done,
                        b'\n' => Chunk::Trailer { empty: true },
                        b'\r' => Chunk::Trailer { empty },
                        _ => Chunk::Trailer { empty: false },
                    };
                }
            }
            i += 1;
        }
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chunked_body_ends_after_its_trailers() {
        let body = b"5\r\nHTTP/\r\nA;ext=b\r\n0123456789\r\n0\r\nx-t: 1\r\n\r\nHTTP/1.1 200";
        let end = body.len() - "HTTP/1.1 200".len();
        let mut c = Chunk::start();
        assert_eq!(c.advance(body), end);
        assert!(c.is_done());
        // Byte by byte, the same.
        let mut c = Chunk::start();
        let fed: usize = body[..end]
            .iter()
            .map(|b| c.advance(std::slice::from_ref(b)))
            .sum();
        assert_eq!((fed, c.is_done()), (end, true));
    }
}
