//! Finding a repository's documents by the globs of `[layout]`.

use std::path::Path;

use globset::{Glob, GlobSet, GlobSetBuilder};

use super::Kind;

/// Where each kind of file lives: glob patterns relative to the repository root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Per kind, its patterns.
    pub globs: Vec<(Kind, Vec<String>)>,
}

impl Default for Layout {
    fn default() -> Self {
        let globs = [
            (Kind::Crosswalk, "frameworks/*.crosswalk.toml"),
            (Kind::Catalog, "frameworks/*.toml"),
            (Kind::Policy, "policies/**/*.md"),
            (Kind::Control, "controls/**/*.md"),
            (Kind::Evidence, "evidence/**/*.md"),
            (Kind::Risk, "risks/**/*.md"),
            (Kind::Nonconformity, "nonconformities/**/*.md"),
        ];
        Layout {
            globs: globs
                .into_iter()
                .map(|(kind, glob)| (kind, vec![glob.to_string()]))
                .collect(),
        }
    }
}

impl Layout {
    /// The patterns of one kind.
    pub fn patterns(&self, kind: Kind) -> &[String] {
        self.globs
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(&[], |(_, globs)| globs.as_slice())
    }

    /// The folders (relative to the root) that hold every kind's files, without duplicates; `""`
    /// when a pattern starts with a wildcard.
    pub fn folders(&self) -> Vec<String> {
        let patterns: Vec<String> = self
            .globs
            .iter()
            .flat_map(|(_, globs)| globs.clone())
            .collect();
        walk_prefixes(&patterns)
    }

    /// Replaces the patterns of one kind.
    pub fn set(&mut self, kind: Kind, patterns: Vec<String>) {
        match self.globs.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, globs)) => *globs = patterns,
            None => self.globs.push((kind, patterns)),
        }
    }
}

/// The compiled patterns of a layout: which kind, if any, a path is.
#[derive(Clone, Debug)]
pub struct Matcher {
    sets: Vec<(Kind, GlobSet)>,
}

impl Matcher {
    /// The kind of the file at `path` (relative to the root, `/` separators): the first kind whose
    /// patterns select it, as in [`find_files`]; `README.md` files are never documents.
    pub fn kind_of(&self, path: &str) -> Option<Kind> {
        let name = path.rsplit('/').next().unwrap_or(path);
        if name.eq_ignore_ascii_case("README.md") {
            return None;
        }
        self.sets
            .iter()
            .filter(|(_, set)| set.is_match(path))
            .map(|(kind, _)| *kind)
            .min()
    }
}

impl Layout {
    /// The layout's patterns, compiled.
    pub fn matcher(&self) -> Matcher {
        Matcher {
            sets: self
                .globs
                .iter()
                .filter_map(|(kind, patterns)| compile(patterns).map(|set| (*kind, set)))
                .collect(),
        }
    }
}

/// What walking the layout found: the files it selects, and the symbolic links in its folders,
/// which are never followed.
#[derive(Clone, Debug, Default)]
pub struct Found {
    /// (kind, path relative to the root with `/` separators), sorted.
    pub files: Vec<(Kind, String)>,
    /// Symbolic links inside (or as) a layout folder, sorted.
    pub links: Vec<String>,
    /// Folders or files of a layout folder that could not be read (path, why), sorted: reported,
    /// never skipped in silence.
    pub unreadable: Vec<(String, String)>,
}

/// Every file the layout selects, as (kind, path relative to `root` with `/` separators), sorted.
///
/// Only the fixed directory prefix of each pattern is walked, so a large `target/` or `node_modules/`
/// beside the documents costs nothing. `README.md` files are documentation of a folder, not documents,
/// and are skipped. Invalid patterns select nothing (the model stage reports them).
pub fn find_files(root: &Path, layout: &Layout) -> Found {
    let mut found = Vec::new();
    let mut links = Vec::new();
    let mut unreadable = Vec::new();
    for (kind, patterns) in &layout.globs {
        let Some(set) = compile(patterns) else {
            continue;
        };
        for prefix in walk_prefixes(patterns) {
            let mut sink = Sink {
                found: &mut found,
                links: &mut links,
                unreadable: &mut unreadable,
            };
            collect(root, &prefix, &set, *kind, &mut sink);
        }
    }
    // A file two kinds' patterns select belongs to the first kind.
    found.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    found.dedup_by(|later, first| later.1 == first.1);
    found.sort();
    links.sort();
    links.dedup();
    unreadable.sort();
    unreadable.dedup();
    Found {
        files: found,
        links,
        unreadable,
    }
}

