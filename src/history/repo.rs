//! The one place that talks to git (git2): the revwalk, tree diffs, notes, status, and the review
//! commit that `crosswalk review` writes. Everything git2 gives is converted into our own types here.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};

use git2::{Delta, DiffFindOptions, DiffOptions, Oid, Repository, Sort, StatusOptions};

use super::reviews::Reviews;
use super::{Approval, Change, ChangeKind, Commit, Source, Trail, Who, trailers};

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

/// What to read.
pub struct ReadOptions<'a> {
    /// Directory prefixes (relative to the compliance root) whose files are compliance files; an
    /// empty prefix means every file.
    pub prefixes: Vec<String>,
    /// Forge review records, if imported.
    pub reviews: Option<&'a Reviews>,
    /// Whether a merged pull request counts as an approval by an unnamed reviewer.
    pub merged_pull_requests: bool,
}

/// A commit as the walk saw it.
struct Node {
    id: Oid,
    tree: Oid,
    parents: Vec<usize>,
    time: i64,
    offset_minutes: i32,
    author: Who,
    committer: Who,
    message: String,
}

/// Reads the review trail of the repository holding `root`.
pub fn read(root: &Path, options: &ReadOptions) -> Result<Trail, HistoryError> {
    let repo =
        Repository::discover(root).map_err(|_| HistoryError::NotARepository(root.to_path_buf()))?;
    let within = relative_root(&repo, root);
    let pathspecs: Vec<String> = options.prefixes.iter().map(|p| join(&within, p)).collect();
    let mut trail = Trail {
        shallow: repo.is_shallow(),
        uncommitted: uncommitted(&repo, &pathspecs, &within)?,
        ..Trail::default()
    };
    let head = match repo.head() {
        Ok(head) => head.peel_to_commit()?,
        Err(e)
            if e.code() == git2::ErrorCode::UnbornBranch
                || e.code() == git2::ErrorCode::NotFound =>
        {
            return Ok(trail);
        }
        Err(e) => return Err(e.into()),
    };
    trail.head = Some(head.id().to_string());
    let nodes = walk(&repo)?;
    let merged_by = merges(&nodes);
    let notes = notes(&repo)?;
    let scope = Scope {
        prefixes: pathspecs,
        within: within.clone(),
    };
    let context = Context {
        nodes: &nodes,
        merged_by: &merged_by,
        notes: &notes,
        options,
    };
    let mut changed = changed_files_of_all(&repo, &nodes, &scope)?;
    for (index, node) in nodes.iter().enumerate() {
        let files = std::mem::take(&mut changed[index]);
        let reviewed = match node.message.contains(trailers::REVIEW_KEY) {
            true => trailers::parse(&node.message).reviewed_ids,
            false => Vec::new(),
        };
        if files.is_empty() && reviewed.is_empty() {
            continue;
        }
        let commit_index = trail.commits.len();
        trail.commits.push(context.commit(index, reviewed));
        record(&mut trail, commit_index, files);
    }
    Ok(trail)
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
        // Map packs in 16 MiB windows, at most 48 MiB at a time (the defaults, 1 GiB windows
        // and an 8 GiB limit, keep a whole pack resident): same speed, far less memory.
        let _ = git2::opts::set_mwindow_size(16 * 1024 * 1024);
        let _ = git2::opts::set_mwindow_mapped_limit(48 * 1024 * 1024);
    }
}

/// Every commit reachable from HEAD, parents before children.
fn walk(repo: &Repository) -> Result<Vec<Node>, git2::Error> {
    let mut revwalk = repo.revwalk()?;
    revwalk.push_head()?;
    revwalk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE)?;
    let mut index: HashMap<Oid, usize> = HashMap::new();
    let mut nodes = Vec::new();
    for oid in revwalk {
        let oid = oid?;
        let commit = repo.find_commit(oid)?;
        // In a shallow clone a parent may be missing: it is simply not in the walk.
        let parents = commit
            .parent_ids()
            .filter_map(|p| index.get(&p).copied())
            .collect();
        index.insert(oid, nodes.len());
        nodes.push(Node {
            id: oid,
            tree: commit.tree_id(),
            parents,
            time: commit.committer().when().seconds(),
            offset_minutes: commit.committer().when().offset_minutes(),
            author: who(&commit.author()),
            committer: who(&commit.committer()),
            message: String::from_utf8_lossy(commit.message_bytes()).into_owned(),
        });
    }
    Ok(nodes)
}

