//! Who may approve a change to each file: the one place this rule lives.
//!
//! - a policy: its owner and approvers;
//! - a control: its owner and approvers, and its policy's owner and approvers;
//! - an evidence record and its attachments: whoever may approve one of the controls it proves;
//! - a risk: its owner and approvers;
//! - anything else in the compliance folders (`crosswalk.toml`, catalogs, crosswalks, templates, the
//!   allowed-signers file): the owners and approvers of the policies, that is, management.
//!
//! A change is judged by the repository as it stood before it (its first parent), so that no change
//! can name its own approvers: the rule reads a [`Library`], which the model gives for the working
//! tree and the history stage gives for any commit. A document the change creates is approved by
//! whoever may approve what it hangs from as it stood before: a new control by its policy's
//! people, a new evidence record by its controls', anything else by management.

use std::collections::BTreeSet;

use super::{Model, Text};
use crate::load::Kind;

/// What the approval rule needs to know of one document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    /// Its kind (policy, control, evidence or risk).
    pub kind: Option<Kind>,
    /// Its id.
    pub id: String,
    /// Its owner (a person key).
    pub owner: Option<String>,
    /// Its approvers (person keys).
    pub approvers: Vec<String>,
    /// A control's policy.
    pub policy: Option<String>,
    /// The controls an evidence record proves or a risk is treated by.
    pub controls: Vec<String>,
}

impl Facts {
    fn owners(&self) -> BTreeSet<String> {
        self.owner.iter().chain(&self.approvers).cloned().collect()
    }
}

/// One version of the repository's documents, as the approval rule reads them.
pub trait Library {
    /// The document at `path` (relative to the compliance root).
    fn at(&self, path: &str) -> Option<Facts>;
    /// The policy or control with this id.
    fn by_id(&self, kind: Kind, id: &str) -> Option<Facts>;
    /// The evidence record that lists an attachment at `path`.
    fn record_of_attachment(&self, path: &str) -> Option<Facts>;
    /// Every policy.
    fn policies(&self) -> Vec<Facts>;
}

/// The people who may approve a change to the file at `path`, judged by `before`, the repository as
/// it stood before the change; `created` is the document as the change writes it, when the change
/// creates it.
pub fn who_may_approve(
    before: &impl Library,
    path: &str,
    created: Option<&Facts>,
) -> BTreeSet<String> {
    if let Some(document) = before.at(path) {
        return of_document(before, &document);
    }
    if let Some(record) = before.record_of_attachment(path) {
        return of_document(before, &record);
    }
    match created {
        Some(new) if new.kind == Some(Kind::Control) => {
            let policy = new
                .policy
                .as_deref()
                .and_then(|p| before.by_id(Kind::Policy, p));
            policy.map_or_else(|| management(before), |p| p.owners())
        }
        Some(new) if new.kind == Some(Kind::Evidence) => {
            let allowed = of_controls(before, &new.controls);
            if allowed.is_empty() {
                management(before)
            } else {
                allowed
            }
        }
        _ => management(before),
    }
}

fn of_document(library: &impl Library, document: &Facts) -> BTreeSet<String> {
    match document.kind {
        Some(Kind::Control) => of_control(library, document),
        Some(Kind::Evidence) => of_controls(library, &document.controls),
        _ => document.owners(),
    }
}

fn of_controls(library: &impl Library, controls: &[String]) -> BTreeSet<String> {
    controls
        .iter()
        .filter_map(|id| library.by_id(Kind::Control, id))
        .flat_map(|control| of_control(library, &control))
        .collect()
}

fn of_control(library: &impl Library, control: &Facts) -> BTreeSet<String> {
    let mut allowed = control.owners();
    if let Some(policy) = control
        .policy
        .as_deref()
        .and_then(|p| library.by_id(Kind::Policy, p))
    {
        allowed.extend(policy.owners());
    }
    allowed
}

/// The owners and approvers of every policy.
pub fn management(library: &impl Library) -> BTreeSet<String> {
    library.policies().iter().flat_map(Facts::owners).collect()
}

/// Who may approve changes to each file of the model, as it is now.
pub struct Approvers<'a> {
    model: &'a Model,
}

impl<'a> Approvers<'a> {
    /// Reads the model.
    pub fn new(model: &'a Model) -> Self {
        Approvers { model }
    }

    /// The people who may approve a change to the file at `path` (relative to the root).
    pub fn of(&self, path: &str) -> BTreeSet<String> {
        who_may_approve(self.model, path, None)
    }
}

fn keys(people: &[Text]) -> Vec<String> {
    people.iter().map(|k| k.get_ref().clone()).collect()
}

fn facts(kind: Kind, id: &Text, owner: Option<&Text>, approvers: &[Text]) -> Facts {
    Facts {
        kind: Some(kind),
        id: id.get_ref().clone(),
        owner: owner.map(|o| o.get_ref().clone()),
        approvers: keys(approvers),
        ..Facts::default()
    }
}

impl Library for Model {
    fn at(&self, path: &str) -> Option<Facts> {
        if let Some(p) = self.policies.iter().find(|d| d.path == path) {
            return Some(facts(
                Kind::Policy,
                &p.data.id,
                Some(&p.data.owner),
                p.data.approvers.get_ref(),
            ));
        }
        if let Some(c) = self.controls.iter().find(|d| d.path == path) {
            return self.by_id(Kind::Control, c.data.id.get_ref());
        }
        if let Some(r) = self.risks.iter().find(|d| d.path == path) {
            return Some(facts(
                Kind::Risk,
                &r.data.id,
                Some(&r.data.owner),
                r.data.approvers.get_ref(),
            ));
        }
        if let Some(n) = self.nonconformities.iter().find(|d| d.path == path) {
            return Some(facts(
                Kind::Nonconformity,
                &n.data.id,
                Some(&n.data.owner),
                n.data.approvers.get_ref(),
            ));
        }
        let record = self.evidence.iter().find(|d| d.path == path)?;
        Some(Facts {
            controls: keys(&record.data.controls),
            ..facts(Kind::Evidence, &record.data.id, None, &[])
        })
    }

    fn by_id(&self, kind: Kind, id: &str) -> Option<Facts> {
        match kind {
            Kind::Policy => self.policy(id).map(|p| {
                facts(
                    Kind::Policy,
                    &p.data.id,
                    Some(&p.data.owner),
                    p.data.approvers.get_ref(),
                )
            }),
            Kind::Control => self.control(id).map(|c| Facts {
                policy: Some(c.data.policy.get_ref().clone()),
                ..facts(
                    Kind::Control,
                    &c.data.id,
                    Some(&c.data.owner),
                    c.data.approvers.get_ref(),
                )
            }),
            _ => None,
        }
    }

    fn record_of_attachment(&self, path: &str) -> Option<Facts> {
        let record = self.evidence.iter().find(|d| {
            d.data.attachments.iter().any(|a| {
                crate::model::attachment_path(&d.path, a.path.get_ref()).as_deref() == Some(path)
            })
        })?;
        self.at(&record.path)
    }

    fn policies(&self) -> Vec<Facts> {
        self.policies
            .iter()
            .map(|p| {
                facts(
                    Kind::Policy,
                    &p.data.id,
                    Some(&p.data.owner),
                    p.data.approvers.get_ref(),
                )
            })
            .collect()
    }
}
