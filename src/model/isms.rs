//! The mandatory documented information of ISO/IEC 27001:2022: the built-in checklist, and which
//! documents of the repository meet each item. The one place this is decided; `check` (CW077),
//! `gaps` and the site ask here.
//!
//! An item is met by a policy that claims its clause, or an evidence record of a control that
//! claims it and is not only planned (a claim of the clause itself or of a clause above it:
//! claiming 6.1.3 covers 6.1.3 d). An item that is a record of what was done (evidence of
//! competence, operational records, results, the audit programme and results, management reviews,
//! nonconformities) is met by evidence only: a policy saying it will be done is not the record. Three items are also met by what the repository keeps as such: the results of the risk
//! assessment and of the risk treatment (8.2, 8.3) by a risk register with at least one risk, the
//! nonconformities and corrective actions (10.2) by a register with at least one nonconformity, and
//! the Statement of Applicability (6.1.3 d) by the one crosswalk renders from the repository.

use serde::Serialize;

use super::Model;

/// One item of the checklist.
#[derive(Clone, Copy, Debug)]
pub struct Mandatory {
    /// The clause as ISO writes it, e.g. `6.1.3 d)`.
    pub clause: &'static str,
    /// The requirement id in the built-in catalog, e.g. `6.1.3.d`.
    pub id: &'static str,
    /// What must be documented.
    pub what: &'static str,
    /// What besides a claim meets it.
    pub register: Option<Register>,
    /// Whether it is a record of what was done (evidence of competence, results, audits,
    /// reviews): then a policy claiming the clause is not it, only evidence is.
    pub record: bool,
}

/// A register that meets an item by being kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Register {
    /// The risk register (at least one risk).
    Risks,
    /// The register of nonconformities (at least one).
    Nonconformities,
    /// The Statement of Applicability crosswalk renders.
    Soa,
}

/// The mandatory documented information of ISO/IEC 27001:2022, in clause order.
pub const MANDATORY: [Mandatory; 14] = [
    item("4.3", "4.3", "Scope of the ISMS", None, false),
    item("5.2", "5.2", "Information security policy", None, false),
    item(
        "6.1.2",
        "6.1.2",
        "Information security risk assessment process",
        None,
        false,
    ),
    item(
        "6.1.3",
        "6.1.3",
        "Information security risk treatment process",
        None,
        false,
    ),
    item(
        "6.1.3 d)",
        "6.1.3.d",
        "Statement of Applicability",
        Some(Register::Soa),
        false,
    ),
    item("6.2", "6.2", "Information security objectives", None, false),
    item("7.2", "7.2", "Evidence of competence", None, true),
    item(
        "8.1",
        "8.1",
        "Operational planning and control: that processes were carried out as planned",
        None,
        true,
    ),
    item(
        "8.2",
        "8.2",
        "Results of the information security risk assessments",
        Some(Register::Risks),
        true,
    ),
    item(
        "8.3",
        "8.3",
        "Results of the information security risk treatment",
        Some(Register::Risks),
        true,
    ),
    item(
        "9.1",
        "9.1",
        "Monitoring and measurement results",
        None,
        true,
    ),
    item(
        "9.2",
        "9.2",
        "Audit programme and audit results",
        None,
        true,
    ),
    item("9.3", "9.3", "Results of management reviews", None, true),
    item(
        "10.2",
        "10.2",
        "Nonconformities, actions taken and the results of corrective action",
        Some(Register::Nonconformities),
        true,
    ),
];

const fn item(
    clause: &'static str,
    id: &'static str,
    what: &'static str,
    register: Option<Register>,
    record: bool,
) -> Mandatory {
    Mandatory {
        clause,
        id,
        what,
        register,
        record,
    }
}

/// A document that meets an item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Meeting {
    /// `policy`, `evidence`, `risk register`, `nonconformity register` or `statement of applicability`.
    pub kind: &'static str,
    /// The document's id (empty for a register).
    pub id: String,
    /// Its path (empty for the rendered SoA).
    pub path: String,
}

