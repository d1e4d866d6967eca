//! Who may approve a change to each file: the one place this rule lives.
//!
//! - a policy: its owner and approvers;
//! - a control: its owner and approvers, and its policy's owner and approvers;
//! - an evidence record and its attachments: whoever may approve one of the controls it proves;
//! - a risk: its owner and approvers;
//! - anything else in the compliance folders (`crosswalk.toml`, catalogs, deleted documents): the
//!   owners and approvers of the policies, that is, management.

use std::collections::BTreeSet;

use super::{Model, Text};

/// Who may approve changes to each file of the model.
pub struct Approvers<'a> {
    model: &'a Model,
    management: BTreeSet<String>,
}

impl<'a> Approvers<'a> {
    /// Indexes the model.
    pub fn new(model: &'a Model) -> Self {
        let management = model
            .policies
            .iter()
            .flat_map(|p| std::iter::once(&p.data.owner).chain(&p.data.approvers))
            .map(|k| k.get_ref().clone())
            .collect();
        Approvers { model, management }
    }

    /// The people who may approve a change to the file at `path` (relative to the root).
    pub fn of(&self, path: &str) -> BTreeSet<String> {
        let model = self.model;
        if let Some(p) = model.policies.iter().find(|d| d.path == path) {
            return keys([&p.data.owner].into_iter().chain(&p.data.approvers));
        }
        if let Some(c) = model.controls.iter().find(|d| d.path == path) {
            return self.of_control(c.data.id.get_ref());
        }
        if let Some(r) = model.risks.iter().find(|d| d.path == path) {
            return keys([&r.data.owner].into_iter().chain(&r.data.approvers));
        }
        let record = model
            .evidence
            .iter()
            .find(|d| d.path == path || is_attachment_of(&d.path, &d.data.attachments, path));
        if let Some(e) = record {
            return e
                .data
                .controls
                .iter()
                .flat_map(|c| self.of_control(c.get_ref()))
                .collect();
        }
        self.management.clone()
    }

    fn of_control(&self, id: &str) -> BTreeSet<String> {
        let Some(control) = self.model.control(id) else {
            return BTreeSet::new();
        };
        let mut allowed = keys(
            [&control.data.owner]
                .into_iter()
                .chain(&control.data.approvers),
        );
        if let Some(policy) = self.model.policy(control.data.policy.get_ref()) {
            allowed.extend(keys(
                [&policy.data.owner]
                    .into_iter()
                    .chain(&policy.data.approvers),
            ));
        }
        allowed
    }
}

fn keys<'k>(people: impl Iterator<Item = &'k Text>) -> BTreeSet<String> {
    people.map(|k| k.get_ref().clone()).collect()
}

fn is_attachment_of(record: &str, attachments: &[crate::model::Attachment], path: &str) -> bool {
    attachments
        .iter()
        .any(|a| crate::model::attachment_path(record, a.path.get_ref()).as_deref() == Some(path))
}