pub(super) fn who(signature: &git2::Signature) -> Who {
    Who::Email {
        name: String::from_utf8_lossy(signature.name_bytes()).into_owned(),
        email: String::from_utf8_lossy(signature.email_bytes()).into_owned(),
    }
}

/// For each commit a merge brought into the mainline (HEAD's first-parent chain), that merge.
/// Each merge, oldest first, claims the commits reachable from its other parents that no earlier
/// merge claimed and that are not on the mainline: one pass over the graph in all.
fn merges(nodes: &[Node]) -> Vec<Option<usize>> {
    let mut mainline = HashSet::new();
    let mut current = nodes.len().checked_sub(1);
    while let Some(i) = current {
        mainline.insert(i);
        current = nodes[i].parents.first().copied();
    }
    let mut merged_by = vec![None; nodes.len()];
    let mut merge_indices: Vec<usize> = mainline
        .iter()
        .copied()
        .filter(|&i| nodes[i].parents.len() > 1)
        .collect();
    merge_indices.sort_unstable();
    for merge in merge_indices {
        let mut queue: VecDeque<usize> = nodes[merge].parents[1..].iter().copied().collect();
        while let Some(i) = queue.pop_front() {
            if mainline.contains(&i) || merged_by[i].is_some() {
                continue;
            }
            merged_by[i] = Some(merge);
            queue.extend(nodes[i].parents.iter().copied());
        }
    }
    merged_by
}

/// Notes under [`NOTES_REF`], by annotated commit.
fn notes(repo: &Repository) -> Result<HashMap<Oid, String>, git2::Error> {
    let mut notes = HashMap::new();
    let iterator = match repo.notes(Some(NOTES_REF)) {
        Ok(iterator) => iterator,
        Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(notes),
        Err(e) => return Err(e),
    };
    for entry in iterator {
        let (note, annotated) = entry?;
        let blob = repo.find_blob(note)?;
        notes.insert(
            annotated,
            String::from_utf8_lossy(blob.content()).into_owned(),
        );
    }
    Ok(notes)
}

/// A file a commit changed: its path, and what happened to it.
type FileChange = (String, ChangeKind);

/// How many commits a thread takes at a time: small enough that the threads stay in the same
/// stretch of history (they share libgit2's cache of pack delta bases), large enough to keep the
/// hand-over cheap.
const COMMITS_PER_BATCH: usize = 2;

/// The files each commit changed (none for merges), by node index. Reading and comparing trees is
/// almost all of the history pass, and commits are independent of each other, so the work is spread
/// over the available cores: each thread opens its own handle on the repository and takes batches
/// of consecutive commits from a shared counter.
fn changed_files_of_all(
    repo: &Repository,
    nodes: &[Node],
    scope: &Scope,
) -> Result<Vec<Vec<FileChange>>, git2::Error> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(nodes.len().div_ceil(COMMITS_PER_BATCH))
        .max(1);
    let next_batch = std::sync::atomic::AtomicUsize::new(0);
    let git_dir = repo.path();
    let batches: Vec<Vec<(usize, Vec<FileChange>)>> = std::thread::scope(|threads_scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                threads_scope.spawn(|| {
                    let repo = Repository::open(git_dir)?;
                    changed_files_of_batches(&repo, nodes, scope, &next_batch)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().expect("history worker panicked"))
            .collect::<Result<_, git2::Error>>()
    })?;
    let mut changed = vec![Vec::new(); nodes.len()];
    for (index, files) in batches.into_iter().flatten() {
        changed[index] = files;
    }
    Ok(changed)
}

