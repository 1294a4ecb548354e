//! `DirSink`: archives messages as `.eml` files under `root/<mailbox>/<folder>/<key>.eml`, create-only and
//! crash-safe (temp file, fsync, hard link). It owns file naming safety and the on-disk write protocol;
//! it knows nothing about Azure, mapping or the ledger, and never overwrites or deletes an archived file.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::{judge_existing, stored_record_digest, Envelope, Sink, SinkError, StoredObject, Written};
use crate::digest::sha256_hex;
use crate::{text, Text};

/// The file name suffix of archived messages; anything else in the tree is ignored by `list`.
const MESSAGE_SUFFIX: &str = ".eml";
/// Temp files start with a dot and end with this suffix, so they never look like messages.
const TEMP_SUFFIX: &str = ".tmp";

/// A folder of `.eml` files: the embedded default target (`dir:PATH` on the command line).
#[derive(Debug, Clone)]
pub struct DirSink {
    root: PathBuf,
}

impl DirSink {
    pub fn new(root: impl Into<PathBuf>) -> DirSink {
        DirSink { root: root.into() }
    }

    /// The folder messages are written under, as given.
    pub fn root(&self) -> &Path {
        &self.root
    }
}

#[async_trait::async_trait]
impl Sink for DirSink {
    /// `dir:` and the canonical absolute root. Stable before and after `prepare` creates the folder.
    fn target_id(&self) -> String {
        format!("dir:{}", canonical_target(&self.root).display())
    }

    async fn prepare(&self) -> Result<(), SinkError> {
        let root = self.root.clone();
        run_blocking(&self.root, move || {
            fs::create_dir_all(&root).map_err(|source| SinkError::Io { path: root.clone(), source })
        })
        .await
    }

    async fn put(&self, envelope: &Envelope<'_>) -> Result<Written, SinkError> {
        check_envelope_names(envelope)?;
        let folder = self.root.join(envelope.mailbox).join(envelope.folder);
        let file_name = format!("{}{MESSAGE_SUFFIX}", envelope.key);
        let write = PendingWrite {
            name: envelope.object_name(),
            folder,
            file_name,
            bytes: envelope.bytes.to_vec(),
            sha256: envelope.sha256.to_string(),
            record_sha256: envelope.record_sha256.to_string(),
        };
        run_blocking(&self.root, move || write.run()).await
    }

    async fn list(&self) -> Result<Vec<StoredObject>, SinkError> {
        let root = self.root.clone();
        run_blocking(&self.root, move || {
            let mut objects = Vec::new();
            match fs::symlink_metadata(&root) {
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(objects),
                Err(source) => return Err(SinkError::Io { path: root, source }),
                Ok(_) => {}
            }
            collect_messages(&root, "", &mut objects)?;
            objects.sort_by(|a, b| a.name.cmp(&b.name));
            Ok(objects)
        })
        .await
    }
}

/// One create-only write, owned so it can run on the blocking pool.
struct PendingWrite {
    /// `<mailbox>/<folder>/<key>.eml`, for error messages.
    name: String,
    folder: PathBuf,
    file_name: String,
    bytes: Vec<u8>,
    sha256: String,
    record_sha256: String,
}

impl PendingWrite {
    fn run(self) -> Result<Written, SinkError> {
        let target = self.folder.join(&self.file_name);
        // Cheap early answer for re-runs: most writes of an already archived item stop here.
        if target.exists() {
            return self.compare_with(&target);
        }
        fs::create_dir_all(&self.folder)
            .map_err(|source| SinkError::Io { path: self.folder.clone(), source })?;
        let temp = self.write_temp()?;
        let linked = link_create_only(&temp, &target);
        remove_temp(&temp);
        match linked {
            Ok(()) => {
                sync_folder(&self.folder);
                Ok(Written::Created)
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => self.compare_with(&target),
            Err(source) => Err(SinkError::Io { path: target, source }),
        }
    }

    /// Writes the bytes to a fresh hidden temp file beside the target and flushes them to disk.
    fn write_temp(&self) -> Result<PathBuf, SinkError> {
        let (temp, mut file) = create_temp(&self.folder, &self.file_name)?;
        let written = file.write_all(&self.bytes).and_then(|()| file.sync_all());
        if let Err(source) = written {
            drop(file);
            remove_temp(&temp);
            return Err(SinkError::Io { path: temp, source });
        }
        Ok(temp)
    }

    /// An object already has this name: see `sinks::judge_existing`.
    fn compare_with(&self, target: &Path) -> Result<Written, SinkError> {
        let stored =
            fs::read(target).map_err(|source| SinkError::Io { path: target.to_path_buf(), source })?;
        let record = stored_record_digest(&stored);
        judge_existing(&self.name, &self.sha256, &self.record_sha256, &sha256_hex(&stored), record.as_deref())
    }
}

/// Links `temp` to `target`, failing with `AlreadyExists` if `target` exists. On file systems without
/// hard links (FAT, some network shares) it falls back to a rename after an existence check: still
/// crash-safe (a rename is atomic), but two writers racing on the same name could replace each other.
fn link_create_only(temp: &Path, target: &Path) -> io::Result<()> {
    match fs::hard_link(temp, target) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
        Err(e) if links_unsupported(&e) => {
            if target.exists() {
                return Err(io::Error::new(io::ErrorKind::AlreadyExists, "the file already exists"));
            }
            fs::rename(temp, target)
        }
        Err(e) => Err(e),
    }
}

