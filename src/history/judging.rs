//! Judging every change by the repository as it stood before it.
//!
//! The walk gives each commit's file changes against its first parent. This pass goes through the
//! commits parents-first, keeping the files of each version (path → blob) only while a child still
//! needs them, and judges each change to a compliance file by its first parent's rules:
//! - **no change exempts itself**: the people, approvers, layout, judged window, merged-pull-request
//!   setting and allowed signers come from the version before the change; the commit that adopts
//!   crosswalk (no valid `crosswalk.toml` before it) is judged by its own;
//! - **topology, not dates**: the judged window starts at the first mainline commit dated on or after
//!   the window's first day, and every commit that is not an ancestor of the commit before it is
//!   judged, whatever its own date says;
//! - **merges are changes**: a merge's own changes (a path whose content differs from every parent)
//!   are judged like any commit's;
//! - **signed mode**: an approval counts only when its carrying commit is signed by a key the
//!   allowed-signers file (as it was before the change) lists for the approver.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;

use git2::{Oid, Repository};
use ssh_key::PublicKey;

use super::approval::{Judgement, judge};
use super::commits::{Context, record_change};
use super::git::{HistoryError, civil_date};
use super::rules::{Blobs, Files, Rules, Version};
use super::signing::{AllowedSigners, signing_key};
use super::tree_diff::FileChange;
use super::walk::Node;
use super::{Approval, Change, ChangeKind, Commit, Trail};
use crate::load::{CONFIG_FILE, Kind};
use crate::model::approvers::{Facts, Library, who_may_approve};

/// The judging pass over a walked history.
pub(super) struct Judging<'a> {
    repo: &'a Repository,
    nodes: &'a [Node],
    context: &'a Context<'a>,
    within: &'a str,
    blobs: Blobs<'a>,
    /// Per window start, which commits are before the window (ancestors of its boundary).
    before_window: HashMap<jiff::civil::Date, Rc<Vec<bool>>>,
    /// The key that validly signed each commit, once checked.
    keys: std::cell::RefCell<HashMap<Oid, Option<PublicKey>>>,
    /// Who is who: `[people]` as HEAD has it, when it reads. An identity is a fact about an
    /// address, which an approved change may correct (adding an address someone committed with);
    /// the rights to approve, the window and the layout are the rules, and those are always read
    /// from before each change.
    identities: Option<Rc<Rules>>,
    /// Earlier names of renamed files: new path → previous paths.
    aliases: HashMap<String, Vec<String>>,
    /// Each distinct set of approvers once, shared by the changes that have it.
    approver_sets: HashMap<BTreeSet<String>, Arc<BTreeSet<String>>>,
}

impl<'a> Judging<'a> {
    pub(super) fn new(
        repo: &'a Repository,
        nodes: &'a [Node],
        context: &'a Context<'a>,
        within: &'a str,
        head_tree: Oid,
    ) -> Self {
        let blobs = Blobs::new(repo);
        let config = repo.find_tree(head_tree).ok().and_then(|tree| {
            let path = match within.is_empty() {
                true => CONFIG_FILE.to_string(),
                false => format!("{within}/{CONFIG_FILE}"),
            };
            tree.get_path(Path::new(&path)).ok().map(|e| e.id())
        });
        let identities = config.and_then(|id| blobs.rules(id));
        Judging {
            aliases: HashMap::new(),
            approver_sets: HashMap::new(),
            identities,
            repo,
            nodes,
            context,
            within,
            blobs,
            before_window: HashMap::new(),
            keys: Default::default(),
        }
    }

    /// Judges every commit's changes into `trail`.
    pub(super) fn run(
        mut self,
        mut changed: Vec<Vec<FileChange>>,
        trail: &mut Trail,
    ) -> Result<(), HistoryError> {
        let nodes = self.nodes;
        let mut children = vec![0usize; nodes.len()];
        for node in nodes {
            if let Some(&p) = node.parents.first() {
                children[p] += 1;
            }
        }
        for change in changed.iter().flatten() {
            if let ChangeKind::Renamed { from } = &change.kind {
                let earlier = self.aliases.entry(change.path.clone()).or_default();
                if !earlier.contains(from) {
                    earlier.push(from.clone());
                }
            }
        }
        let mut states: Vec<Option<Files>> = vec![None; nodes.len()];
        // The rules in force at each version: its own `crosswalk.toml`, or, when that does not
        // read, the last one that did on its first-parent line (a broken config must not make the
        // next change "the adoption", judged by its own rules).
        let mut in_force: Vec<Option<Rc<Rules>>> = vec![None; nodes.len()];
        let empty = Files::new();
        for index in 0..nodes.len() {
            let changes = std::mem::take(&mut changed[index]);
            let parent = nodes[index].parents.first().copied();
            let before = parent.and_then(|p| states[p].as_ref()).unwrap_or(&empty);
            let prior = parent.and_then(|p| in_force[p].clone());
            let own = self.judge_commit(index, before, prior.clone(), &changes, trail)?;
            let mut after = match parent {
                Some(p) => {
                    children[p] -= 1;
                    match children[p] {
                        0 => states[p].take().unwrap_or_default(),
                        _ => states[p].clone().unwrap_or_default(),
                    }
                }
                None => Files::new(),
            };
            apply(&mut after, &changes);
            if children[index] > 0 {
                states[index] = Some(after);
                in_force[index] = own.or(prior);
            }
        }
        Ok(())
    }

