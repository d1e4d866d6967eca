//! Versions of the repository read straight from git objects, for `crosswalk diff`: the compliance
//! root's tree at a revision written out of the object database (the working tree, the index and
//! HEAD are never touched), and the commits between two revisions with the files they changed and
//! the approvals they carry.

use std::path::Path;

use git2::{ObjectType, Oid, Repository, TreeWalkMode, TreeWalkResult};

use super::commits::recorded_approvals;
use super::git::{HistoryError, civil_date, relative_root, strip, summary, who};
use super::{Commit, trailers};

/// A revision resolved to a commit.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Revision {
    /// What the user named, e.g. `origin/main`.
    pub name: String,
    /// The full commit id.
    pub commit: String,
    /// Its subject line.
    pub summary: String,
    /// Its committer date.
    pub date: jiff::civil::Date,
}

/// A commit between base and head, with the compliance files it changed (relative to the root).
#[derive(Clone, Debug)]
pub struct RangeCommit {
    /// The commit, with the approvals recorded in its message and its note.
    pub commit: Commit,
    /// Paths it added, changed or deleted, old and new paths of a rename both included.
    pub paths: Vec<String>,
}

/// Two revisions and what lies between them.
#[derive(Clone, Debug)]
pub struct Range {
    /// The base: the merge base of the named base and the head.
    pub base: Revision,
    /// The head.
    pub head: Revision,
    /// Commits reachable from head and not from base, oldest first, merges left out.
    pub commits: Vec<RangeCommit>,
}

/// Resolves `base` and `head` in the repository holding `root`; the base is their merge base, so
/// that what the head's branch did is compared, not what happened on the base branch meanwhile.
pub fn range(root: &Path, base: &str, head: &str) -> Result<Range, HistoryError> {
    let repo =
        Repository::discover(root).map_err(|_| HistoryError::NotARepository(root.to_path_buf()))?;
    let within = relative_root(&repo, root);
    let head_commit = resolve(&repo, head)?;
    let named_base = resolve(&repo, base)?;
    let base_id = repo.merge_base(named_base.id(), head_commit.id())?;
    let base_commit = repo.find_commit(base_id)?;
    let mut name = base.to_string();
    if base_id != named_base.id() {
        name = format!("merge base of {base} and {head}");
    }
    let commits = commits_between(&repo, base_id, head_commit.id(), &within)?;
    Ok(Range {
        base: revision(&base_commit, name),
        head: revision(&head_commit, head.to_string()),
        commits,
    })
}

/// Resolves what `--at` names: a tag, branch or commit, or else a date (`YYYY-MM-DD`), which means
/// the last commit of HEAD's first-parent line that had landed by the end of that day. A name git
/// knows wins over a date, so a tag called `2026-06-30` is the tag. Landing dates never go back
/// along the line: a commit dated before its parent landed when its parent did, so a backdated
/// commit cannot pass for the state of an earlier day.
pub fn resolve_at(root: &Path, at: &str) -> Result<Revision, HistoryError> {
    let repo =
        Repository::discover(root).map_err(|_| HistoryError::NotARepository(root.to_path_buf()))?;
    if let Ok(commit) = resolve(&repo, at) {
        return Ok(revision(&commit, at.to_string()));
    }
    let Ok(date) = at.parse::<jiff::civil::Date>() else {
        return resolve(&repo, at).map(|c| revision(&c, at.to_string()));
    };
    let head = repo
        .head()
        .and_then(|h| h.peel_to_commit())
        .map_err(|e| HistoryError::Revision(at.to_string(), e.message().to_string()))?;
    let mut line = vec![head];
    while let Some(parent) = line.last().and_then(|c| c.parents().next()) {
        line.push(parent);
    }
    // Oldest first, each commit's landing date the latest date so far.
    let mut landed = None;
    let mut chosen = None;
    for commit in line.iter().rev() {
        let own = revision(commit, String::new()).date;
        let date_landed = landed.map_or(own, |before: jiff::civil::Date| before.max(own));
        landed = Some(date_landed);
        if date_landed <= date {
            chosen = Some(commit);
        }
    }
    match chosen {
        Some(commit) => Ok(revision(
            commit,
            format!("{at} (the last commit on the first-parent line by then)"),
        )),
        None => Err(HistoryError::Revision(
            at.to_string(),
            format!(
                "no commit of HEAD's first-parent line had landed by {date}: the first is {} of {}",
                super::short(&line[line.len() - 1].id().to_string()),
                revision(&line[line.len() - 1], String::new()).date
            ),
        )),
    }
}

fn resolve<'r>(repo: &'r Repository, name: &str) -> Result<git2::Commit<'r>, HistoryError> {
    let object = repo
        .revparse_single(name)
        .map_err(|e| HistoryError::Revision(name.to_string(), e.message().to_string()))?;
    object
        .peel_to_commit()
        .map_err(|e| HistoryError::Revision(name.to_string(), e.message().to_string()))
}

fn revision(commit: &git2::Commit, name: String) -> Revision {
    Revision {
        name,
        commit: commit.id().to_string(),
        summary: summary(&String::from_utf8_lossy(commit.message_bytes())).to_string(),
        date: landed(commit),
    }
}

