//! Writing the files pglens produces (snapshots, plans, exports, the last copy) so that a
//! crash never leaves half a file and a planted link never redirects the write.
//!
//! A regular file (or a new one) is replaced atomically: the text goes to a fresh
//! temporary file beside it, created exclusively (so it can be neither a link nor someone
//! else's file), and is then renamed over the target. A symbolic link is written through
//! to the file it names, as editors do. A device or a pipe (`-o /dev/stdout`) is written
//! into directly; a directory is refused.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes `contents` to `path` as described above.
pub fn write(path: &Path, contents: &[u8]) -> io::Result<()> {
    let target = resolve_links(path)?;
    match fs::metadata(&target) {
        Ok(m) if m.is_dir() => Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            format!("{} is a directory", target.display()),
        )),
        Ok(m) if !m.is_file() => OpenOptions::new()
            .write(true)
            .open(&target)?
            .write_all(contents),
        _ => replace(&target, contents),
    }
}

/// The file a chain of symbolic links ends at (which need not exist yet).
fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&current) {
            Ok(m) if m.file_type().is_symlink() => {
                let link = fs::read_link(&current)?;
                current = match current.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(io::Error::other(format!(
        "{}: too many levels of symbolic links",
        path.display()
    )))
}

fn replace(target: &Path, contents: &[u8]) -> io::Result<()> {
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "pglens".into());
    // A file that exists keeps its permissions (a 0600 plan stays 0600); the temporary
    // starts private so nothing is readable before they are set.
    let existing = fs::metadata(target).ok().map(|m| m.permissions());
    let (temp, mut file) = create_temp(dir, &name, existing.is_some())?;
    if let Some(permissions) = existing {
        file.set_permissions(permissions)?;
    }
    let written = file.write_all(contents).and_then(|()| file.sync_all());
    let renamed = written.and_then(|()| fs::rename(&temp, target));
    if renamed.is_err() {
        let _ = fs::remove_file(&temp);
    }
    renamed
}

/// A new file beside the target, opened with `O_EXCL`: never an existing file or link.
fn create_temp(dir: &Path, name: &str, private: bool) -> io::Result<(PathBuf, fs::File)> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut attempt = 0u32;
    loop {
        let temp = dir.join(format!(
            ".{name}.{}.{attempt}.pglens-tmp",
            std::process::id()
        ));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        if private {
            options.mode(0o600);
        }
        match options.open(&temp) {
            Ok(file) => return Ok((temp, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_files_writes_through_links_and_refuses_directories() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("out.json");
        write(&file, b"one").unwrap();
        std::fs::set_permissions(&file, std::os::unix::fs::PermissionsExt::from_mode(0o600))
            .unwrap();
        write(&file, b"two").unwrap();
        assert_eq!(fs::read(&file).unwrap(), b"two");
        let mode =
            std::os::unix::fs::PermissionsExt::mode(&fs::metadata(&file).unwrap().permissions());
        assert_eq!(mode & 0o777, 0o600, "a private file stays private");

        let real = dir.path().join("real.json");
        fs::write(&real, "old").unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write(&link, b"new").unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read(&real).unwrap(), b"new");

        assert!(write(dir.path(), b"x").is_err());
        let leftovers = fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .contains("pglens-tmp")
            })
            .count();
        assert_eq!(leftovers, 0);
    }

    #[test]
    fn a_device_is_written_into_not_replaced() {
        write(Path::new("/dev/null"), b"x").unwrap();
        assert!(fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device_like());
    }

    trait CharDevice {
        fn is_char_device_like(&self) -> bool;
    }

    impl CharDevice for fs::FileType {
        fn is_char_device_like(&self) -> bool {
            std::os::unix::fs::FileTypeExt::is_char_device(self)
        }
    }
}