    /// Judges one commit by `prior`, the rules in force before it; gives the rules its own
    /// version's `crosswalk.toml` declares, if that reads.
    fn judge_commit(
        &mut self,
        index: usize,
        before: &Files,
        prior: Option<Rc<Rules>>,
        changes: &[FileChange],
        trail: &mut Trail,
    ) -> Result<Option<Rc<Rules>>, HistoryError> {
        let node = &self.nodes[index];
        let own_config = match changes.iter().find(|c| c.path == CONFIG_FILE) {
            Some(change) => change.new,
            None => before.get(CONFIG_FILE).copied(),
        };
        let declared = own_config.and_then(|id| self.blobs.rules(id));
        // The commit that adopts crosswalk has nothing before it to be judged by: its own rules and
        // files judge it (SECURITY.md says what that means for the adoption commit).
        let adopting = prior.is_none();
        let Some(rules) = prior.or_else(|| declared.clone()) else {
            return Ok(declared);
        };
        let adopted;
        let files = match adopting {
            true => {
                adopted = {
                    let mut files = before.clone();
                    apply(&mut files, changes);
                    files
                };
                &adopted
            }
            false => before,
        };
        let own: Vec<&FileChange> = match node.parents.len() > 1 {
            true => self.merge_own_changes(node, changes)?,
            false => changes.iter().collect(),
        };
        let population: Vec<&FileChange> = own
            .into_iter()
            .filter(|c| rules.judges(&c.path) || renamed_from(c).is_some_and(|f| rules.judges(f)))
            .collect();
        let commit = self.context.commit(index, Some(&rules));
        if population.is_empty() && commit.reviewed_ids.is_empty() {
            return Ok(declared);
        }
        let judged = self.in_window(index, rules.window_start);
        let hint = &self.context.options.hint;
        let version = Version {
            files,
            rules: &rules,
            blobs: &self.blobs,
            hint,
            aliases: &self.aliases,
        };
        let signers = rules
            .allowed_signers
            .as_deref()
            .map(|path| match files.get(path) {
                Some(id) => self.blobs.signers(*id),
                None => Rc::new(AllowedSigners::default()),
            });
        let commit_index = trail.commits.len();
        let mut recorded = Vec::new();
        for change in &population {
            let created = match change.old {
                None => change.new.and_then(|id| {
                    let kind = rules.matcher.kind_of(&change.path)?;
                    Some(self.blobs.document(id, kind)?.facts.clone())
                }),
                Some(_) => None,
            };
            let looked_up = renamed_from(change).unwrap_or(&change.path);
            let allowed = who_may_approve(&version, looked_up, created.as_ref());
            let judgement = self.judge(&commit, &allowed, &rules, signers.as_deref());
            let allowed = shared(&mut self.approver_sets, allowed);
            recorded.push(Change {
                commit: commit_index,
                kind: change.kind.clone(),
                path: change.path.clone(),
                judged,
                allowed,
                judgement,
            });
        }
        for id in &commit.reviewed_ids {
            let Some(path) = path_of(&version, hint, id) else {
                continue;
            };
            let allowed = who_may_approve(&version, &path, None);
            let judgement = self.judge(&commit, &allowed, &rules, signers.as_deref());
            let allowed = shared(&mut self.approver_sets, allowed);
            recorded.push(Change {
                commit: commit_index,
                kind: ChangeKind::Reviewed,
                path,
                judged,
                allowed,
                judgement,
            });
        }
        trail.commits.push(commit);
        for change in recorded {
            record_change(trail, change);
        }
        Ok(declared)
    }

