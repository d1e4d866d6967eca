//! `out/model.json`: the whole validated model as plain JSON for other tools, with its JSON Schema
//! (`crosswalk schema model`, committed as `schemas/model.schema.json`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use crate::model::{
    Classification, Control, Doc, Evidence, Model, Policy, Risk, Satisfies, Status, Text, Treatment,
};

/// The exported model.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(title = "crosswalk model export")]
pub struct Export {
    /// Format version of this export.
    pub version: u32,
    /// The commit the model was read from, if the repository is in git.
    pub commit: Option<String>,
    /// The date freshness was judged as of.
    pub as_of: String,
    /// The organisation's name.
    pub organization: String,
    /// The ISMS scope statement.
    pub scope: Option<String>,
    /// Frameworks in scope.
    pub frameworks: Vec<FrameworkExport>,
    /// People by key.
    pub people: BTreeMap<String, PersonExport>,
    /// Policies.
    pub policies: Vec<DocumentExport<PolicyFields>>,
    /// Controls.
    pub controls: Vec<DocumentExport<ControlFields>>,
    /// Evidence records.
    pub evidence: Vec<DocumentExport<EvidenceFields>>,
    /// Risks.
    pub risks: Vec<DocumentExport<RiskFields>>,
    /// Nonconformities.
    pub nonconformities: Vec<DocumentExport<NonconformityFields>>,
}

/// A framework in scope.
#[derive(Debug, Serialize, JsonSchema)]
pub struct FrameworkExport {
    /// Catalog id.
    pub id: String,
    /// Catalog title.
    pub title: String,
    /// Catalog version.
    pub version: String,
    /// Excluded requirement ids with their justifications.
    pub excluded: BTreeMap<String, String>,
}

/// A person.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PersonExport {
    /// Full name.
    pub name: String,
    /// Job title.
    pub role: Option<String>,
    /// GitHub login.
    pub github: Option<String>,
}

/// A document: its id, title and path, its kind's front matter fields, and its Markdown body.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DocumentExport<F> {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Path relative to the repository root.
    pub path: String,
    /// The remaining front matter fields of its kind.
    pub fields: F,
    /// Framework id → requirement ids (policies and controls; empty for the others).
    pub satisfies: BTreeMap<String, Vec<String>>,
    /// The Markdown body.
    pub body: String,
}

// The fields of each kind are declared in alphabetical order: the order they are written in.

/// A policy's fields.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PolicyFields {
    /// Who may approve a change or a review (person keys).
    pub approvers: Vec<String>,
    /// Who may read it.
    pub classification: Classification,
    /// The accountable person (key).
    pub owner: String,
    /// Review cadence, e.g. `annual` or `P90D`.
    pub review: String,
}

/// A control's fields.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ControlFields {
    /// Who may approve a change besides the owner (person keys).
    pub approvers: Vec<String>,
    /// The strictest of its frequency and the cadences its in-scope requirements expect.
    pub effective_frequency: String,
    /// How often it operates, as declared.
    pub frequency: String,
    /// For a continuous control, the longest stretch its evidence may leave uncovered, as declared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_gap: Option<String>,
    /// The accountable person (key).
    pub owner: String,
    /// The policy that mandates it (id).
    pub policy: String,
    /// Whether it operates.
    pub status: Status,
}

/// An evidence record's fields.
#[derive(Debug, Serialize, JsonSchema)]
pub struct EvidenceFields {
    /// Files beside the record, with their recorded SHA-256.
    pub attachments: Vec<AttachmentExport>,
    /// The day it was collected.
    pub collected: String,
    /// Who collected it (person key).
    pub collector: String,
    /// The controls it proves (ids).
    pub controls: Vec<String>,
    /// The time it shows the controls operating in, when more than its collection day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<PeriodExport>,
}

/// A date range, inclusive.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PeriodExport {
    /// First day.
    pub start: String,
    /// Last day.
    pub end: String,
}

