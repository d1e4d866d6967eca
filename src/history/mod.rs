//! Stage 3, history: git history as evidence of review and approval.
//!
//! Takes the repository root, which paths are compliance files, and optionally forge review records;
//! gives a [`Trail`]: every commit that changed a compliance file, each with its author, the date it
//! reached the mainline and the approvals it carries, and for every file (by its current path, across
//! renames) its changes, oldest first. One revwalk over all commits reachable from HEAD, one tree diff
//! per commit, limited to the compliance folders; never one walk per file.
//!
//! A change on a branch that a merge commit brought into the mainline inherits the merge's approvals
//! (trailers, notes, forge reviews): that is where a reviewer's approval is recorded. The merge commit
//! itself is not a change: its diff is the branch's commits'. [`approval`] judges whether an approval
//! counts. This stage is the only code that uses git2 (the binary only tunes it at start-up): the
//! walk in `walk`, tree comparison in `tree_diff`, commit assembly in `commits`, small operations in
//! `git`, and versions read out of the object database in [`snapshot`].

pub mod approval;
mod commits;
mod git;
mod judging;
pub mod report;
pub mod reviews;
mod rules;
mod signing;
pub mod snapshot;
pub mod trailers;
mod tree_diff;
mod walk;

use std::collections::BTreeMap;

pub use git::{
    HistoryError, NOTES_REF, commit_review, configure_libgit2, git_identity, head, init_repository,
    work_tree,
};
pub use walk::{ReadOptions, read};

/// A person as git or a forge names them.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum Who {
    /// `Name <email>`, from a commit signature or a trailer.
    Email {
        /// Display name.
        name: String,
        /// Email address.
        email: String,
    },
    /// A forge login, from a review record.
    Login(String),
    /// A reviewer the forge does not name (a merged pull request under required reviews).
    Unnamed,
}

impl std::fmt::Display for Who {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Who::Email { name, email } => write!(f, "{name} <{email}>"),
            Who::Login(login) => write!(f, "@{login}"),
            Who::Unnamed => f.write_str("an unnamed reviewer"),
        }
    }
}

/// Where an approval is recorded.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Source {
    /// An `Approved-by:` or `Reviewed-by:` trailer in a commit message.
    Trailer {
        /// The commit carrying it (the change itself or the merge that brought it in).
        commit: String,
    },
    /// The same trailer in a note under `refs/notes/crosswalk`.
    Note {
        /// The annotated commit.
        commit: String,
        /// Who wrote the note (the author of the notes commit that last changed it), when known.
        written_by: Option<Who>,
        /// The notes commit that wrote it, when known.
        note_commit: Option<String>,
    },
    /// An approving review of a pull request, imported with `--reviews`.
    Review {
        /// Pull request number.
        pull_request: u64,
    },
    /// A merged pull request on a branch protected by required reviews (opt-in; weaker evidence).
    MergedPullRequest {
        /// Pull request number.
        pull_request: u64,
    },
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Trailer { commit } => write!(f, "trailer in {}", short(commit)),
            Source::Note {
                commit,
                written_by: Some(writer),
                ..
            } => write!(f, "note on {} by {writer}", short(commit)),
            Source::Note { commit, .. } => write!(f, "note on {}", short(commit)),
            Source::Review { pull_request } => write!(f, "review of #{pull_request}"),
            Source::MergedPullRequest { pull_request } => write!(f, "merge of #{pull_request}"),
        }
    }
}

/// The first 10 characters of a commit id.
pub fn short(id: &str) -> &str {
    &id[..id.len().min(10)]
}

/// One recorded approval.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Approval {
    /// Who approved.
    pub who: Who,
    /// Where it is recorded.
    pub source: Source,
}

impl Approval {
    /// The commit whose signature vouches for it: the commit carrying the trailer, or the notes
    /// commit that wrote the note; none for forge records.
    pub fn carrier(&self) -> Option<&str> {
        match &self.source {
            Source::Trailer { commit } => Some(commit),
            Source::Note { note_commit, .. } => note_commit.as_deref(),
            Source::Review { .. } | Source::MergedPullRequest { .. } => None,
        }
    }
}