    fn judge(
        &self,
        commit: &Commit,
        allowed: &std::collections::BTreeSet<String>,
        rules: &Rules,
        signers: Option<&AllowedSigners>,
    ) -> Judgement {
        let people = match &self.identities {
            Some(head) => &head.people,
            None => &rules.people,
        };
        let Some(signers) = signers else {
            return judge(commit, allowed, people, None);
        };
        let vouch = |approval: &Approval, person: &str| {
            let Some(carrier) = approval.carrier().and_then(|c| Oid::from_str(c).ok()) else {
                return false;
            };
            let key = self
                .keys
                .borrow_mut()
                .entry(carrier)
                .or_insert_with(|| signing_key(self.repo, carrier))
                .clone();
            key.is_some_and(|key| signers.lists(&key, &people.emails_of(person)))
        };
        judge(commit, allowed, people, Some(&vouch))
    }

    /// A merge's own changes: the paths whose content differs from every parent's.
    fn merge_own_changes<'c>(
        &self,
        node: &Node,
        changes: &'c [FileChange],
    ) -> Result<Vec<&'c FileChange>, HistoryError> {
        let others: Vec<git2::Tree> = node.parents[1..]
            .iter()
            .map(|&p| self.repo.find_tree(self.nodes[p].tree))
            .collect::<Result<_, _>>()?;
        let full = |path: &str| match self.within.is_empty() {
            true => path.to_string(),
            false => format!("{}/{path}", self.within),
        };
        Ok(changes
            .iter()
            .filter(|change| {
                others.iter().all(|tree| {
                    let there = tree.get_path(Path::new(&full(&change.path))).ok();
                    there.map(|e| e.id()) != change.new
                })
            })
            .collect())
    }

    /// Whether commit `index` is in the window that starts on `start`: not an ancestor of the
    /// mainline commit before the first mainline commit dated on or after `start`.
    fn in_window(&mut self, index: usize, start: Option<jiff::civil::Date>) -> bool {
        let Some(start) = start else { return true };
        let nodes = self.nodes;
        let before = self.before_window.entry(start).or_insert_with(|| {
            let mut mainline = Vec::new();
            let mut current = nodes.len().checked_sub(1);
            while let Some(i) = current {
                mainline.push(i);
                current = nodes[i].parents.first().copied();
            }
            mainline.reverse();
            let first = mainline
                .iter()
                .position(|&i| civil_date(nodes[i].time, nodes[i].offset_minutes) >= start);
            let mut excluded = vec![false; nodes.len()];
            let boundary = match first {
                Some(0) => None,
                Some(k) => Some(mainline[k - 1]),
                None => mainline.last().copied(),
            };
            let mut stack: Vec<usize> = boundary.into_iter().collect();
            while let Some(i) = stack.pop() {
                if !std::mem::replace(&mut excluded[i], true) {
                    stack.extend(nodes[i].parents.iter().copied());
                }
            }
            Rc::new(excluded)
        });
        !before[index]
    }
}

/// The shared copy of a set of approvers.
fn shared(
    sets: &mut HashMap<BTreeSet<String>, Arc<BTreeSet<String>>>,
    set: BTreeSet<String>,
) -> Arc<BTreeSet<String>> {
    sets.entry(set.clone())
        .or_insert_with(|| Arc::new(set))
        .clone()
}

fn renamed_from(change: &FileChange) -> Option<&str> {
    match &change.kind {
        ChangeKind::Renamed { from } => Some(from),
        _ => None,
    }
}

/// Applies a commit's changes to a version's files.
fn apply(files: &mut Files, changes: &[FileChange]) {
    for change in changes {
        if let Some(from) = renamed_from(change) {
            files.remove(from);
        }
        match change.new {
            Some(id) => {
                files.insert(Rc::from(change.path.as_str()), id);
            }
            None => {
                files.remove(change.path.as_str());
            }
        }
    }
}

/// Where the document with this id is in a version: where it is now, if it had the id there too,
/// else wherever a policy, control, evidence record or risk has it.
fn path_of(version: &Version, hint: &HashMap<String, String>, id: &str) -> Option<String> {
    if let Some(path) = hint.get(id) {
        if version.at(path).is_some_and(|f: Facts| f.id == id) {
            return Some(path.clone());
        }
    }
    let mut paths: Vec<&Rc<str>> = version.files.keys().collect();
    paths.sort();
    paths
        .into_iter()
        .find(|p| {
            version
                .rules
                .matcher
                .kind_of(p)
                .is_some_and(|k| Kind::DOCUMENTS.contains(&k))
                && version.at(p).is_some_and(|f| f.id == id)
        })
        .map(|p| p.to_string())
}