/// Whether a failed `hard_link` means "this file system has no hard links" rather than a real problem.
/// The temp file was just created in the same folder, so a permission error here is about links.
fn links_unsupported(error: &io::Error) -> bool {
    matches!(error.kind(), io::ErrorKind::Unsupported | io::ErrorKind::PermissionDenied)
}

/// Creates a new hidden temp file `.<file_name>.<unique>.tmp` in `folder`, never reusing a name.
fn create_temp(folder: &Path, file_name: &str) -> Result<(PathBuf, File), SinkError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut attempt = 0;
    loop {
        let unique = format!(
            "{}-{}-{:08x}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            rand::random::<u32>()
        );
        let temp = folder.join(format!(".{file_name}.{unique}{TEMP_SUFFIX}"));
        match OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(file) => return Ok((temp, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 8 => attempt += 1,
            Err(source) => return Err(SinkError::Io { path: temp, source }),
        }
    }
}

fn remove_temp(temp: &Path) {
    if let Err(e) = fs::remove_file(temp) {
        if e.kind() != io::ErrorKind::NotFound {
            let path = temp.display();
            tracing::warn!(%path, error = %e, "could not remove a temp file; it is harmless");
        }
    }
}

/// Makes the new directory entry durable. Best effort: not every platform can open a folder for syncing.
fn sync_folder(folder: &Path) {
    #[cfg(unix)]
    if let Err(e) = File::open(folder).and_then(|dir| dir.sync_all()) {
        tracing::warn!(path = %folder.display(), error = %e, "could not sync the folder");
    }
    #[cfg(not(unix))]
    let _ = folder;
}

/// Walks `dir` (not following symlinks), adding every `*.eml` file with its digest. Hidden files,
/// including temp files left by an interrupted write, are skipped.
fn collect_messages(dir: &Path, prefix: &str, out: &mut Vec<StoredObject>) -> Result<(), SinkError> {
    let entries = fs::read_dir(dir).map_err(|source| SinkError::Io { path: dir.to_path_buf(), source })?;
    for entry in entries {
        let entry = entry.map_err(|source| SinkError::Io { path: dir.to_path_buf(), source })?;
        let path = entry.path();
        let file_type = entry.file_type().map_err(|source| SinkError::Io { path: path.clone(), source })?;
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if file_name.starts_with('.') {
            continue;
        }
        let name = if prefix.is_empty() { file_name.clone() } else { format!("{prefix}/{file_name}") };
        if file_type.is_dir() {
            collect_messages(&path, &name, out)?;
        } else if file_type.is_file() && file_name.ends_with(MESSAGE_SUFFIX) {
            let bytes = fs::read(&path).map_err(|source| SinkError::Io { path: path.clone(), source })?;
            out.push(StoredObject { name, sha256: Some(sha256_hex(&bytes)), size: bytes.len() as u64 });
        }
    }
    Ok(())
}

/// Which part of an object name a checked name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NamePart {
    Mailbox,
    Folder,
    Key,
}

/// Checks the mailbox, folder and key an envelope's object name is made of (see `check_name_part`).
pub(crate) fn check_envelope_names(envelope: &Envelope<'_>) -> Result<(), SinkError> {
    check_name_part(NamePart::Mailbox, envelope.mailbox)?;
    check_name_part(NamePart::Folder, envelope.folder)?;
    check_name_part(NamePart::Key, envelope.key)
}