/// An attachment of an evidence record.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AttachmentExport {
    /// Path relative to the record.
    pub path: String,
    /// Recorded SHA-256, lower-case hex.
    pub sha256: String,
}

/// A risk's fields.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RiskFields {
    /// Who may approve a change besides the owner (person keys).
    pub approvers: Vec<String>,
    /// The controls that treat it (ids).
    pub controls: Vec<String>,
    /// Inherent impact, 1–5.
    pub impact: u8,
    /// Inherent likelihood, 1–5.
    pub likelihood: u8,
    /// The risk owner (key).
    pub owner: String,
    /// Likelihood and impact after treatment.
    pub residual: Option<RatingExport>,
    /// How it is treated.
    pub treatment: Treatment,
}

/// A nonconformity's fields.
#[derive(Debug, Serialize, JsonSchema)]
pub struct NonconformityFields {
    /// Who may approve a change besides the owner (person keys).
    pub approvers: Vec<String>,
    /// When it was closed.
    pub closed: Option<String>,
    /// The controls concerned (ids).
    pub controls: Vec<String>,
    /// The corrective action.
    pub corrective_action: Option<String>,
    /// When the corrective action is due.
    pub due: String,
    /// Its owner (key).
    pub owner: String,
    /// When it was raised.
    pub raised: String,
    /// The requirements breached: framework id → requirement ids.
    pub requirements: BTreeMap<String, Vec<String>>,
    /// Its root cause.
    pub root_cause: Option<String>,
    /// How grave it is.
    pub severity: crate::model::Grade,
    /// Where it was found.
    pub source: crate::model::Origin,
    /// When its effectiveness was verified.
    pub verified: Option<String>,
    /// Who verified it (key).
    pub verified_by: Option<String>,
}

/// Likelihood and impact, each 1–5.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RatingExport {
    /// Impact.
    pub impact: u8,
    /// Likelihood.
    pub likelihood: u8,
}

fn texts(values: &[Text]) -> Vec<String> {
    values.iter().map(|t| t.get_ref().clone()).collect()
}

fn satisfied(satisfies: &Satisfies) -> BTreeMap<String, Vec<String>> {
    satisfies
        .iter()
        .map(|(f, ids)| (f.get_ref().clone(), texts(ids)))
        .collect()
}

fn document<T, F>(doc: &Doc<T>, id: &Text, title: &str, fields: F) -> DocumentExport<F> {
    DocumentExport {
        id: id.get_ref().clone(),
        title: title.to_string(),
        path: doc.path.clone(),
        fields,
        satisfies: BTreeMap::new(),
        body: doc.body.clone(),
    }
}

