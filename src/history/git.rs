//! Small git operations and conversions: the notes ref, errors, identities, dates, paths relative to
//! the work tree, uncommitted files, HEAD, and the review commit `crosswalk review` writes. With the
//! other modules of this stage, the only code that talks to git (git2).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use git2::{Oid, Repository, StatusOptions};

use super::{Who, trailers};

/// The notes ref that holds approvals added after the fact.
pub const NOTES_REF: &str = "refs/notes/crosswalk";

/// Failures that stop the history pass (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    /// The repository is not in git.
    #[error("{} is not in a git repository: history is the evidence of review and approval (run `git init`, or pass --no-history to skip the history checks)", .0.display())]
    NotARepository(PathBuf),
    /// git failed.
    #[error("git: {0}")]
    Git(#[from] git2::Error),
    /// A revision that names no commit.
    #[error("`{0}` is not a revision of this repository: {1}")]
    Revision(String, String),
    /// A version of the repository could not be written out of git.
    #[error("cannot write a version of the repository into {}: {}", .0.display(), .1)]
    Extract(PathBuf, String),
}

/// Tunes libgit2's process-wide settings for read-only passes over a whole history. The binary
/// calls it first thing in `main`; without it everything works, only slower and with more memory.
///
/// # Safety
///
/// libgit2 reads these settings without synchronisation: call this before any thread (this one
/// included) opens a repository, and never concurrently with other libgit2 use.
#[allow(unsafe_code)]
pub unsafe fn configure_libgit2() {
    // libgit2 re-hashes every object it reads unless told not to; git itself does not, and the
    // objects of a local repository are trusted (`git fsck` is the tool for corruption).
    git2::opts::strict_hash_verification(false);
    // SAFETY: the caller guarantees that no other libgit2 use runs (see the function's contract).
    unsafe {
        // Each commit is parsed once by the walk: caching them all (the default) costs tens of
        // MiB on a long history and saves nothing.
        let _ = git2::opts::set_cache_object_limit(git2::ObjectType::Commit, 0);
        // Map packs in 16 MiB windows, at most 32 MiB at a time (the defaults, 1 GiB windows
        // and an 8 GiB limit, keep a whole pack resident): same speed, far less memory.
        let _ = git2::opts::set_mwindow_size(16 * 1024 * 1024);
        let _ = git2::opts::set_mwindow_mapped_limit(32 * 1024 * 1024);
        // Trees are cached as they are read (the pass reads each version once): a smaller cache
        // than the default 256 MiB (16 MiB) bounds memory on a long history at no measurable cost.
        let _ = git2::opts::set_cache_max_size(16 * 1024 * 1024);
    }
}

pub(super) fn who(signature: &git2::Signature) -> Who {
    Who::Email {
        name: String::from_utf8_lossy(signature.name_bytes()).into_owned(),
        email: String::from_utf8_lossy(signature.email_bytes()).into_owned(),
    }
}

/// A note under [`NOTES_REF`]: its text, and the notes commit that last wrote it.
#[derive(Clone, Debug)]
pub(super) struct Note {
    pub(super) text: String,
    /// The author of the notes commit that last changed this note.
    pub(super) writer: Option<Who>,
    /// That notes commit.
    pub(super) commit: Option<Oid>,
}

/// Notes under [`NOTES_REF`], by annotated commit, each with who wrote it: the notes ref's own
/// history is walked (oldest first) so that each note is attributed to the notes commit that last
/// changed it. A note written by a change's author is that author's own approval.
pub(super) fn notes(repo: &Repository) -> Result<HashMap<Oid, Note>, git2::Error> {
    let mut notes = HashMap::new();
    let iterator = match repo.notes(Some(NOTES_REF)) {
        Ok(iterator) => iterator,
        Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(notes),
        Err(e) => return Err(e),
    };
    for entry in iterator {
        let (note, annotated) = entry?;
        let blob = repo.find_blob(note)?;
        let text = String::from_utf8_lossy(blob.content()).into_owned();
        notes.insert(
            annotated,
            Note {
                text,
                writer: None,
                commit: None,
            },
        );
    }
    let mut chain = Vec::new();
    let mut current = repo.find_reference(NOTES_REF)?.peel_to_commit().ok();
    while let Some(commit) = current {
        current = commit.parent(0).ok();
        chain.push(commit);
    }
    for commit in chain.iter().rev() {
        let old = commit.parent(0).ok().map(|p| p.tree()).transpose()?;
        let new = commit.tree()?;
        let diff = repo.diff_tree_to_tree(old.as_ref(), Some(&new), None)?;
        for delta in diff.deltas() {
            let Some(path) = delta.new_file().path() else {
                continue;
            };
            // Fan-out folders split the annotated id: `ab/cdef…`.
            let id: String = path
                .to_string_lossy()
                .chars()
                .filter(|c| *c != '/')
                .collect();
            if let Some(note) = Oid::from_str(&id).ok().and_then(|id| notes.get_mut(&id)) {
                note.writer = Some(who(&commit.author()));
                note.commit = Some(commit.id());
            }
        }
    }
    Ok(notes)
}