/// Rejects a mailbox, folder or key that could leave the root or cannot be a portable file name.
pub(crate) fn check_name_part(part: NamePart, value: &str) -> Result<(), SinkError> {
    let problem = if value.is_empty() {
        text!("sink.name.empty", "is empty")
    } else if value == "." || value == ".." {
        text!("sink.name.dots", "is \"{name}\", which would point outside the archive folder", name = value)
    } else if value.starts_with('.') {
        text!("sink.name.leading_dot", "starts with \".\", which Docket reserves for temporary files")
    } else if let Some(c) = value.chars().find(|c| is_forbidden_in_file_name(*c)) {
        text!(
            "sink.name.forbidden_char",
            "contains {character}, which cannot be part of a file name",
            character = describe_char(c)
        )
    } else if value.ends_with(' ') {
        text!("sink.name.trailing_space", "ends with a space, which Windows cannot store")
    } else {
        return Ok(());
    };
    let name = value.escape_debug().to_string();
    Err(SinkError::Config(match part {
        NamePart::Mailbox => text!(
            "sink.name.bad_mailbox",
            "the mailbox name \"{name}\" {problem}; fix the mailbox (mapping CSV or --folder) and run again",
            name = name,
            problem = problem
        ),
        NamePart::Folder => text!(
            "sink.name.bad_folder",
            "the folder name \"{name}\" {problem}; fix the folder (mapping CSV or --folder) and run again",
            name = name,
            problem = problem
        ),
        NamePart::Key => text!(
            "sink.name.bad_key",
            "the key name \"{name}\" {problem}; fix the key (mapping CSV or --folder) and run again",
            name = name,
            problem = problem
        ),
    }))
}

/// Path separators, NUL and control characters, and the characters Windows forbids (so an archive
/// folder can be copied to any machine; `:` would also name a drive or an alternate data stream).
fn is_forbidden_in_file_name(c: char) -> bool {
    c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
}

/// A forbidden character as the admin reads it: a separator or a control character is named.
fn describe_char(c: char) -> Text {
    match c {
        '/' | '\\' => {
            text!("sink.name.char_separator", "a path separator (\"{character}\")", character = c.to_string())
        }
        c if c.is_control() => text!(
            "sink.name.char_control",
            "a control character (U+{code})",
            code = format!("{:04X}", c as u32)
        ),
        c => text!("sink.name.char", "\"{character}\"", character = c.to_string()),
    }
}

/// The canonical form of `root`: the longest existing prefix resolved through symlinks, followed by the
/// rest of the path with `.` and `..` resolved lexically. The same before and after the folder exists.
fn canonical_target(root: &Path) -> PathBuf {
    let absolute = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let components: Vec<Component<'_>> = absolute.components().collect();
    for existing in (1..=components.len()).rev() {
        let prefix: PathBuf = components.iter().take(existing).collect();
        if let Ok(canonical) = prefix.canonicalize() {
            return push_lexically(canonical, components.iter().skip(existing));
        }
    }
    push_lexically(PathBuf::new(), components.iter())
}

fn push_lexically<'a>(mut path: PathBuf, rest: impl Iterator<Item = &'a Component<'a>>) -> PathBuf {
    for component in rest {
        match component {
            Component::ParentDir => {
                path.pop();
            }
            Component::CurDir => {}
            other => path.push(other.as_os_str()),
        }
    }
    path
}

/// Runs file work on the blocking pool so a slow disk never stalls the async runtime.
async fn run_blocking<T, F>(root: &Path, work: F) -> Result<T, SinkError>
where
    F: FnOnce() -> Result<T, SinkError> + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(work).await.map_err(|e| SinkError::Other {
        name: root.display().to_string(),
        detail: crate::text!(
            "sink.dir.writer_stopped",
            "the file writer stopped unexpectedly ({detail}); run again",
            detail = e.to_string()
        ),
    })?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_could_escape_the_root_are_rejected() {
        for bad in ["", ".", "..", "../x", "a/b", "a\\b", "/abs", "C:", "a\0b", ".hidden"] {
            assert!(
                matches!(check_name_part(NamePart::Key, bad), Err(SinkError::Config(_))),
                "{bad:?} should be rejected"
            );
        }
        for good in ["alice@contoso.com", "WhatsApp Archiver", "whatsapp-20240101T101010-0123abcd"] {
            assert!(check_name_part(NamePart::Key, good).is_ok(), "{good:?} should be accepted");
        }
    }

    #[test]
    fn target_id_is_the_same_before_and_after_the_folder_exists() {
        let base = tempfile::tempdir().expect("temp dir");
        let root = base.path().join("a").join(".").join("b");
        let before = canonical_target(&root);
        fs::create_dir_all(&root).expect("create the root");
        let after = canonical_target(&root);
        assert_eq!(before, after);
        assert!(after.is_absolute());
        assert!(after.ends_with("a/b"));
    }
}
