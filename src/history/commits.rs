//! Commit assembly: each changing commit of the walk as a [`Commit`] with its approvals (trailers,
//! notes, forge reviews, merged pull requests) and its changes recorded in the trail.

use std::collections::HashMap;

use git2::Oid;

use super::git::{civil_date, summary};
use super::tree_diff::FileChange;
use super::walk::{Node, ReadOptions};
use super::{Approval, Change, ChangeKind, Commit, Source, Trail, Who, trailers};

/// Appends a commit's changes to the trails, moving a renamed file's trail to its new path.
pub(super) fn record(trail: &mut Trail, commit: usize, files: Vec<FileChange>) {
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

pub(super) struct Context<'a> {
    pub(super) nodes: &'a [Node],
    pub(super) merged_by: &'a [Option<usize>],
    pub(super) notes: &'a HashMap<Oid, String>,
    pub(super) options: &'a ReadOptions<'a>,
}

impl Context<'_> {
    pub(super) fn commit(&self, index: usize, reviewed_ids: Vec<String>) -> Commit {
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