/// A commit that changed compliance files.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Commit {
    /// Full commit id.
    pub id: String,
    /// First line of the message.
    pub summary: String,
    /// Author.
    pub author: Who,
    /// Committer.
    pub committer: Who,
    /// The date the change reached the mainline (its merge's commit date, or its own), in the
    /// committer's time zone.
    pub date: jiff::civil::Date,
    /// Its own author date, as the author claims it.
    pub author_date: jiff::civil::Date,
    /// Its own committer date, as the committer claims it.
    pub committer_date: jiff::civil::Date,
    /// Whether its committer date is earlier than a parent's: dates are claims, and this one
    /// contradicts the history.
    pub dated_before_parent: bool,
    /// Whether it is a merge commit (its changes here are the ones no parent had).
    pub is_merge: bool,
    /// The merge commit that brought it into the mainline, if it was made on a branch.
    pub merged_by: Option<String>,
    /// The pull request it belongs to, when known.
    pub pull_request: Option<u64>,
    /// Every approval recorded for it, valid or not.
    pub approvals: Vec<Approval>,
    /// Ids named by `Crosswalk-Review:` trailers: documents reviewed with no content change.
    #[serde(skip)]
    pub reviewed_ids: Vec<String>,
}

impl Commit {
    /// A commit not yet made, by `author`, carrying one trailer approval by `approver`: what
    /// `crosswalk review` is about to write, judged before it is written.
    pub fn proposed(author: Who, approver: Who) -> Self {
        Commit {
            id: String::new(),
            summary: String::new(),
            committer: author.clone(),
            author,
            date: jiff::civil::Date::default(),
            author_date: jiff::civil::Date::default(),
            committer_date: jiff::civil::Date::default(),
            dated_before_parent: false,
            is_merge: false,
            merged_by: None,
            pull_request: None,
            approvals: vec![Approval {
                who: approver,
                source: Source::Trailer {
                    commit: String::new(),
                },
            }],
            reviewed_ids: Vec::new(),
        }
    }
}

/// What a change did to a file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum ChangeKind {
    /// Created.
    Added,
    /// Content changed.
    Modified,
    /// Removed.
    Deleted,
    /// Moved, perhaps with changes.
    Renamed {
        /// The previous path.
        from: String,
    },
    /// Reviewed with no content change (`crosswalk review`).
    Reviewed,
}

impl ChangeKind {
    /// Lower-case name.
    pub fn name(&self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Modified => "modified",
            ChangeKind::Deleted => "deleted",
            ChangeKind::Renamed { .. } => "renamed",
            ChangeKind::Reviewed => "reviewed",
        }
    }
}

/// `renamed from PATH` for a rename, else the name.
impl std::fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChangeKind::Renamed { from } => write!(f, "renamed from {from}"),
            other => f.write_str(other.name()),
        }
    }
}

/// One change to one file, judged by the repository as it stood before it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Change {
    /// Index into [`Trail::commits`].
    pub commit: usize,
    /// What happened.
    pub kind: ChangeKind,
    /// The file's path in that commit.
    pub path: String,
    /// Whether the change is in the judged window (not an ancestor of where the window starts, by
    /// the settings before the change).
    pub judged: bool,
    /// Who could approve it: the people the rules before the change allow (shared between the
    /// changes that have the same).
    pub allowed: std::sync::Arc<std::collections::BTreeSet<String>>,
    /// How its approvals count.
    #[serde(skip)]
    pub judgement: approval::Judgement,
}

/// The review trail of a repository.
#[derive(Clone, Debug, Default)]
pub struct Trail {
    /// HEAD's commit id, if there is one.
    pub head: Option<String>,
    /// Whether history is cut short (a shallow clone): evidence is then unknown, not absent.
    pub shallow: bool,
    /// Commits that changed compliance files, oldest first.
    pub commits: Vec<Commit>,
    /// Changes by the file's current path (or last path, for deleted files), oldest first.
    pub changes: BTreeMap<String, Vec<Change>>,
    /// Compliance files with uncommitted changes in the working tree.
    pub uncommitted: Vec<String>,
    /// Compliance files of the working tree that git ignores: checked, but never evidence.
    pub ignored: Vec<String>,
}

impl Trail {
    /// The changes of one file, by current path.
    pub fn of(&self, path: &str) -> &[Change] {
        self.changes.get(path).map_or(&[], Vec::as_slice)
    }
}
