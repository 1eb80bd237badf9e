//! gongkai patch: the bounds that keep one slow or hostile client from holding the server.
//!
//! Upstream tiny_http reads and writes without time-outs, reads a request head of any size for
//! as long as the client takes, queues any number of pipelined requests per connection and
//! accepts any number of connections. A client that never reads its response, sends one byte a
//! second, or announces a body it never sends then holds a thread (and, through the caller's
//! worker pool, everybody else) for ever.

use std::time::Duration;

/// Longest one read of a socket may block (a request body, a keep-alive wait is bounded by
/// [`HEAD_TIMEOUT`]).
pub const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Longest one write may block. A write that times out means the client stopped reading: the
/// connection is shut down and every later write on it fails at once.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

/// From the moment a connection is ready for its next request to the end of that request's
/// head (and of a small body read with it). An idle keep-alive connection is closed silently
/// when it passes; a partly sent head gets `408 Request Timeout`.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);

/// Largest request line plus headers; a larger head gets `431` and the connection is closed.
pub const MAX_HEAD_BYTES: usize = 32 * 1024;

/// Most connections open at once (each has a thread); past it a new one gets `503` and is closed.
pub const MAX_CONNECTIONS: usize = 512;

/// A body the handler did not read is skipped when it is this short; a longer one closes the
/// connection instead of waiting for it.
pub const DRAIN_MAX: usize = 64 * 1024;

/// After an error answer (`400`, `408`, `431`), how long and how much of what the client still
/// sends is read and dropped before closing, so that the close does not reset the connection
/// and destroy the answer.
pub const LINGER: Duration = Duration::from_secs(2);

/// See [`LINGER`].
pub const LINGER_MAX_BYTES: u64 = 1024 * 1024;