/// One item with what meets it.
#[derive(Clone, Debug, Serialize)]
pub struct ChecklistItem {
    /// The clause, e.g. `6.1.3 d)`.
    pub clause: &'static str,
    /// The catalog id.
    pub id: &'static str,
    /// What must be documented.
    pub what: &'static str,
    /// Every document meeting it, policies first.
    pub met_by: Vec<Meeting>,
}

impl ChecklistItem {
    /// Whether anything meets it.
    pub fn met(&self) -> bool {
        !self.met_by.is_empty()
    }
}

impl Model {
    /// The checklist, when ISO 27001 is in scope (else empty).
    pub fn mandatory_documents(&self) -> Vec<ChecklistItem> {
        let (Some(framework), Some(_)) = (self.framework("iso27001"), self.scope("iso27001"))
        else {
            return Vec::new();
        };
        // The iso27001 ids each document claims, in one pass over the controls.
        fn iso_claims(satisfies: &super::Satisfies) -> Vec<&str> {
            satisfies
                .iter()
                .filter(|(f, _)| f.get_ref() == "iso27001")
                .flat_map(|(_, ids)| ids.iter().map(|c| c.get_ref().as_str()))
                .collect()
        }
        // A planned control has not operated: its records prove nothing yet.
        let control_claims: std::collections::HashMap<&str, Vec<&str>> = self
            .controls
            .iter()
            .filter(|c| *c.data.status.get_ref() != super::Status::Planned)
            .map(|c| (c.data.id.get_ref().as_str(), iso_claims(&c.data.satisfies)))
            .filter(|(_, claims)| !claims.is_empty())
            .collect();
        MANDATORY
            .iter()
            .map(|m| {
                // A claim of the clause itself or of one above it meets the item.
                let mut meeting: Vec<&str> = vec![m.id];
                meeting.extend(
                    framework
                        .ancestors(m.id)
                        .iter()
                        .map(|a| a.id.get_ref().as_str()),
                );
                let meets = |claims: &[&str]| claims.iter().any(|c| meeting.contains(c));
                let controls: std::collections::HashSet<&str> = control_claims
                    .iter()
                    .filter(|(_, claims)| meets(claims))
                    .map(|(id, _)| *id)
                    .collect();
                let mut met_by: Vec<Meeting> = self
                    .policies
                    .iter()
                    .filter(|_| !m.record)
                    .filter(|p| meets(&iso_claims(&p.data.satisfies)))
                    .map(|p| Meeting {
                        kind: "policy",
                        id: p.data.id.get_ref().clone(),
                        path: p.path.clone(),
                    })
                    .collect();
                if !controls.is_empty() {
                    met_by.extend(
                        self.evidence
                            .iter()
                            .filter(|e| {
                                e.data
                                    .controls
                                    .iter()
                                    .any(|c| controls.contains(c.get_ref().as_str()))
                            })
                            .map(|e| Meeting {
                                kind: "evidence",
                                id: e.data.id.get_ref().clone(),
                                path: e.path.clone(),
                            }),
                    );
                }
                let register = match m.register {
                    Some(Register::Risks) if !self.risks.is_empty() => {
                        Some(("risk register", format!("{} risks", self.risks.len())))
                    }
                    Some(Register::Nonconformities) if !self.nonconformities.is_empty() => Some((
                        "nonconformity register",
                        format!("{} nonconformities", self.nonconformities.len()),
                    )),
                    Some(Register::Soa) => Some((
                        "statement of applicability",
                        "rendered by crosswalk".to_string(),
                    )),
                    _ => None,
                };
                if let Some((kind, id)) = register {
                    met_by.push(Meeting {
                        kind,
                        id,
                        path: String::new(),
                    });
                }
                ChecklistItem {
                    clause: m.clause,
                    id: m.id,
                    what: m.what,
                    met_by,
                }
            })
            .collect()
    }
}