/// One thread's share of [`changed_files_of_all`]: batches taken from `next_batch` until none are left.
fn changed_files_of_batches(
    repo: &Repository,
    nodes: &[Node],
    scope: &Scope,
    next_batch: &std::sync::atomic::AtomicUsize,
) -> Result<Vec<(usize, Vec<FileChange>)>, git2::Error> {
    let odb = repo.odb()?;
    let mut diff_options = DiffOptions::new();
    for spec in &scope.prefixes {
        diff_options.pathspec(spec);
    }
    let mut found = Vec::new();
    loop {
        let start =
            next_batch.fetch_add(1, std::sync::atomic::Ordering::Relaxed) * COMMITS_PER_BATCH;
        if start >= nodes.len() {
            return Ok(found);
        }
        for index in start..(start + COMMITS_PER_BATCH).min(nodes.len()) {
            let node = &nodes[index];
            if node.parents.len() > 1 {
                continue;
            }
            let files = changed_files(repo, &odb, nodes, node, &mut diff_options, scope)?;
            if !files.is_empty() {
                found.push((index, files));
            }
        }
    }
}

fn changed_files(
    repo: &Repository,
    odb: &git2::Odb,
    nodes: &[Node],
    node: &Node,
    diff_options: &mut DiffOptions,
    scope: &Scope,
) -> Result<Vec<FileChange>, git2::Error> {
    let parent_tree = node.parents.first().map(|&p| nodes[p].tree);
    let mut entries = Vec::new();
    compare_trees(odb, parent_tree, Some(node.tree), "", scope, &mut entries)?;
    for entry in &mut entries {
        entry.0 = strip(&scope.within, &entry.0);
    }
    let mut files = pair_exact_renames(entries);
    let unpaired = |kind: fn(&ChangeKind) -> bool| files.iter().any(|(_, k)| kind(k));
    if unpaired(|k| *k == ChangeKind::Added) && unpaired(|k| *k == ChangeKind::Deleted) {
        // Renamed and edited in one commit: let libgit2 judge similarity, for this commit only.
        let old = parent_tree.map(|id| repo.find_tree(id)).transpose()?;
        let new = repo.find_tree(node.tree)?;
        files = similar_renames(repo, old.as_ref(), &new, diff_options, scope)?;
    }
    Ok(files)
}

