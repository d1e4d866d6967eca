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

/// Every file the layout selects, as (kind, path relative to `root` with `/` separators), sorted.
///
/// Only the fixed directory prefix of each pattern is walked, so a large `target/` or `node_modules/`
/// beside the documents costs nothing. `README.md` files are documentation of a folder, not documents,
/// and are skipped. Invalid patterns select nothing (the model stage reports them).
pub fn find_files(root: &Path, layout: &Layout) -> Vec<(Kind, String)> {
    let mut found = Vec::new();
    for (kind, patterns) in &layout.globs {
        let Some(set) = compile(patterns) else {
            continue;
        };
        for prefix in walk_prefixes(patterns) {
            collect(root, &prefix, &set, *kind, &mut found);
        }
    }
    // A file two kinds' patterns select belongs to the first kind.
    found.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    found.dedup_by(|later, first| later.1 == first.1);
    found.sort();
    found
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
fn walk_prefixes(patterns: &[String]) -> Vec<String> {
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

fn collect(root: &Path, prefix: &str, set: &GlobSet, kind: Kind, found: &mut Vec<(Kind, String)>) {
    let start = if prefix.is_empty() {
        root.to_path_buf()
    } else {
        root.join(prefix)
    };
    let walker = walkdir::WalkDir::new(start)
        .follow_links(false)
        .into_iter()
        .filter_entry(|entry| !is_ignored_dir(entry));
    for entry in walker.flatten() {
        if !entry.file_type().is_file() || entry.file_name().eq_ignore_ascii_case("README.md") {
            continue;
        }
        let Ok(relative) = entry.path().strip_prefix(root) else {
            continue;
        };
        let relative = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if set.is_match(&relative) {
            found.push((kind, relative));
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
