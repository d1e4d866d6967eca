//! Stage 1, load: find and read the repository's files.
//!
//! Takes a repository root and the layout globs; gives a [`Files`] database holding every document,
//! catalog and the configuration, a [`Source`] for each with the byte ranges of its TOML front matter
//! and Markdown body, and a diagnostic for every file that could not be read or split. Nothing here
//! interprets TOML: that is the model stage's job.

mod front_matter;
mod walk;

use std::path::{Path, PathBuf};

pub use front_matter::split_front_matter;
pub use walk::{Found, Layout, Matcher, find_files, walk_prefixes};

use crate::diag::{Code, Diagnostic, FileId, Files};

/// The name of the configuration file at the repository root.
pub const CONFIG_FILE: &str = "crosswalk.toml";

/// Files larger than this are reported, not read: no compliance document is this large.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// What a loaded file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// `crosswalk.toml`.
    Config,
    /// A crosswalk between two catalogs, `frameworks/*.crosswalk.toml`.
    Crosswalk,
    /// A framework catalog in `frameworks/*.toml`.
    Catalog,
    /// A policy document.
    Policy,
    /// A control definition.
    Control,
    /// An evidence record.
    Evidence,
    /// A risk of the risk register.
    Risk,
    /// A nonconformity of the register of nonconformities (ISO 27001 10.2).
    Nonconformity,
}

impl Kind {
    /// The document kinds that are Markdown with front matter.
    pub const DOCUMENTS: [Kind; 5] = [
        Kind::Policy,
        Kind::Control,
        Kind::Evidence,
        Kind::Risk,
        Kind::Nonconformity,
    ];
}

crate::names!(Kind {
    Config => "config",
    Crosswalk => "crosswalk",
    Catalog => "catalog",
    Policy => "policy",
    Control => "control",
    Evidence => "evidence",
    Risk => "risk",
    Nonconformity => "nonconformity",
});

/// One readable file and where its TOML is.
#[derive(Clone, Debug)]
pub struct Source {
    /// What the file is.
    pub kind: Kind,
    /// The file in the database.
    pub file: FileId,
    /// Byte range of the TOML (the front matter of a document, or the whole file).
    pub toml: std::ops::Range<usize>,
    /// Byte range of the Markdown body (empty for TOML files).
    pub body: std::ops::Range<usize>,
}

/// Everything the load stage gives.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The repository root.
    pub root: PathBuf,
    /// Every file read.
    pub files: Files,
    /// The configuration, if `crosswalk.toml` could be read.
    pub config: Option<Source>,
    /// Catalogs and documents, sorted by kind and path.
    pub sources: Vec<Source>,
    /// Files that could not be read or split.
    pub diagnostics: Vec<Diagnostic>,
}

/// Errors that stop a run before any checking (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// No configuration file.
    #[error("{} not found in {} or any parent directory: not a crosswalk repository (run `crosswalk init`)", CONFIG_FILE, .0.display())]
    NotARepository(PathBuf),
    /// The configuration file exists but cannot be read.
    #[error("cannot read {}: {}", .0.display(), .1)]
    Io(PathBuf, std::io::Error),
}

/// Finds the repository root: `start` or the nearest parent holding `crosswalk.toml`.
pub fn find_root(start: &Path) -> Result<PathBuf, LoadError> {
    start
        .ancestors()
        .find(|dir| dir.join(CONFIG_FILE).is_file())
        .map(Path::to_path_buf)
        .ok_or_else(|| LoadError::NotARepository(start.to_path_buf()))
}

/// Reads the configuration file; the layout it declares is resolved by the model stage.
pub fn load_config(root: &Path, loaded: &mut Loaded) -> Result<(), LoadError> {
    let path = root.join(CONFIG_FILE);
    loaded.root = root.to_path_buf();
    if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
        let file = loaded.files.add(CONFIG_FILE, "");
        loaded.diagnostics.push(link_finding(file, CONFIG_FILE));
        return Ok(());
    }
    add_config(loaded, read_text(&path));
    Ok(())
}

/// Adds the configuration file's text, or the finding of why it could not be read.
pub(crate) fn add_config(loaded: &mut Loaded, text: Result<String, String>) {
    match text {
        Ok(text) => {
            let len = text.len();
            let file = loaded.files.add(CONFIG_FILE, text);
            loaded.config = Some(Source {
                kind: Kind::Config,
                file,
                toml: 0..len,
                body: len..len,
            });
        }
        Err(problem) => {
            let file = loaded.files.add(CONFIG_FILE, "");
            loaded
                .diagnostics
                .push(Diagnostic::new(Code::UnreadableFile, file, 0..0, problem));
        }
    }
}

/// The folder of template overrides, whose files shape every rendered output.
pub const TEMPLATES_DIR: &str = "templates";