/// Which paths are compliance files: those under one of the prefixes (relative to the git work tree).
struct Scope {
    prefixes: Vec<String>,
    within: String,
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
fn is_within(path: &str, dir: &str) -> bool {
    path.strip_prefix(dir)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// A blob that differs between two trees: its path and its old and new ids.
type Entry = (String, Option<Oid>, Option<Oid>);

/// The blobs that differ between two trees, like git's own tree diff: the raw tree objects are
/// walked side by side in git's order, subtrees with the same id are skipped without being read, and
/// only directories that may hold compliance files are entered.
fn compare_trees(
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
enum RawKind {
    Tree,
    Blob,
    Submodule,
}

/// One entry of a raw tree object: `<octal mode> <name>\0<object id>`.
struct RawEntry<'a> {
    name: &'a [u8],
    id: &'a [u8],
    kind: RawKind,
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
const ID_LENGTH: usize = 20;

/// The first entry of raw tree bytes, `<octal mode> <name>\0<object id>`, and its length; `None` at
/// the end or on a malformed tail.
fn raw_entry(data: &[u8]) -> Option<(RawEntry<'_>, usize)> {
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
fn common_entries_length(a: &[u8], b: &[u8]) -> usize {
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
fn first_difference(a: &[u8], b: &[u8]) -> usize {
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
fn pair_exact_renames(entries: Vec<Entry>) -> Vec<FileChange> {
    let mut added: Vec<(String, Oid)> = Vec::new();
    let mut deleted: Vec<(String, Oid)> = Vec::new();
    let mut files = Vec::new();
    for (path, old, new) in entries {
        match (old, new) {
            (Some(_), Some(_)) => files.push((path, ChangeKind::Modified)),
            (None, Some(id)) => added.push((path, id)),
            (Some(id), None) => deleted.push((path, id)),
            (None, None) => {}
        }
    }
    for (path, id) in added {
        match deleted.iter().position(|(_, old)| *old == id) {
            Some(k) => {
                let (from, _) = deleted.remove(k);
                files.push((path, ChangeKind::Renamed { from }));
            }
            None => files.push((path, ChangeKind::Added)),
        }
    }
    files.extend(
        deleted
            .into_iter()
            .map(|(path, _)| (path, ChangeKind::Deleted)),
    );
    files
}

/// Changes with libgit2's similarity-based rename detection.
fn similar_renames(
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
    let mut files = Vec::new();
    for delta in diff.deltas() {
        let (Some(new), Some(old)) = (path_of(delta.new_file()), path_of(delta.old_file())) else {
            continue;
        };
        let change = match delta.status() {
            Delta::Added | Delta::Copied => (new, ChangeKind::Added),
            Delta::Deleted => (old, ChangeKind::Deleted),
            Delta::Renamed => (new, ChangeKind::Renamed { from: old }),
            _ => (new, ChangeKind::Modified),
        };
        files.push(change);
    }
    Ok(files)
}

/// Appends a commit's changes to the trails, moving a renamed file's trail to its new path.
fn record(trail: &mut Trail, commit: usize, files: Vec<FileChange>) {
    for (path, kind) in files {
        let mut changes = match &kind {
            ChangeKind::Renamed { from } => trail.changes.remove(from).unwrap_or_default(),
            _ => trail.changes.remove(&path).unwrap_or_default(),
        };
        changes.push(Change {
            commit,
            kind,
            path: path.clone(),
        });
        trail.changes.insert(path, changes);
    }
}

struct Context<'a> {
    nodes: &'a [Node],
    merged_by: &'a [Option<usize>],
    notes: &'a HashMap<Oid, String>,
    options: &'a ReadOptions<'a>,
}

impl Context<'_> {
    fn commit(&self, index: usize, reviewed_ids: Vec<String>) -> Commit {
        let node = &self.nodes[index];
        let merge = self.merged_by[index].map(|m| &self.nodes[m]);
        let landed = merge.unwrap_or(node);
        let mut approvals = self.approvals_recorded_on(node);
        let mut pull_request = trailers::pull_request(summary(&node.message));
        if let Some(merge) = merge {
            approvals.extend(self.approvals_recorded_on(merge));
            pull_request = pull_request.or_else(|| trailers::pull_request(summary(&merge.message)));
        }
        let pull_request = pull_request.or_else(|| self.review_of(landed).map(|pr| pr.number));
        if let Some(number) = pull_request.filter(|_| self.options.merged_pull_requests) {
            let merged = merge
                .is_some_and(|m| trailers::is_pull_request_merge(summary(&m.message)))
                || merge.is_none() && trailers::pull_request(summary(&node.message)).is_some();
            if merged {
                approvals.push(Approval {
                    who: Who::Unnamed,
                    source: Source::MergedPullRequest {
                        pull_request: number,
                    },
                });
            }
        }
        Commit {
            id: node.id.to_string(),
            summary: summary(&node.message).to_string(),
            author: node.author.clone(),
            committer: node.committer.clone(),
            date: civil_date(landed.time, landed.offset_minutes),
            merged_by: merge.map(|m| m.id.to_string()),
            pull_request,
            approvals,
            reviewed_ids,
        }
    }

    /// Trailers in the message and in the note of one commit, and imported reviews of it.
    fn approvals_recorded_on(&self, node: &Node) -> Vec<Approval> {
        let note = self.notes.get(&node.id).map(String::as_str);
        let mut approvals = recorded_approvals(&node.id.to_string(), &node.message, note);
        if let Some(pr) = self.review_of(node) {
            approvals.extend(pr.approved_by.iter().map(|login| Approval {
                who: Who::Login(login.clone()),
                source: Source::Review {
                    pull_request: pr.number,
                },
            }));
        }
        approvals
    }

    fn review_of(&self, node: &Node) -> Option<&super::reviews::PullRequest> {
        self.options.reviews?.get(&node.id.to_string())
    }
}

/// The approvals that a commit's message and its note under [`NOTES_REF`] record, as trailers.
pub(super) fn recorded_approvals(commit: &str, message: &str, note: Option<&str>) -> Vec<Approval> {
    let approval = |source: Source| {
        move |who| Approval {
            who,
            source: source.clone(),
        }
    };
    let mut approvals: Vec<Approval> = trailers::parse(message)
        .approvers
        .into_iter()
        .map(approval(Source::Trailer {
            commit: commit.to_string(),
        }))
        .collect();
    if let Some(note) = note {
        // A note is all trailers: give it a subject line so the last paragraph parses as trailers.
        let approvers = trailers::parse(&format!("note\n\n{}", note.trim())).approvers;
        approvals.extend(approvers.into_iter().map(approval(Source::Note {
            commit: commit.to_string(),
        })));
    }
    approvals
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

fn join(within: &str, prefix: &str) -> String {
    match (within.is_empty(), prefix.is_empty()) {
        (true, _) => prefix.to_string(),
        (false, true) => within.to_string(),
        (false, false) => format!("{within}/{prefix}"),
    }
}

pub(super) fn strip(within: &str, path: &str) -> String {
    if within.is_empty() {
        return path.to_string();
    }
    path.strip_prefix(within)
        .map_or(path, |p| p.trim_start_matches('/'))
        .to_string()
}

fn uncommitted(
    repo: &Repository,
    pathspecs: &[String],
    within: &str,
) -> Result<Vec<String>, git2::Error> {
    if repo.is_bare() {
        return Ok(Vec::new());
    }
    let mut options = StatusOptions::new();
    options
        .include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_ignored(false);
    for spec in pathspecs {
        options.pathspec(spec);
    }
    let statuses = repo.statuses(Some(&mut options))?;
    let mut paths: Vec<String> = statuses
        .iter()
        .filter(|entry| !entry.status().is_ignored())
        .filter_map(|entry| entry.path().ok().map(|p| strip(within, p)))
        .collect();
    paths.sort();
    Ok(paths)
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

/// HEAD's commit id and date, if `root` is in a git repository with commits.
pub fn head(root: &Path) -> Option<(String, jiff::civil::Date)> {
    let repo = Repository::discover(root).ok()?;
    let commit = repo.head().ok()?.peel_to_commit().ok()?;
    let when = commit.committer().when();
    Some((
        commit.id().to_string(),
        civil_date(when.seconds(), when.offset_minutes()),
    ))
}

/// Makes `dir` a git repository unless it already is in one; whether it made one.
pub fn init_repository(dir: &Path) -> Result<bool, HistoryError> {
    if Repository::discover(dir).is_ok() {
        return Ok(false);
    }
    Repository::init(dir)?;
    Ok(true)
}

/// The identity git would commit as here (`user.name`, `user.email`).
pub fn git_identity(root: &Path) -> Result<Who, HistoryError> {
    let repo =
        Repository::discover(root).map_err(|_| HistoryError::NotARepository(root.to_path_buf()))?;
    Ok(who(&repo.signature()?))
}

/// Commits a review of documents with no content change: HEAD's tree, a message naming the
/// documents in `Crosswalk-Review:` and the approver in `Approved-by:`. Returns the commit id.
pub fn commit_review(
    root: &Path,
    subject: &str,
    ids: &[&str],
    approver: &Who,
) -> Result<String, HistoryError> {
    let repo =
        Repository::discover(root).map_err(|_| HistoryError::NotARepository(root.to_path_buf()))?;
    let head = repo.head()?.peel_to_commit()?;
    let signature = repo.signature()?;
    let message = format!(
        "{subject}\n\nReviewed with no content change.\n\n{}: {}\nApproved-by: {approver}\n",
        trailers::REVIEW_KEY,
        ids.join(", ")
    );
    let id = repo.commit(
        Some("HEAD"),
        &signature,
        &signature,
        &message,
        &head.tree()?,
        &[&head],
    )?;
    Ok(id.to_string())
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