/// Builds the export.
pub fn export(model: &Model, commit: Option<&str>, as_of: jiff::civil::Date) -> Export {
    let config = model.config.as_ref().map(|c| &c.data);
    let frameworks = config
        .map(|c| {
            c.frameworks
                .iter()
                .filter_map(|(id, scope)| {
                    let framework = model.framework(id.get_ref())?;
                    Some(FrameworkExport {
                        id: id.get_ref().clone(),
                        title: framework.title().to_string(),
                        version: framework.catalog.version.clone(),
                        excluded: scope
                            .excluded
                            .iter()
                            .map(|(k, v)| (k.get_ref().clone(), v.get_ref().clone()))
                            .collect(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let people = config
        .map(|c| {
            c.people
                .iter()
                .map(|(key, p)| {
                    let person = PersonExport {
                        name: p.name.clone(),
                        role: p.role.clone(),
                        github: p.github.clone(),
                    };
                    (key.get_ref().clone(), person)
                })
                .collect()
        })
        .unwrap_or_default();
    Export {
        version: 1,
        commit: commit.map(str::to_string),
        as_of: as_of.to_string(),
        organization: config
            .map(|c| c.organization.name.clone())
            .unwrap_or_default(),
        scope: config.and_then(|c| c.organization.scope.clone()),
        frameworks,
        people,
        policies: model.policies.iter().map(policy).collect(),
        controls: model.controls.iter().map(|d| control(model, d)).collect(),
        evidence: model.evidence.iter().map(evidence).collect(),
        risks: model.risks.iter().map(risk).collect(),
        nonconformities: model.nonconformities.iter().map(nonconformity).collect(),
    }
}

fn nonconformity(d: &Doc<crate::model::Nonconformity>) -> DocumentExport<NonconformityFields> {
    let n = &d.data;
    let date = |d: &Option<toml::Spanned<crate::model::Date>>| {
        d.as_ref().map(|d| d.get_ref().0.to_string())
    };
    let fields = NonconformityFields {
        approvers: texts(n.approvers.get_ref()),
        closed: date(&n.closed),
        controls: texts(&n.controls),
        corrective_action: n.corrective_action.clone(),
        due: n.due.get_ref().0.to_string(),
        owner: n.owner.get_ref().clone(),
        raised: n.raised.get_ref().0.to_string(),
        requirements: satisfied(&n.requirements),
        root_cause: n.root_cause.clone(),
        severity: *n.severity.get_ref(),
        source: *n.source.get_ref(),
        verified: date(&n.verified),
        verified_by: n.verified_by.as_ref().map(|p| p.get_ref().clone()),
    };
    document(d, &n.id, &n.title, fields)
}

fn policy(d: &Doc<Policy>) -> DocumentExport<PolicyFields> {
    let p = &d.data;
    let fields = PolicyFields {
        approvers: texts(p.approvers.get_ref()),
        classification: p.classification,
        owner: p.owner.get_ref().clone(),
        review: p.review.get_ref().to_string(),
    };
    DocumentExport {
        satisfies: satisfied(&p.satisfies),
        ..document(d, &p.id, &p.title, fields)
    }
}

fn control(model: &Model, d: &Doc<Control>) -> DocumentExport<ControlFields> {
    let c = &d.data;
    let fields = ControlFields {
        approvers: texts(c.approvers.get_ref()),
        effective_frequency: model.effective_frequency(c).pace.to_string(),
        frequency: c.frequency.get_ref().to_string(),
        max_gap: c.max_gap.as_ref().map(|g| g.get_ref().to_string()),
        owner: c.owner.get_ref().clone(),
        policy: c.policy.get_ref().clone(),
        status: *c.status.get_ref(),
    };
    DocumentExport {
        satisfies: satisfied(&c.satisfies),
        ..document(d, &c.id, &c.title, fields)
    }
}

fn evidence(d: &Doc<Evidence>) -> DocumentExport<EvidenceFields> {
    let e = &d.data;
    let fields = EvidenceFields {
        attachments: e
            .attachments
            .iter()
            .map(|a| AttachmentExport {
                path: a.path.get_ref().clone(),
                sha256: a.sha256.get_ref().clone(),
            })
            .collect(),
        collected: e.collected.get_ref().to_string(),
        collector: e.collector.get_ref().clone(),
        controls: texts(&e.controls),
        period: e.period.as_ref().map(|p| PeriodExport {
            start: p.get_ref().start.to_string(),
            end: p.get_ref().end.to_string(),
        }),
    };
    document(d, &e.id, &e.title, fields)
}

fn risk(d: &Doc<Risk>) -> DocumentExport<RiskFields> {
    let r = &d.data;
    let fields = RiskFields {
        approvers: texts(r.approvers.get_ref()),
        controls: texts(&r.controls),
        impact: r.impact,
        likelihood: r.likelihood,
        owner: r.owner.get_ref().clone(),
        residual: r
            .residual
            .as_ref()
            .map(|rating| rating.get_ref())
            .map(|rating| RatingExport {
                impact: rating.impact,
                likelihood: rating.likelihood,
            }),
        treatment: *r.treatment.get_ref(),
    };
    document(d, &r.id, &r.title, fields)
}

/// The JSON Schema of `model.json`.
pub fn schema() -> serde_json::Value {
    let mut value = schemars::schema_for!(Export).to_value();
    value["$id"] = serde_json::Value::String("urn:crosswalk:schema:model".into());
    value
}
