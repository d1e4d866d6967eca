//! The history pass: one revwalk over every commit reachable from HEAD (parents before children),
//! the merges that brought branch commits into the mainline, and the tree comparisons of all
//! commits spread over the cores in small batches.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::Path;

use git2::{DiffOptions, Oid, Repository, Sort};

use super::commits::Context;
use super::git::{HistoryError, notes, relative_root, strip, uncommitted, who};
use super::judging::Judging;
use super::reviews::Reviews;
use super::rules::Rules;
use super::tree_diff::{FileChange, Scope, compare_trees, pair_exact_renames, similar_renames};
use super::{ChangeKind, Trail, Who};

/// What to read.
pub struct ReadOptions<'a> {
    /// Forge review records, if imported.
    pub reviews: Option<&'a Reviews>,
    /// Where each document is now, by id (from the working tree): where a document named by id is
    /// looked for first in an older version.
    pub hint: HashMap<String, String>,
    /// Read the history as it stood at this commit (full id) instead of HEAD: only its ancestors,
    /// its own `crosswalk.toml`, and no working tree (`--at REV`).
    pub tip: Option<String>,
}

/// A commit as the walk saw it.
pub(super) struct Node {
    pub(super) id: Oid,
    pub(super) tree: Oid,
    pub(super) parents: Vec<usize>,
    pub(super) time: i64,
    pub(super) offset_minutes: i32,
    pub(super) author_time: i64,
    pub(super) author_offset_minutes: i32,
    pub(super) author: Who,
    pub(super) committer: Who,
    pub(super) message: String,
}

/// Reads the review trail of the repository holding `root`: every commit reachable from HEAD, each
/// change to a compliance file judged by the repository as it stood before it (see [`Judging`]).
pub fn read(root: &Path, options: &ReadOptions) -> Result<Trail, HistoryError> {
    let repo =
        Repository::discover(root).map_err(|_| HistoryError::NotARepository(root.to_path_buf()))?;
    let within = relative_root(&repo, root);
    let mut trail = Trail {
        shallow: repo.is_shallow(),
        ..Trail::default()
    };
    let head = match &options.tip {
        Some(tip) => Some(repo.find_commit(Oid::from_str(tip)?)?),
        None => match repo.head() {
            Ok(head) => Some(head.peel_to_commit()?),
            Err(e)
                if e.code() == git2::ErrorCode::UnbornBranch
                    || e.code() == git2::ErrorCode::NotFound =>
            {
                None
            }
            Err(e) => return Err(e.into()),
        },
    };
    // At a past commit the working tree is not what is read: nothing is uncommitted.
    if options.tip.is_none() {
        let working_rules = std::fs::read_to_string(root.join(crate::load::CONFIG_FILE))
            .ok()
            .and_then(|text| Rules::of(&text));
        (trail.uncommitted, trail.ignored) = uncommitted(&repo, &within, working_rules.as_ref())?;
    }
    let Some(head) = head else {
        return Ok(trail);
    };
    trail.head = Some(head.id().to_string());
    let nodes = walk(&repo, head.id())?;
    let merged_by = merges(&nodes);
    let landed = landing_times(&nodes, &merged_by);
    let notes = notes(&repo)?;
    let scope = Scope {
        prefixes: vec![within.clone()],
        within: within.clone(),
    };
    let changed = changed_files_of_all(&repo, &nodes, &scope)?;
    let context = Context {
        nodes: &nodes,
        merged_by: &merged_by,
        landed: &landed,
        notes: &notes,
        options,
    };
    Judging::new(&repo, &nodes, &context, &within, head.tree_id()).run(changed, &mut trail)?;
    Ok(trail)
}

/// Every commit reachable from `tip` (HEAD, or the commit read `--at`), parents before children:
/// the tip is the last.
pub(super) fn walk(repo: &Repository, tip: Oid) -> Result<Vec<Node>, git2::Error> {
    let mut revwalk = repo.revwalk()?;
    revwalk.push(tip)?;
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
            author_time: commit.author().when().seconds(),
            author_offset_minutes: commit.author().when().offset_minutes(),
            author: who(&commit.author()),
            committer: who(&commit.committer()),
            message: String::from_utf8_lossy(commit.message_bytes()).into_owned(),
        });
    }
    Ok(nodes)
}

/// When each commit reached the mainline (HEAD's first-parent chain), as a committer time that
/// never goes back along the mainline: a mainline commit dated before its parent landed when its
/// parent did at the earliest (dates are claims; the order is not). A branch commit landed with the
/// merge that brought it in.
pub(super) fn landing_times(nodes: &[Node], merged_by: &[Option<usize>]) -> Vec<(i64, i32)> {
    let mut mainline = Vec::new();
    let mut current = nodes.len().checked_sub(1);
    while let Some(i) = current {
        mainline.push(i);
        current = nodes[i].parents.first().copied();
    }
    let mut landed: Vec<(i64, i32)> = nodes.iter().map(|n| (n.time, n.offset_minutes)).collect();
    let mut latest: Option<(i64, i32)> = None;
    for &i in mainline.iter().rev() {
        let own = (nodes[i].time, nodes[i].offset_minutes);
        let time = match latest {
            Some(before) if before.0 > own.0 => before,
            _ => own,
        };
        landed[i] = time;
        latest = Some(time);
    }
    for (i, merge) in merged_by.iter().enumerate() {
        if let Some(m) = merge {
            landed[i] = landed[*m];
        }
    }
    landed
}

/// For each commit a merge brought into the mainline (HEAD's first-parent chain), that merge.
/// Each merge, oldest first, claims the commits reachable from its other parents that no earlier
/// merge claimed and that are not on the mainline: one pass over the graph in all.
pub(super) fn merges(nodes: &[Node]) -> Vec<Option<usize>> {
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

/// How many commits a thread takes at a time: small enough that the threads stay in the same
/// stretch of history (they share libgit2's cache of pack delta bases), large enough to keep the
/// hand-over cheap.
pub(super) const COMMITS_PER_BATCH: usize = 2;

/// The files each commit changed against its first parent (a merge's include what its branch
/// brought), by node index. Reading and comparing trees is
/// almost all of the history pass, and commits are independent of each other, so the work is spread
/// over the available cores: each thread opens its own handle on the repository and takes batches
/// of consecutive commits from a shared counter.
pub(super) fn changed_files_of_all(
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
pub(super) fn changed_files_of_batches(
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
            let files = changed_files(repo, &odb, nodes, node, &mut diff_options, scope)?;
            if !files.is_empty() {
                found.push((index, files));
            }
        }
    }
}

pub(super) fn changed_files(
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
    let unpaired = |kind: fn(&ChangeKind) -> bool| files.iter().any(|f| kind(&f.kind));
    let merge = node.parents.len() > 1;
    if !merge && unpaired(|k| *k == ChangeKind::Added) && unpaired(|k| *k == ChangeKind::Deleted) {
        // Renamed and edited in one commit: let libgit2 judge similarity, for this commit only.
        let old = parent_tree.map(|id| repo.find_tree(id)).transpose()?;
        let new = repo.find_tree(node.tree)?;
        files = similar_renames(repo, old.as_ref(), &new, diff_options, scope)?;
    }
    Ok(files)
}