/// Reads every catalog and document that the layout selects, and reports every symbolic link in
/// the layout's folders and in `templates/`: links are never followed, so a document or template
/// cannot be swapped for a file elsewhere (outside the repository, or outside what history judges).
pub fn load_documents(loaded: &mut Loaded, layout: &Layout) {
    let found = find_files(&loaded.root, layout);
    let texts = read_all(&loaded.root, &found.files);
    for ((kind, relative), text) in found.files.into_iter().zip(texts) {
        load_file(loaded, kind, relative, text);
    }
    let templates = Layout {
        globs: vec![(Kind::Config, vec![format!("{TEMPLATES_DIR}/**")])],
    };
    let links = found
        .links
        .into_iter()
        .chain(find_files(&loaded.root, &templates).links);
    for link in links {
        let file = loaded.files.add(link.clone(), "");
        loaded.diagnostics.push(link_finding(file, &link));
    }
    for (path, why) in found.unreadable {
        let file = loaded.files.add(path.clone(), "");
        loaded.diagnostics.push(
            Diagnostic::new(
                Code::UnreadableFile,
                file,
                0..0,
                format!("cannot read `{path}`: {why}; the documents in it are not checked"),
            )
            .with_help("give the user running crosswalk read access to it, or move it out of the layout's folders"),
        );
    }
}

fn link_finding(file: crate::diag::FileId, path: &str) -> Diagnostic {
    Diagnostic::new(
        Code::SymlinkInComplianceFolder,
        file,
        0..0,
        format!(
            "`{path}` is a symbolic link or another git repository (a submodule): crosswalk follows neither in compliance files"
        ),
    )
    .with_help(
        "replace it with the files themselves, so that this repository's history is their evidence",
    )
}

/// Reads the files on all cores (opening and reading thousands of small files is most of a check),
/// each thread a consecutive share; the texts come back in the order of `files`.
fn read_all(root: &Path, files: &[(Kind, String)]) -> Vec<Result<String, String>> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let share = files.len().div_ceil(threads).max(64);
    std::thread::scope(|scope| {
        let readers: Vec<_> = files
            .chunks(share)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|(_, relative)| read_text(&root.join(relative)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        readers
            .into_iter()
            .flat_map(|reader| reader.join().expect("file reader panicked"))
            .collect()
    })
}

/// Adds one catalog or document (its text, or why it could not be read) and splits its front matter.
pub(crate) fn load_file(
    loaded: &mut Loaded,
    kind: Kind,
    relative: String,
    text: Result<String, String>,
) {
    let text = match text {
        Ok(text) => text,
        Err(problem) => {
            let file = loaded.files.add(relative, "");
            loaded
                .diagnostics
                .push(Diagnostic::new(Code::UnreadableFile, file, 0..0, problem));
            return;
        }
    };
    let len = text.len();
    let file = loaded.files.add(relative, text);
    if matches!(kind, Kind::Catalog | Kind::Crosswalk) {
        loaded.sources.push(Source {
            kind,
            file,
            toml: 0..len,
            body: len..len,
        });
        return;
    }
    match split_front_matter(&loaded.files.get(file).text) {
        Ok((toml, body)) => loaded.sources.push(Source {
            kind,
            file,
            toml,
            body,
        }),
        Err(problem) => loaded.diagnostics.push(
            Diagnostic::new(Code::FrontMatter, file, problem.span, problem.message)
                .with_help(problem.help),
        ),
    }
}

fn read_text(path: &Path) -> Result<String, String> {
    let cannot_read = |e: std::io::Error| format!("cannot read file: {e}");
    let too_large = |size: u64| {
        format!(
            "file is too large to be a compliance file ({size} bytes; the limit is {MAX_FILE_BYTES})"
        )
    };
    let file = std::fs::File::open(path).map_err(cannot_read)?;
    let size = file.metadata().map_err(cannot_read)?.len();
    if size > MAX_FILE_BYTES {
        return Err(too_large(size));
    }
    // Never more than the limit, even if the file grows while it is read.
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    std::io::Read::read_to_end(
        &mut std::io::Read::take(file, MAX_FILE_BYTES + 1),
        &mut bytes,
    )
    .map_err(cannot_read)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    decode(bytes)
}

/// UTF-8 text without a byte-order mark, or why not.
pub(crate) fn decode(bytes: Vec<u8>) -> Result<String, String> {
    if bytes.contains(&0) {
        return Err("file is binary (it contains NUL bytes), not UTF-8 text".into());
    }
    let mut text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let valid = &e.as_bytes()[..offset];
        let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&valid[line_start..]).chars().count() + 1;
        format!(
            "file is not valid UTF-8: invalid byte at line {}, column {column} (offset {offset}); save it as UTF-8",
            valid.iter().filter(|&&b| b == b'\n').count() + 1,
        )
    })?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_strips_bom_and_rejects_binary() {
        assert_eq!(decode(b"\xEF\xBB\xBF+++".to_vec()).unwrap(), "+++");
        assert!(decode(vec![0, 1, 2]).unwrap_err().contains("binary"));
        assert!(
            decode(vec![0xff, 0xfe, 0x41])
                .unwrap_err()
                .contains("UTF-8")
        );
    }
}