/// Where [`collect`] puts what it finds.
struct Sink<'a> {
    found: &'a mut Vec<(Kind, String)>,
    links: &'a mut Vec<String>,
    unreadable: &'a mut Vec<(String, String)>,
}

/// A path relative to `root`, with `/` separators.
fn relative_to(root: &Path, path: &Path) -> Option<String> {
    let relative = path.strip_prefix(root).ok()?;
    Some(
        relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

fn compile(patterns: &[String]) -> Option<GlobSet> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = globset::GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .or_else(|_| Glob::new(pattern));
        if let Ok(glob) = glob {
            builder.add(glob);
        }
    }
    builder.build().ok()
}

/// The literal leading directories of each pattern (`policies` for `policies/**/*.md`), deduplicated.
pub fn walk_prefixes(patterns: &[String]) -> Vec<String> {
    let mut prefixes: Vec<String> = patterns
        .iter()
        .map(|pattern| {
            let literal: Vec<&str> = pattern
                .split('/')
                .take_while(|part| !part.contains(['*', '?', '[', '{']))
                .collect();
            // The last literal part may be the file name itself: walk its directory.
            let dirs = if literal.len() == pattern.split('/').count() {
                &literal[..literal.len().saturating_sub(1)]
            } else {
                &literal[..]
            };
            dirs.join("/")
        })
        .collect();
    prefixes.sort();
    prefixes.dedup();
    prefixes
}

fn collect(root: &Path, prefix: &str, set: &GlobSet, kind: Kind, sink: &mut Sink) {
    // A layout folder that is itself a link, or has one on its way, is never entered.
    let mut at = root.to_path_buf();
    for part in prefix.split('/').filter(|p| !p.is_empty()) {
        at.push(part);
        if std::fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
            sink.links.extend(relative_to(root, &at));
            return;
        }
    }
    let mut walker = walkdir::WalkDir::new(&at)
        .follow_links(false)
        .follow_root_links(false)
        .into_iter();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(entry) => entry,
            // A layout folder that does not exist holds nothing; anything else that cannot be
            // read (a folder without permission) would hide its documents.
            Err(e)
                if e.depth() == 0
                    && e.io_error().map(std::io::Error::kind)
                        == Some(std::io::ErrorKind::NotFound) =>
            {
                continue;
            }
            Err(e) => {
                let path = e
                    .path()
                    .and_then(|p| relative_to(root, p))
                    .unwrap_or_else(|| prefix.to_string());
                let why = e
                    .io_error()
                    .map_or_else(|| e.to_string(), ToString::to_string);
                sink.unreadable.push((path, why));
                continue;
            }
        };
        if is_ignored_dir(&entry) {
            walker.skip_current_dir();
            continue;
        }
        let Some(relative) = relative_to(root, entry.path()) else {
            continue;
        };
        // Another repository inside a compliance folder (a submodule): its history is not this
        // repository's evidence, so it is reported like a link and never entered.
        if entry.depth() > 0 && entry.file_type().is_dir() && entry.path().join(".git").exists() {
            sink.links.push(relative);
            walker.skip_current_dir();
            continue;
        }
        if entry.path_is_symlink() {
            // A linked folder, or a link where a document would be: never followed. Links among
            // attachments are the evidence rules' (they may point inside the repository).
            if entry.path().is_dir() || set.is_match(&relative) {
                sink.links.push(relative);
            }
            continue;
        }
        if !entry.file_type().is_file() || entry.file_name().eq_ignore_ascii_case("README.md") {
            continue;
        }
        if set.is_match(&relative) {
            sink.found.push((kind, relative));
        }
    }
}

fn is_ignored_dir(entry: &walkdir::DirEntry) -> bool {
    entry.depth() > 0
        && entry.file_type().is_dir()
        && matches!(
            entry.file_name().to_str(),
            Some(".git" | "target" | "node_modules")
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_stop_at_the_first_wildcard() {
        let patterns = vec![
            "policies/**/*.md".to_string(),
            "docs/isms/policies/*.md".to_string(),
            "*.md".to_string(),
            "frameworks/nist.toml".to_string(),
        ];
        assert_eq!(
            walk_prefixes(&patterns),
            vec!["", "docs/isms/policies", "frameworks", "policies"]
        );
    }
}