pub(super) fn summary(message: &str) -> &str {
    message.lines().next().unwrap_or_default().trim()
}

pub(super) fn civil_date(seconds: i64, offset_minutes: i32) -> jiff::civil::Date {
    let timestamp = jiff::Timestamp::from_second(seconds).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let offset =
        jiff::tz::Offset::from_seconds(offset_minutes * 60).unwrap_or(jiff::tz::Offset::UTC);
    offset.to_datetime(timestamp).date()
}

/// The compliance root relative to the git work tree (`""` when they are the same).
pub(super) fn relative_root(repo: &Repository, root: &Path) -> String {
    let (Some(workdir), Ok(root)) = (repo.workdir(), root.canonicalize()) else {
        return String::new();
    };
    let workdir = workdir
        .canonicalize()
        .unwrap_or_else(|_| workdir.to_path_buf());
    root.strip_prefix(&workdir)
        .map(|p| {
            p.components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/")
        })
        .unwrap_or_default()
}

pub(super) fn strip(within: &str, path: &str) -> String {
    if within.is_empty() {
        return path.to_string();
    }
    path.strip_prefix(within)
        .map_or(path, |p| p.trim_start_matches('/'))
        .to_string()
}

/// The compliance files (by the working tree's rules, or none when they do not read) that have
/// uncommitted changes, and those that git ignores (`.gitignore`: checked in the working tree, but
/// no commit can carry them), relative to the compliance root.
pub(super) fn uncommitted(
    repo: &Repository,
    within: &str,
    rules: Option<&super::rules::Rules>,
) -> Result<(Vec<String>, Vec<String>), git2::Error> {
    let Some(rules) = rules.filter(|_| !repo.is_bare()) else {
        return Ok((Vec::new(), Vec::new()));
    };
    let (mut changed, mut ignored) = (Vec::new(), Vec::new());
    for (raw, is_ignored) in statuses(repo, within, false)? {
        let path = strip(within, &raw);
        if is_ignored && path.ends_with('/') && rules.may_hold(&path) {
            // A whole ignored folder is one entry: enter it only when it may hold compliance files.
            let inside = statuses(repo, raw.trim_end_matches('/'), true)?;
            ignored.extend(
                inside
                    .into_iter()
                    .map(|(raw, _)| strip(within, &raw))
                    .filter(|path| rules.judges(path)),
            );
        } else if rules.judges(&path) {
            match is_ignored {
                true => ignored.push(path),
                false => changed.push(path),
            }
        }
    }
    changed.sort();
    ignored.sort();
    ignored.dedup();
    Ok((changed, ignored))
}

/// The untracked, changed and ignored paths under `pathspec` (from the top of the work tree), each
/// with whether git ignores it; an ignored folder is one entry unless `enter_ignored` (so a
/// `target/` costs one entry).
fn statuses(
    repo: &Repository,
    pathspec: &str,
    enter_ignored: bool,
) -> Result<Vec<(String, bool)>, git2::Error> {
    let mut options = StatusOptions::new();
    options
        .include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_ignored(true)
        .recurse_ignored_dirs(enter_ignored);
    if !pathspec.is_empty() {
        options.pathspec(pathspec);
    }
    let statuses = repo.statuses(Some(&mut options))?;
    Ok(statuses
        .iter()
        .filter_map(|entry| Some((entry.path().ok()?.to_string(), entry.status().is_ignored())))
        .collect())
}

/// The top of the git work tree holding `root` and `root`'s path relative to it; `root` itself and
/// an empty path outside git.
pub fn work_tree(root: &Path) -> (PathBuf, String) {
    match Repository::discover(root) {
        Ok(repo) => match repo.workdir() {
            Some(top) => (top.to_path_buf(), relative_root(&repo, root)),
            None => (root.to_path_buf(), String::new()),
        },
        Err(_) => (root.to_path_buf(), String::new()),
    }
}

/// HEAD's commit id and the date its state landed ([`super::snapshot::landed`]), if `root` is in a
/// git repository with commits.
pub fn head(root: &Path) -> Option<(String, jiff::civil::Date)> {
    let repo = Repository::discover(root).ok()?;
    let commit = repo.head().ok()?.peel_to_commit().ok()?;
    Some((commit.id().to_string(), super::snapshot::landed(&commit)))
}

