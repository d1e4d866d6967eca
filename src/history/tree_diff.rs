//! Tree comparison on raw tree objects, in git's order: unchanged subtrees and the shared leading
//! entries of two versions of a folder are skipped unparsed; exact renames are paired, and
//! libgit2's similarity detection is asked only when a commit both adds and deletes files.

use git2::{Delta, DiffFindOptions, DiffOptions, Oid, Repository};

use super::ChangeKind;
use super::git::strip;

/// A file a commit changed: its path, what happened to it, and its blob before and after.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct FileChange {
    pub(super) path: String,
    pub(super) kind: ChangeKind,
    pub(super) old: Option<Oid>,
    pub(super) new: Option<Oid>,
}

/// Which paths are compliance files: those under one of the prefixes (relative to the git work tree).
pub(super) struct Scope {
    pub(super) prefixes: Vec<String>,
    pub(super) within: String,
}

impl Scope {
    fn contains(&self, path: &str) -> bool {
        self.prefixes
            .iter()
            .any(|p| p.is_empty() || is_within(path, p))
    }

    /// Whether a directory may hold compliance files.
    fn may_contain(&self, dir: &str) -> bool {
        self.contains(dir) || self.prefixes.iter().any(|p| is_within(p, dir))
    }
}

/// Whether `path` is `dir` or below it.
pub(super) fn is_within(path: &str, dir: &str) -> bool {
    path.strip_prefix(dir)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// A blob that differs between two trees: its path and its old and new ids.
pub(super) type Entry = (String, Option<Oid>, Option<Oid>);

/// The blobs that differ between two trees, like git's own tree diff: the raw tree objects are
/// walked side by side in git's order, subtrees with the same id are skipped without being read, and
/// only directories that may hold compliance files are entered.
pub(super) fn compare_trees(
    odb: &git2::Odb,
    old: Option<Oid>,
    new: Option<Oid>,
    base: &str,
    scope: &Scope,
    out: &mut Vec<Entry>,
) -> Result<(), git2::Error> {
    let read = |id: Option<Oid>| id.map(|id| odb.read(id)).transpose();
    let (old_object, new_object) = (read(old)?, read(new)?);
    let old_data = old_object.as_ref().map_or(&[][..], |o| o.data());
    let new_data = new_object.as_ref().map_or(&[][..], |o| o.data());
    // Entries before the first differing byte are the same in both trees: skip them unparsed.
    let skipped = common_entries_length(old_data, new_data);
    let (mut old_rest, mut new_rest) = (&old_data[skipped..], &new_data[skipped..]);
    // Once the remaining bytes are equal, so are the remaining entries.
    while old_rest != new_rest {
        let (a, b) = (raw_entry(old_rest), raw_entry(new_rest));
        let order = match (&a, &b) {
            (None, None) => break,
            (Some(a), Some(b)) => a.0.git_order(&b.0),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
        };
        let (before, after) = match order {
            std::cmp::Ordering::Less => (a, None),
            std::cmp::Ordering::Greater => (None, b),
            std::cmp::Ordering::Equal => (a, b),
        };
        if let Some((_, length)) = &before {
            old_rest = &old_rest[*length..];
        }
        if let Some((_, length)) = &after {
            new_rest = &new_rest[*length..];
        }
        let (before, after) = (before.map(|(e, _)| e), after.map(|(e, _)| e));
        if let (Some(a), Some(b)) = (&before, &after) {
            if a.id == b.id && a.kind == b.kind {
                continue;
            }
        }
        let Some(name) = before
            .as_ref()
            .or(after.as_ref())
            .map(|e| String::from_utf8_lossy(e.name))
        else {
            continue;
        };
        let path = if base.is_empty() {
            name.into_owned()
        } else {
            format!("{base}/{name}")
        };
        let pick = |entry: &Option<RawEntry>, kind: RawKind| {
            entry.as_ref().filter(|e| e.kind == kind).map(RawEntry::oid)
        };
        let (old_tree, new_tree) = (pick(&before, RawKind::Tree), pick(&after, RawKind::Tree));
        if (old_tree.is_some() || new_tree.is_some()) && scope.may_contain(&path) {
            compare_trees(
                odb,
                old_tree.transpose()?,
                new_tree.transpose()?,
                &path,
                scope,
                out,
            )?;
        }
        let (old_blob, new_blob) = (pick(&before, RawKind::Blob), pick(&after, RawKind::Blob));
        if (old_blob.is_some() || new_blob.is_some()) && scope.contains(&path) {
            out.push((path, old_blob.transpose()?, new_blob.transpose()?));
        }
    }
    Ok(())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum RawKind {
    Tree,
    Blob,
    Submodule,
}

/// One entry of a raw tree object: `<octal mode> <name>\0<object id>`.
pub(super) struct RawEntry<'a> {
    pub(super) name: &'a [u8],
    pub(super) id: &'a [u8],
    pub(super) kind: RawKind,
}

impl RawEntry<'_> {
    fn oid(&self) -> Result<Oid, git2::Error> {
        Oid::from_bytes(self.id)
    }

    /// git's order of tree entries: by name, a directory's name compared as if it ended in `/`.
    fn git_order(&self, other: &RawEntry) -> std::cmp::Ordering {
        fn bytes<'e>(entry: &'e RawEntry) -> impl Iterator<Item = u8> + 'e {
            let slash = (entry.kind == RawKind::Tree).then_some(b'/');
            entry.name.iter().copied().chain(slash)
        }
        bytes(self).cmp(bytes(other))
    }
}

