//! Keeping an export's file references inside the export: every media path an export names is resolved
//! here, against the folder the export lives in, and refused when it would leave it (`..`, an absolute
//! path, a drive or share, or a symlink whose target lies outside). Both export readers use it, so a
//! hostile export cannot make Docket read, and then mail, a file the admin happens to be able to read.
//! It reads no file contents; `Attachment::load` does that later, from the resolved path.

use std::path::{Path, PathBuf};

/// A folder that file references must stay inside.
#[derive(Debug, Clone)]
pub(crate) struct ExportRoot {
    root: PathBuf,
    /// `root` with symlinks resolved; `None` when it cannot be resolved, and then nothing is inside.
    canonical_root: Option<PathBuf>,
}

impl ExportRoot {
    pub(crate) fn new(root: &Path) -> ExportRoot {
        ExportRoot { root: root.to_path_buf(), canonical_root: std::fs::canonicalize(root).ok() }
    }

    pub(crate) fn path(&self) -> &Path {
        &self.root
    }

    /// The real (symlink-free) path of the regular file `raw` names, relative to the root, or why it is
    /// refused. The reason is written for the admin and names the path as the export gave it.
    pub(crate) fn file(&self, raw: &str) -> Result<PathBuf, String> {
        let trimmed = raw.trim();
        let segments = relative_segments(trimmed).ok_or_else(|| {
            format!("its path {trimmed:?} points outside the export folder, so Docket did not read it")
        })?;
        if segments.is_empty() {
            return Err("the export gives no path for it".into());
        }
        let path = segments.iter().fold(self.root.clone(), |path, segment| path.join(segment));
        self.confined(&path).map_err(|refusal| refusal.reason(trimmed))
    }

    /// `path` (already below the root) resolved through any symlinks, when it is a regular file that
    /// really lies inside the root.
    pub(crate) fn confined(&self, path: &Path) -> Result<PathBuf, Refusal> {
        let is_file = std::fs::metadata(path).map(|m| m.is_file()).unwrap_or(false);
        if !is_file {
            return Err(Refusal::Absent);
        }
        match (&self.canonical_root, std::fs::canonicalize(path)) {
            (Some(root), Ok(real)) if real.starts_with(root) => Ok(real),
            _ => Err(Refusal::Outside),
        }
    }
}

/// Why a path below the root was not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// There is no regular file there.
    Absent,
    /// It is a symlink (or sits below one) that leads out of the export folder.
    Outside,
}

impl Refusal {
    pub(crate) fn reason(self, shown: &str) -> String {
        match self {
            Refusal::Absent => format!("{shown:?} is not in the export folder"),
            Refusal::Outside => {
                format!("{shown:?} links to a file outside the export folder, so Docket did not read it")
            }
        }
    }
}

/// The path's parts when it stays inside the folder: not absolute, no drive, no `..`. Both `/` and
/// `\` separate parts, whatever system the export was made on.
pub(crate) fn relative_segments(raw: &str) -> Option<Vec<&str>> {
    if raw.starts_with(['/', '\\']) {
        return None;
    }
    let mut segments = Vec::new();
    for segment in raw.split(['/', '\\']) {
        match segment {
            "" | "." => {}
            ".." => return None,
            s if s.contains(':') || s.contains('\0') => return None,
            s => segments.push(s),
        }
    }
    Some(segments)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_climb_or_are_absolute_are_refused() {
        assert_eq!(relative_segments("photos/a.jpg"), Some(vec!["photos", "a.jpg"]));
        assert_eq!(relative_segments("./files\\b.pdf"), Some(vec!["files", "b.pdf"]));
        assert_eq!(relative_segments("../secret.txt"), None);
        assert_eq!(relative_segments("files/../../x"), None);
        assert_eq!(relative_segments("/etc/passwd"), None);
        assert_eq!(relative_segments("\\\\server\\share"), None);
        assert_eq!(relative_segments("C:\\Windows\\win.ini"), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_out_of_the_folder_is_refused_and_one_inside_resolves() -> std::io::Result<()> {
        let outside = tempfile::tempdir()?;
        let secret = outside.path().join("id_ed25519");
        std::fs::write(&secret, b"PRIVATE KEY")?;
        let export = tempfile::tempdir()?;
        std::fs::write(export.path().join("real.jpg"), b"jpeg")?;
        std::os::unix::fs::symlink(&secret, export.path().join("IMG-1.jpg"))?;
        std::os::unix::fs::symlink(export.path().join("real.jpg"), export.path().join("alias.jpg"))?;
        std::os::unix::fs::symlink(outside.path(), export.path().join("media"))?;
        let root = ExportRoot::new(export.path());
        let refused = root.file("IMG-1.jpg").expect_err("a link out must be refused");
        assert!(refused.contains("outside the export folder"), "{refused}");
        assert!(root.file("media/id_ed25519").is_err(), "a folder link out must be refused");
        let alias = root.file("alias.jpg").map_err(std::io::Error::other)?;
        assert_eq!(alias, std::fs::canonicalize(export.path().join("real.jpg"))?);
        assert_eq!(root.file("nope.jpg").err().as_deref(), Some("\"nope.jpg\" is not in the export folder"));
        Ok(())
    }
}
