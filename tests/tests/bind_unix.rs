//! `mp::bind_unix`: a private mode whatever the umask, no symlinks followed, stale sockets
//! replaced, live ones and other files refused, the file removed on drop.

#[path = "support/victim.rs"]
mod victim;

use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;

fn mode_of(path: &Path) -> u32 {
    std::fs::symlink_metadata(path)
        .expect("stat")
        .permissions()
        .mode()
        & 0o7777
}

/// Nothing but `names` is left in `dir` (no private directory of `bind_unix`).
fn assert_only(dir: &Path, names: &[&str]) {
    let mut found: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    let mut want: Vec<String> = names.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(found, want);
}

#[test]
fn socket_gets_mode_0600_whatever_the_umask() {
    let dir = victim::temp_dir("bind-mode");
    let path = dir.join("sock");
    // SAFETY: umask only changes this process's file creation mask; it is restored below.
    let old = unsafe { libc::umask(0) };
    let bound = mp::bind_unix(&path);
    // SAFETY: as above.
    unsafe { libc::umask(old) };
    let (listener, _file) = bound.expect("bind");
    assert!(std::fs::symlink_metadata(&path)
        .expect("stat")
        .file_type()
        .is_socket());
    assert_eq!(mode_of(&path), 0o600);
    // It listens: a client connects and is accepted.
    let _client = UnixStream::connect(&path).expect("connect");
    listener.accept().expect("accept");
    assert_only(&dir, &["sock"]);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn another_mode_can_be_asked_for() {
    let dir = victim::temp_dir("bind-mode-660");
    let path = dir.join("sock");
    let (_listener, _file) = mp::bind_unix_with_mode(&path, 0o660).expect("bind");
    assert_eq!(mode_of(&path), 0o660);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_symlink_is_refused_and_not_followed() {
    let dir = victim::temp_dir("bind-symlink");
    let path = dir.join("sock");
    let target = dir.join("elsewhere");
    std::os::unix::fs::symlink(&target, &path).expect("symlink");
    let err = mp::bind_unix(&path).expect_err("a symlink");
    assert!(err.to_string().contains("symbolic link"), "{err}");
    assert!(!target.exists(), "the link was followed");
    assert!(std::fs::symlink_metadata(&path)
        .expect("stat")
        .file_type()
        .is_symlink());
    assert_only(&dir, &["sock"]);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_stale_socket_is_replaced() {
    let dir = victim::temp_dir("bind-stale");
    let path = dir.join("sock");
    drop(UnixListener::bind(&path).expect("first server"));
    assert!(path.exists(), "a socket file outlives its listener");
    let (listener, _file) = mp::bind_unix(&path).expect("bind over a stale socket");
    let _client = UnixStream::connect(&path).expect("connect");
    listener.accept().expect("accept");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_live_socket_and_other_files_are_refused() {
    let dir = victim::temp_dir("bind-live");
    let path = dir.join("sock");
    let live = UnixListener::bind(&path).expect("live server");
    let err = mp::bind_unix(&path).expect_err("a live socket");
    assert!(err.to_string().contains("listening"), "{err}");
    // The live server still has its socket.
    let _client = UnixStream::connect(&path).expect("connect to the live server");
    live.accept().expect("accept");
    let file = dir.join("file");
    std::fs::write(&file, b"data").expect("write");
    let err = mp::bind_unix(&file).expect_err("a regular file");
    assert!(err.to_string().contains("not a socket"), "{err}");
    assert_eq!(std::fs::read(&file).expect("read"), b"data");
    assert_only(&dir, &["file", "sock"]);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_file_goes_when_dropped_unless_another_server_took_the_path() {
    let dir = victim::temp_dir("bind-drop");
    let path = dir.join("sock");
    let (listener, file) = mp::bind_unix(&path).expect("bind");
    assert_eq!(file.path(), path);
    drop(listener);
    drop(file);
    assert!(!path.exists(), "the socket file was left behind");
    // A newer server's socket at the same path is not the older one's to remove.
    let (old_listener, old_file) = mp::bind_unix(&path).expect("bind");
    drop(old_listener);
    let (_new_listener, _new_file) = mp::bind_unix(&path).expect("bind over the stale one");
    drop(old_file);
    assert!(path.exists(), "the newer server's socket was removed");
    let _ = std::fs::remove_dir_all(dir);
}
