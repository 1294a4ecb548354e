//! How Docket creates its own files and folders: the state folder (ledger, connectors, run lock) readable by
//! this user only, and temporary files that are always new, so a file or symlink planted where a temporary
//! file will go is never written through. It decides no paths itself.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// Creates `dir` and any missing parents. Folders it creates are private to this user (0700 on Unix): the
/// state folder holds the ledger, which names every archived chat and person. An existing folder is left as
/// it is.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// A new temporary file beside `path` (`.<name>.<unique>.<suffix>`), created with `create_new`: it fails
/// rather than open a file or follow a symlink that is already there. Private to this user on Unix.
pub fn create_temp_beside(path: &Path, suffix: &str) -> io::Result<(PathBuf, File)> {
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut attempt = 0;
    loop {
        let unique = format!("{}-{:08x}", std::process::id(), rand::random::<u32>());
        let temp = folder.join(format!(".{name}.{unique}.{suffix}"));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(&temp) {
            Ok(file) => return Ok((temp, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 8 => attempt += 1,
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn created_folders_are_private_and_existing_ones_are_left_alone() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().expect("tempdir");
        let state = tmp.path().join("a/b/docket");
        create_private_dir(&state).expect("created");
        let mode = |p: &Path| std::fs::metadata(p).expect("exists").permissions().mode() & 0o777;
        assert_eq!(mode(&state), 0o700);
        assert_eq!(mode(&tmp.path().join("a")), 0o700);
        create_private_dir(&state).expect("an existing folder is fine");
    }

    #[cfg(unix)]
    #[test]
    fn each_temporary_file_is_new_hidden_and_beside_its_target() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let report = tmp.path().join("report.csv");
        let (first, _) = create_temp_beside(&report, "partial").expect("a temp file");
        let (second, _) = create_temp_beside(&report, "partial").expect("another");
        assert_ne!(first, second, "each temporary file is new");
        assert!(first.file_name().is_some_and(|n| n.to_string_lossy().starts_with(".report.csv.")));
    }
}
