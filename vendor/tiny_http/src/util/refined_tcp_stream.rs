use std::io::Result as IoResult;
use std::io::{Error as IoError, ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::connection::Connection;
use crate::limits;
#[cfg(any(feature = "ssl-openssl", feature = "ssl-rustls"))]
use crate::ssl::SslStream;

pub(crate) enum Stream {
    // gongkai patch: shared, not duplicated (one descriptor per connection, no failing clone).
    Http(Arc<Connection>),
    #[cfg(any(feature = "ssl-openssl", feature = "ssl-rustls"))]
    Https(SslStream),
}

impl Clone for Stream {
    fn clone(&self) -> Self {
        match self {
            Stream::Http(tcp_stream) => Stream::Http(tcp_stream.clone()),
            #[cfg(any(feature = "ssl-openssl", feature = "ssl-rustls"))]
            Stream::Https(ssl_stream) => Stream::Https(ssl_stream.clone()),
        }
    }
}

impl From<Connection> for Stream {
    fn from(tcp_stream: Connection) -> Self {
        Stream::Http(Arc::new(tcp_stream))
    }
}

impl Stream {
    fn secure(&self) -> bool {
        match self {
            Stream::Http(_) => false,
            #[cfg(any(feature = "ssl-openssl", feature = "ssl-rustls"))]
            Stream::Https(_) => true,
        }
    }

    fn peer_addr(&mut self) -> IoResult<Option<SocketAddr>> {
        match self {
            Stream::Http(tcp_stream) => tcp_stream.peer_addr(),
            #[cfg(any(feature = "ssl-openssl", feature = "ssl-rustls"))]
            Stream::Https(ssl_stream) => ssl_stream.peer_addr(),
        }
    }

    fn shutdown(&mut self, how: Shutdown) -> IoResult<()> {
        match self {
            Stream::Http(tcp_stream) => tcp_stream.shutdown(how),
            #[cfg(any(feature = "ssl-openssl", feature = "ssl-rustls"))]
            Stream::Https(ssl_stream) => ssl_stream.shutdown(how),
        }
    }

    fn set_read_timeout(&self, timeout: Duration) -> IoResult<()> {
        match self {
            Stream::Http(tcp_stream) => tcp_stream.set_read_timeout(Some(timeout)),
            #[cfg(any(feature = "ssl-openssl", feature = "ssl-rustls"))]
            Stream::Https(_) => Ok(()),
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> IoResult<usize> {
        match self {
            Stream::Http(tcp_stream) => (&**tcp_stream).read(buf),
            #[cfg(any(feature = "ssl-openssl", feature = "ssl-rustls"))]
            Stream::Https(ssl_stream) => ssl_stream.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> IoResult<usize> {
        match self {
            Stream::Http(tcp_stream) => (&**tcp_stream).write(buf),
            #[cfg(any(feature = "ssl-openssl", feature = "ssl-rustls"))]
            Stream::Https(ssl_stream) => ssl_stream.write(buf),
        }
    }

    fn flush(&mut self) -> IoResult<()> {
        match self {
            Stream::Http(tcp_stream) => (&**tcp_stream).flush(),
            #[cfg(any(feature = "ssl-openssl", feature = "ssl-rustls"))]
            Stream::Https(ssl_stream) => ssl_stream.flush(),
        }
    }
}

/// gongkai patch: when the request being read must be complete; shared by a connection's
/// reader and its [`crate::client::ClientConnection`].
pub(crate) type Deadline = Arc<Mutex<Option<Instant>>>;

pub struct RefinedTcpStream {
    stream: Stream,
    close_read: bool,
    close_write: bool,
    /// gongkai patch: reads fail with `TimedOut` once this passes (see [`limits::HEAD_TIMEOUT`]).
    deadline: Deadline,
    /// The read time-out last set on the socket, so that most reads cost no extra system call.
    read_timeout: Option<Duration>,
    /// gongkai patch: a write timed out, the peer stopped reading; the socket is shut down and
    /// every later write fails at once (a buffered writer's flush on drop must not wait again).
    stalled: bool,
}

impl RefinedTcpStream {
    pub(crate) fn new<S>(stream: S) -> (RefinedTcpStream, RefinedTcpStream)
    where
        S: Into<Stream>,
    {
        let stream: Stream = stream.into();

        let (read, write) = (stream.clone(), stream);
        let deadline: Deadline = Arc::new(Mutex::new(None));

        let read = RefinedTcpStream {
            stream: read,
            close_read: true,
            close_write: false,
            deadline: deadline.clone(),
            read_timeout: None,
            stalled: false,
        };

        let write = RefinedTcpStream {
            stream: write,
            close_read: false,
            close_write: true,
            deadline,
            read_timeout: None,
            stalled: false,
        };

        (read, write)
    }

    /// Returns true if this struct wraps around a secure connection.
    #[inline]
    pub(crate) fn secure(&self) -> bool {
        self.stream.secure()
    }

    pub(crate) fn peer_addr(&mut self) -> IoResult<Option<SocketAddr>> {
        self.stream.peer_addr()
    }

    /// gongkai patch: the deadline this stream's reads obey.
    pub(crate) fn deadline(&self) -> Deadline {
        self.deadline.clone()
    }

    /// gongkai patch: the plain socket underneath, if any.
    pub(crate) fn connection(&self) -> Option<Arc<Connection>> {
        match &self.stream {
            Stream::Http(c) => Some(c.clone()),
            #[cfg(any(feature = "ssl-openssl", feature = "ssl-rustls"))]
            Stream::Https(_) => None,
        }
    }
}

impl Drop for RefinedTcpStream {
    fn drop(&mut self) {
        if self.close_read {
            self.stream.shutdown(Shutdown::Read).ok();
        }

        if self.close_write {
            self.stream.shutdown(Shutdown::Write).ok();
        }
    }
}

/// A time-out as `TimedOut` on every platform (Unix reports `WouldBlock`).
fn timed_out(e: IoError) -> IoError {
    match e.kind() {
        ErrorKind::WouldBlock | ErrorKind::TimedOut => IoError::new(ErrorKind::TimedOut, e),
        _ => e,
    }
}

impl Read for RefinedTcpStream {
    fn read(&mut self, buf: &mut [u8]) -> IoResult<usize> {
        let deadline = *self.deadline.lock().unwrap_or_else(|e| e.into_inner());
        let timeout = match deadline {
            Some(at) => {
                let left = at.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(IoError::new(ErrorKind::TimedOut, "request not received in time"));
                }
                left.min(limits::READ_TIMEOUT)
            }
            None => limits::READ_TIMEOUT,
        };
        if self.read_timeout != Some(timeout) {
            self.stream.set_read_timeout(timeout)?;
            self.read_timeout = Some(timeout);
        }
        self.stream.read(buf).map_err(timed_out)
    }
}

impl RefinedTcpStream {
    fn stall(&mut self, e: IoError) -> IoError {
        match e.kind() {
            ErrorKind::WouldBlock | ErrorKind::TimedOut => {
                self.stalled = true;
                self.stream.shutdown(Shutdown::Both).ok();
                IoError::new(ErrorKind::TimedOut, "the client stopped reading")
            }
            _ => e,
        }
    }
}

impl Write for RefinedTcpStream {
    fn write(&mut self, buf: &[u8]) -> IoResult<usize> {
        if self.stalled {
            return Err(IoError::new(ErrorKind::TimedOut, "the client stopped reading"));
        }
        self.stream.write(buf).map_err(|e| self.stall(e))
    }

    fn flush(&mut self) -> IoResult<()> {
        if self.stalled {
            return Err(IoError::new(ErrorKind::TimedOut, "the client stopped reading"));
        }
        self.stream.flush().map_err(|e| self.stall(e))
    }
}