/// Length of an object id in a tree object (SHA-1 repositories).
pub(super) const ID_LENGTH: usize = 20;

/// The first entry of raw tree bytes, `<octal mode> <name>\0<object id>`, and its length; `None` at
/// the end or on a malformed tail.
pub(super) fn raw_entry(data: &[u8]) -> Option<(RawEntry<'_>, usize)> {
    let space = memchr::memchr(b' ', data)?;
    let nul = space + memchr::memchr(0, &data[space..])?;
    let id = data.get(nul + 1..nul + 1 + ID_LENGTH)?;
    let kind = match &data[..space] {
        b"40000" | b"040000" => RawKind::Tree,
        b"160000" => RawKind::Submodule,
        _ => RawKind::Blob,
    };
    let entry = RawEntry {
        name: &data[space + 1..nul],
        id,
        kind,
    };
    Some((entry, nul + 1 + ID_LENGTH))
}

/// The length of the whole entries that two raw trees share at their start.
pub(super) fn common_entries_length(a: &[u8], b: &[u8]) -> usize {
    let differ = first_difference(a, b);
    let mut boundary = 0;
    while let Some(nul) = memchr::memchr(0, &a[boundary..]) {
        let end = boundary + nul + 1 + ID_LENGTH;
        if end > differ {
            break;
        }
        boundary = end;
    }
    boundary
}

/// The index of the first byte where two slices differ (the shorter length if one is a prefix).
pub(super) fn first_difference(a: &[u8], b: &[u8]) -> usize {
    const CHUNK: usize = 64;
    let common = a.len().min(b.len());
    let mut i = 0;
    while i + CHUNK <= common && a[i..i + CHUNK] == b[i..i + CHUNK] {
        i += CHUNK;
    }
    i + a[i..common]
        .iter()
        .zip(&b[i..common])
        .take_while(|(x, y)| x == y)
        .count()
}

/// Turns differing blobs into changes, pairing a deleted and an added file with the same content
/// as a rename.
pub(super) fn pair_exact_renames(entries: Vec<Entry>) -> Vec<FileChange> {
    let change = |path, kind, old, new| FileChange {
        path,
        kind,
        old,
        new,
    };
    let mut added: Vec<(String, Oid)> = Vec::new();
    let mut deleted: Vec<(String, Oid)> = Vec::new();
    let mut files = Vec::new();
    for (path, old, new) in entries {
        match (old, new) {
            (Some(_), Some(_)) => files.push(change(path, ChangeKind::Modified, old, new)),
            (None, Some(id)) => added.push((path, id)),
            (Some(id), None) => deleted.push((path, id)),
            (None, None) => {}
        }
    }
    for (path, id) in added {
        match deleted.iter().position(|(_, old)| *old == id) {
            Some(k) => {
                let (from, _) = deleted.remove(k);
                files.push(change(
                    path,
                    ChangeKind::Renamed { from },
                    Some(id),
                    Some(id),
                ));
            }
            None => files.push(change(path, ChangeKind::Added, None, Some(id))),
        }
    }
    files.extend(
        deleted
            .into_iter()
            .map(|(path, id)| change(path, ChangeKind::Deleted, Some(id), None)),
    );
    files
}

