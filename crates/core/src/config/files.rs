//! How Docket creates its own files and folders: the state folder (ledger, connectors, run lock) readable by
//! this user only, and temporary files that are always new, so a file or symlink planted where a temporary
//! file will go is never written through. It decides no paths itself.

use crate::{text, Text};
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

/// Replaces `path` whole, or leaves it as it was: `write` fills a new private temporary file beside it
/// (buffered), which is synced, given `mode` (Unix; the temporary file is 0600 otherwise) and renamed over
/// `path`. On any error the temporary file is removed, so a full disk never leaves half a file.
pub fn replace_file<T>(
    path: &Path,
    mode: Option<u32>,
    write: impl FnOnce(&mut io::BufWriter<File>) -> io::Result<T>,
) -> io::Result<T> {
    let (tmp, file) = create_temp_beside(path, "tmp")?;
    let written = (|| {
        let mut buffered = io::BufWriter::new(file);
        let value = write(&mut buffered)?;
        buffered.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        #[cfg(unix)]
        if let Some(mode) = mode {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(mode))?;
        }
        #[cfg(not(unix))]
        let _ = mode;
        std::fs::rename(&tmp, path)?;
        Ok(value)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Checks a path that arrived from outside the core's own choosing (the desktop window) against what the
/// step asks for: a full path, never a link, naming a file with one of `extensions` (or a folder, when
/// `folder_ok`). A missing path passes when it could still become that file (the caller reports it missing,
/// or creates it). Returns what is there now, or the sentence to show, which ends with what to choose.
pub fn check_chosen_path(
    path: &Path,
    extensions: &[&str],
    folder_ok: bool,
) -> Result<Option<std::fs::Metadata>, Text> {
    let kinds = extensions.iter().map(|e| format!(".{e}")).collect::<Vec<_>>().join(" / ");
    let wanted = match folder_ok {
        true => {
            text!("paths.wanted_file_or_folder", "a {kinds} file or the folder that holds it", kinds = kinds)
        }
        false => text!("paths.wanted_file", "a {kinds} file", kinds = kinds),
    };
    let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let file_kind = extension.as_deref().is_some_and(|e| extensions.contains(&e));
    if !path.is_absolute() {
        return Err(text!(
            "paths.not_full",
            "{path} is not a full path; choose {wanted}",
            path = path,
            wanted = wanted
        ));
    }
    let not_wanted =
        || text!("paths.not_wanted", "{path} is not {wanted}; choose {wanted}", path = path, wanted = wanted);
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound && (file_kind || folder_ok) => return Ok(None),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(not_wanted()),
        Err(e) => {
            return Err(text!(
                "paths.unreadable",
                "{path} cannot be checked ({detail}); choose {wanted}",
                path = path,
                detail = e,
                wanted = wanted
            ))
        }
    };
    if meta.file_type().is_symlink() {
        return Err(text!(
            "paths.link",
            "{path} is a link, and Docket does not follow links: choose {wanted}",
            path = path,
            wanted = wanted
        ));
    }
    if (meta.is_dir() && folder_ok) || (meta.is_file() && file_kind) {
        return Ok(Some(meta));
    }
    Err(not_wanted())
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