/// The date a commit's state had certainly been reached: the latest committer date along its
/// first-parent line. A commit dated before its parent (dates are claims) counts as of its parent's
/// date, so a backdated commit cannot make its state be judged as of an earlier day (when evidence
/// that has gone stale since would look fresh).
pub fn landed(commit: &git2::Commit) -> jiff::civil::Date {
    let date = |c: &git2::Commit| {
        let when = c.committer().when();
        civil_date(when.seconds(), when.offset_minutes())
    };
    let mut latest = date(commit);
    let mut current = commit.parents().next();
    while let Some(parent) = current {
        latest = latest.max(date(&parent));
        current = parent.parents().next();
    }
    latest
}

/// Writes the compliance root's tree at `commit` into `into` (which must be empty): regular and
/// executable files as files, symbolic links as links (so that a link leaving the repository is
/// still caught), submodules left out.
pub fn extract(root: &Path, commit: &str, into: &Path) -> Result<(), HistoryError> {
    let repo =
        Repository::discover(root).map_err(|_| HistoryError::NotARepository(root.to_path_buf()))?;
    let within = relative_root(&repo, root);
    let commit = repo.find_commit(Oid::from_str(commit)?)?;
    let mut tree = commit.tree()?;
    if !within.is_empty() {
        let Ok(entry) = tree.get_path(Path::new(&within)) else {
            return Ok(());
        };
        tree = repo.find_tree(entry.id())?;
    }
    let mut failure = None;
    tree.walk(TreeWalkMode::PreOrder, |folder, entry| {
        if entry.kind() != Some(ObjectType::Blob) {
            return TreeWalkResult::Ok;
        }
        let path = into.join(folder).join(entry.name().unwrap_or_default());
        match write_blob(&repo, entry, &path) {
            Ok(()) => TreeWalkResult::Ok,
            Err(e) => {
                failure = Some(e);
                TreeWalkResult::Abort
            }
        }
    })?;
    match failure {
        Some(e) => Err(HistoryError::Extract(into.to_path_buf(), e.to_string())),
        None => Ok(()),
    }
}

fn write_blob(repo: &Repository, entry: &git2::TreeEntry, path: &Path) -> std::io::Result<()> {
    let blob = repo.find_blob(entry.id()).map_err(std::io::Error::other)?;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    if entry.filemode() == 0o120000 {
        return link(blob.content(), path);
    }
    std::fs::write(path, blob.content())
}

#[cfg(unix)]
fn link(target: &[u8], path: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    std::os::unix::fs::symlink(std::ffi::OsStr::from_bytes(target), path)
}

#[cfg(not(unix))]
fn link(target: &[u8], path: &Path) -> std::io::Result<()> {
    // Without symbolic links, the link's text stands in for it (a link is not evidence anyway).
    std::fs::write(path, target)
}

fn commits_between(
    repo: &Repository,
    base: Oid,
    head: Oid,
    within: &str,
) -> Result<Vec<RangeCommit>, HistoryError> {
    let mut walk = repo.revwalk()?;
    walk.push(head)?;
    walk.hide(base)?;
    walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)?;
    let mut commits = Vec::new();
    for id in walk {
        let commit = repo.find_commit(id?)?;
        if commit.parent_count() > 1 {
            continue;
        }
        let paths = changed_paths(repo, &commit, within)?;
        if !paths.is_empty() {
            commits.push(RangeCommit {
                commit: approvals_of(repo, &commit),
                paths,
            });
        }
    }
    Ok(commits)
}

fn changed_paths(
    repo: &Repository,
    commit: &git2::Commit,
    within: &str,
) -> Result<Vec<String>, git2::Error> {
    let parent = commit.parents().next().map(|p| p.tree()).transpose()?;
    let mut options = git2::DiffOptions::new();
    if !within.is_empty() {
        options.pathspec(within);
    }
    let diff =
        repo.diff_tree_to_tree(parent.as_ref(), Some(&commit.tree()?), Some(&mut options))?;
    let mut paths = Vec::new();
    for delta in diff.deltas() {
        for file in [delta.old_file(), delta.new_file()] {
            if let Some(path) = file.path().and_then(Path::to_str) {
                let path = strip(within, path);
                if !paths.contains(&path) {
                    paths.push(path);
                }
            }
        }
    }
    Ok(paths)
}

fn approvals_of(repo: &Repository, commit: &git2::Commit) -> Commit {
    let message = String::from_utf8_lossy(commit.message_bytes()).into_owned();
    let id = commit.id().to_string();
    let notes = super::git::notes(repo).unwrap_or_default();
    let subject = summary(&message).to_string();
    let when = commit.committer().when();
    let authored = commit.author().when();
    Commit {
        approvals: recorded_approvals(&id, &message, notes.get(&commit.id())),
        id,
        pull_request: trailers::pull_request(&subject),
        summary: subject,
        author: who(&commit.author()),
        committer: who(&commit.committer()),
        date: civil_date(when.seconds(), when.offset_minutes()),
        author_date: civil_date(authored.seconds(), authored.offset_minutes()),
        committer_date: civil_date(when.seconds(), when.offset_minutes()),
        dated_before_parent: false,
        is_merge: commit.parent_count() > 1,
        merged_by: None,
        reviewed_ids: Vec::new(),
    }
}