/// Changes with libgit2's similarity-based rename detection.
pub(super) fn similar_renames(
    repo: &Repository,
    old: Option<&git2::Tree>,
    new: &git2::Tree,
    diff_options: &mut DiffOptions,
    scope: &Scope,
) -> Result<Vec<FileChange>, git2::Error> {
    let mut diff = repo.diff_tree_to_tree(old, Some(new), Some(diff_options))?;
    diff.find_similar(Some(DiffFindOptions::new().renames(true)))?;
    let within = scope.within.as_str();
    let path_of = |file: git2::DiffFile| file.path().map(|p| strip(within, &p.to_string_lossy()));
    let id = |file: git2::DiffFile| Some(file.id()).filter(|id| !id.is_zero());
    let mut files = Vec::new();
    for delta in diff.deltas() {
        let (Some(new), Some(old)) = (path_of(delta.new_file()), path_of(delta.old_file())) else {
            continue;
        };
        let (old_id, new_id) = (id(delta.old_file()), id(delta.new_file()));
        let (path, kind) = match delta.status() {
            Delta::Added | Delta::Copied => (new, ChangeKind::Added),
            Delta::Deleted => (old, ChangeKind::Deleted),
            Delta::Renamed => (new, ChangeKind::Renamed { from: old }),
            _ => (new, ChangeKind::Modified),
        };
        let old_id = if kind == ChangeKind::Added {
            None
        } else {
            old_id
        };
        let new_id = if kind == ChangeKind::Deleted {
            None
        } else {
            new_id
        };
        files.push(FileChange {
            path,
            kind,
            old: old_id,
            new: new_id,
        });
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(mode: &str, name: &str, id: u8) -> Vec<u8> {
        let mut bytes = format!("{mode} {name}\0").into_bytes();
        bytes.extend([id; ID_LENGTH]);
        bytes
    }

    #[test]
    fn shared_leading_entries_are_skipped_whole() {
        let a = [
            entry("100644", "a.md", 1),
            entry("100644", "b.md", 2),
            entry("40000", "c", 3),
        ]
        .concat();
        let b = [
            entry("100644", "a.md", 1),
            entry("100644", "b.md", 9),
            entry("40000", "c", 3),
        ]
        .concat();
        let first = entry("100644", "a.md", 1).len();
        assert_eq!(common_entries_length(&a, &b), first);
        assert_eq!(common_entries_length(&a, &a), a.len());
        assert_eq!(common_entries_length(&a, &[]), 0);
        // A difference inside the second entry's name keeps the boundary before it.
        let c = [entry("100644", "a.md", 1), entry("100644", "bb.md", 2)].concat();
        assert_eq!(common_entries_length(&a, &c), first);
    }

    #[test]
    fn raw_entries_parse_and_order_like_git() {
        let bytes = [entry("40000", "docs", 7), entry("100644", "docs.md", 8)].concat();
        let (tree, length) = raw_entry(&bytes).unwrap();
        assert_eq!(
            (tree.name, tree.kind, length),
            (&b"docs"[..], RawKind::Tree, 11 + ID_LENGTH)
        );
        let (file, _) = raw_entry(&bytes[length..]).unwrap();
        assert_eq!(file.kind, RawKind::Blob);
        // git sorts the directory `docs` as `docs/`, after the file `docs.md`.
        assert_eq!(tree.git_order(&file), std::cmp::Ordering::Greater);
        assert!(
            raw_entry(&bytes[..length - 1]).is_none(),
            "a truncated id is not an entry"
        );
    }

    #[test]
    fn first_difference_across_chunks() {
        let a = vec![7u8; 200];
        let mut b = a.clone();
        b[150] = 8;
        assert_eq!(first_difference(&a, &b), 150);
        assert_eq!(first_difference(&a, &a[..90]), 90);
    }
}