/// Makes `dir` a git repository unless it already is in one; whether it made one.
pub fn init_repository(dir: &Path) -> Result<bool, HistoryError> {
    if Repository::discover(dir).is_ok() {
        return Ok(false);
    }
    Repository::init(dir)?;
    Ok(true)
}

/// Which of git's two identities.
#[derive(Clone, Copy)]
enum Role {
    Author,
    Committer,
}

/// The signature git would write for `role` here: `GIT_AUTHOR_NAME`, `GIT_AUTHOR_EMAIL` and
/// `GIT_AUTHOR_DATE` (or the committer's) first, as git does, then `user.name` and `user.email`,
/// and now.
fn signature(repo: &Repository, role: Role) -> Result<git2::Signature<'static>, HistoryError> {
    let prefix = match role {
        Role::Author => "GIT_AUTHOR",
        Role::Committer => "GIT_COMMITTER",
    };
    let var = |name: &str| std::env::var(format!("{prefix}_{name}")).ok();
    let configured = repo.signature().ok();
    let name = var("NAME").or_else(|| {
        configured
            .as_ref()
            .and_then(|s| s.name().ok().map(str::to_string))
    });
    let email = var("EMAIL").or_else(|| {
        configured
            .as_ref()
            .and_then(|s| s.email().ok().map(str::to_string))
    });
    let (Some(name), Some(email)) = (name, email) else {
        // What git itself says when it has no identity.
        return Err(HistoryError::Git(git2::Error::from_str(
            "no git identity: set user.name and user.email, or GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL",
        )));
    };
    let signature = match var("DATE").map(|date| git_date(&date)) {
        Some(Some(time)) => git2::Signature::new(&name, &email, &time)?,
        Some(None) => {
            return Err(HistoryError::Git(git2::Error::from_str(&format!(
                "{prefix}_DATE is not a date git understands (use `@SECONDS +HHMM` or RFC 3339)"
            ))));
        }
        None => git2::Signature::now(&name, &email)?,
    };
    Ok(signature)
}

/// A date in git's internal form (`@1767225600 +0100`) or RFC 3339 (`2026-01-01T12:00:00Z`).
fn git_date(text: &str) -> Option<git2::Time> {
    let text = text.trim();
    if let Some(raw) = text.strip_prefix('@') {
        let (seconds, zone) = raw.split_once(' ').unwrap_or((raw, "+0000"));
        let seconds: i64 = seconds.parse().ok()?;
        let sign = if zone.starts_with('-') { -1 } else { 1 };
        let digits = zone.trim_start_matches(['+', '-']);
        let (hours, minutes) = (
            digits.get(..2)?.parse::<i32>().ok()?,
            digits.get(2..4)?.parse::<i32>().ok()?,
        );
        return Some(git2::Time::new(seconds, sign * (hours * 60 + minutes)));
    }
    let timestamp: jiff::Timestamp = text.parse().ok()?;
    Some(git2::Time::new(timestamp.as_second(), 0))
}

/// The identity git would author a commit as here: `GIT_AUTHOR_NAME` and `GIT_AUTHOR_EMAIL`
/// first, then `user.name` and `user.email`, as git resolves it.
pub fn git_identity(root: &Path) -> Result<Who, HistoryError> {
    let repo =
        Repository::discover(root).map_err(|_| HistoryError::NotARepository(root.to_path_buf()))?;
    Ok(who(&signature(&repo, Role::Author)?))
}

/// Commits a review of documents with no content change: HEAD's tree, a message naming the
/// documents in `Crosswalk-Review:` and the approver in `Approved-by:`, authored and committed as
/// git would (its environment variables first). Returns the commit id.
pub fn commit_review(
    root: &Path,
    subject: &str,
    ids: &[&str],
    approver: &Who,
) -> Result<String, HistoryError> {
    let repo =
        Repository::discover(root).map_err(|_| HistoryError::NotARepository(root.to_path_buf()))?;
    let head = repo.head()?.peel_to_commit()?;
    let author = signature(&repo, Role::Author)?;
    let committer = signature(&repo, Role::Committer)?;
    let message = format!(
        "{subject}\n\nReviewed with no content change.\n\n{}: {}\nApproved-by: {approver}\n",
        trailers::REVIEW_KEY,
        ids.join(", ")
    );
    let id = repo.commit(
        Some("HEAD"),
        &author,
        &committer,
        &message,
        &head.tree()?,
        &[&head],
    )?;
    Ok(id.to_string())
}
