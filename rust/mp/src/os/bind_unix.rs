//! Binding a Unix socket for a server: private mode, no symlinks, stale sockets replaced, the
//! file removed again on shutdown.

use std::io;
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, MetadataExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::os::error::{Error, ErrorKind, Result};

/// The mode [`bind_unix`] gives the socket file: only the owner may connect.
pub const DEFAULT_SOCKET_MODE: u32 = 0o600;

/// The socket file made by [`bind_unix`]; dropping it removes the file, if it is still the
/// one that was bound (a newer server's socket at the same path is left alone).
#[derive(Debug)]
pub struct SocketFile {
    path: PathBuf,
    dev: u64,
    ino: u64,
}

impl SocketFile {
    /// Where the socket is.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for SocketFile {
    fn drop(&mut self) {
        if let Ok(meta) = std::fs::symlink_metadata(&self.path) {
            if meta.dev() == self.dev && meta.ino() == self.ino {
                let _ = std::fs::remove_file(&self.path);
            }
        }
    }
}

/// Binds a listening Unix socket at `path` for [`listen_connections`](crate::listen_connections)
/// with mode 0600 whatever the umask; see [`bind_unix_with_mode`].
pub fn bind_unix(path: impl AsRef<Path>) -> Result<(UnixListener, SocketFile)> {
    bind_unix_with_mode(path, DEFAULT_SOCKET_MODE)
}

/// Binds a listening Unix socket at `path` whose file has permission bits `mode`, whatever the
/// process's umask. A stale socket at `path` (one nobody listens on any more) is replaced; a
/// live one, a symlink or any other file is refused with an error. The returned
/// [`SocketFile`] removes the socket file when dropped: keep it as long as the server listens.
///
/// The socket is made in a new private directory next to `path`, given its mode there and
/// renamed into place, so no client can connect before the mode is set and a symlink placed
/// at `path` is replaced, never followed. That directory's path (`.mp<pid>-<n>/s` next to
/// the socket's) must fit in the 107 bytes a socket address holds.
pub fn bind_unix_with_mode(
    path: impl AsRef<Path>,
    mode: u32,
) -> Result<(UnixListener, SocketFile)> {
    let path = path.as_ref();
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let private = PrivateDir::create(parent)?;
    let temp = private.0.join("s");
    let listener = UnixListener::bind(&temp).map_err(|e| context(e, "bind", &temp))?;
    std::fs::set_permissions(&temp, std::fs::Permissions::from_mode(mode & 0o7777))
        .map_err(|e| context(e, "set the mode of", &temp))?;
    remove_stale(path)?;
    std::fs::rename(&temp, path).map_err(|e| context(e, "move the socket to", path))?;
    let meta = std::fs::symlink_metadata(path).map_err(|e| context(e, "stat", path))?;
    let file = SocketFile {
        path: path.to_path_buf(),
        dev: meta.dev(),
        ino: meta.ino(),
    };
    Ok((listener, file))
}

/// Removes a socket at `path` that nobody listens on; refuses anything else.
fn remove_stale(path: &Path) -> Result<()> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(context(e, "stat", path)),
    };
    let kind = meta.file_type();
    if kind.is_symlink() {
        return Err(Error::invalid_argument(format!(
            "cannot bind {}: it is a symbolic link, which is not followed",
            path.display()
        )));
    }
    if !kind.is_socket() {
        return Err(Error::invalid_argument(format!(
            "cannot bind {}: a file that is not a socket is there",
            path.display()
        )));
    }
    match UnixStream::connect(path) {
        Ok(_) => Err(Error::new(
            ErrorKind::Failed,
            format!(
                "cannot bind {}: another server is listening on it",
                path.display()
            ),
        )),
        Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => {
            std::fs::remove_file(path).map_err(|e| context(e, "remove the stale socket", path))
        }
        Err(e) => Err(context(e, "check the existing socket", path)),
    }
}

/// A directory only the owner can enter, removed with what is left in it when dropped.
struct PrivateDir(PathBuf);

impl PrivateDir {
    fn create(parent: &Path) -> Result<Self> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        for _ in 0..16 {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let dir = parent.join(format!(".mp{}-{n}", std::process::id()));
            match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
                Ok(()) => return Ok(PrivateDir(dir)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(context(e, "create a directory in", parent)),
            }
        }
        Err(Error::failed(format!(
            "cannot create a private directory in {}",
            parent.display()
        )))
    }
}

impl Drop for PrivateDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(self.0.join("s"));
        let _ = std::fs::remove_dir(&self.0);
    }
}

fn context(e: io::Error, what: &str, path: &Path) -> Error {
    Error::failed(format!("cannot {what} {}: {e}", path.display()))
}
