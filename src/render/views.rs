//! The rows of the Statement of Applicability and of the mapping matrix: plain values built from the
//! model for the templates and the CSV writer.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use crate::model::{Control, Doc, Evidence, Framework, Freshness, Implementation, Model, Status};

/// One Annex A control in the Statement of Applicability.
#[derive(Clone, Debug, Serialize)]
pub struct SoaRow {
    /// Control id, e.g. `A.5.15`.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its theme (organizational, people, physical, technological).
    pub theme: String,
    /// Whether it is applicable (not excluded).
    pub applicable: bool,
    /// Why it is included (risks and reasons) or excluded (the recorded justification).
    pub justification: String,
    /// The controls of the library that implement it.
    pub controls: Vec<String>,
    /// implemented, partial, planned, not implemented, or excluded.
    pub status: Implementation,
    /// The most recent evidence of its controls: `EV-… (date)`.
    pub evidence: String,
}

/// One control of the library in the mapping matrix.
#[derive(Clone, Debug, Serialize)]
pub struct MatrixRow {
    /// Control id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// For each framework in scope (in the order given), the requirement ids it satisfies.
    pub requirements: Vec<Vec<String>>,
    /// How often it must operate, all frameworks considered: the strictest of its own frequency and
    /// the cadences its requirements expect, e.g. `quarterly (soc2 CC6.3)` when a framework's is.
    pub frequency: String,
    /// Its most recent evidence: `EV-… (date)`, or empty.
    pub evidence: String,
    /// What keeps it from operating with fresh evidence, or empty.
    pub gap: String,
    /// implemented, partial or planned.
    pub status: Status,
    /// The owner's name.
    pub owner: String,
    /// The date of its latest approved change, when the history is known.
    pub reviewed: String,
}

/// The Statement of Applicability: every requirement of the ISO 27001 catalog's excludable groups
/// (Annex A), in catalog order. Empty when `iso27001` is not in scope.
pub fn soa_rows(model: &Model, as_of: jiff::civil::Date) -> Vec<SoaRow> {
    let (Some(framework), Some(scope)) = (model.framework("iso27001"), model.scope("iso27001"))
    else {
        return Vec::new();
    };
    let latest = model.latest_evidence(as_of);
    let annex_a = framework.catalog.requirements.iter().filter(|r| {
        framework
            .group(r.group.get_ref())
            .is_some_and(|g| g.excludable)
    });
    annex_a
        .map(|requirement| {
            let id = requirement.id.get_ref();
            let exclusion = model
                .exclusion("iso27001", id)
                .map(|why| why.get_ref().clone());
            let implementing = model.claiming("iso27001", id);
            let reasons: Vec<String> = scope
                .reasons
                .iter()
                .filter(|(k, _)| k.get_ref() == id)
                .flat_map(|(_, reasons)| reasons.iter().map(|r| reason_name(*r).to_string()))
                .collect();
            SoaRow {
                id: id.clone(),
                title: requirement.title.clone(),
                theme: requirement.group.get_ref().clone(),
                applicable: exclusion.is_none(),
                justification: exclusion
                    .clone()
                    .unwrap_or_else(|| inclusion(model, &implementing, &reasons)),
                controls: implementing
                    .iter()
                    .map(|c| c.data.id.get_ref().clone())
                    .collect(),
                status: match exclusion {
                    Some(_) => Implementation::Excluded,
                    None => Implementation::of(&implementing),
                },
                evidence: newest(&implementing, &latest),
            }
        })
        .collect()
}

/// Why an applicable control is included: the risks its implementing controls treat, and the reasons
/// recorded in `crosswalk.toml`.
fn inclusion(model: &Model, implementing: &[&Doc<Control>], reasons: &[String]) -> String {
    let ids: BTreeSet<&str> = implementing
        .iter()
        .map(|c| c.data.id.get_ref().as_str())
        .collect();
    let risks: Vec<&str> = model
        .risks
        .iter()
        .filter(|r| {
            r.data
                .controls
                .iter()
                .any(|c| ids.contains(c.get_ref().as_str()))
        })
        .map(|r| r.data.id.get_ref().as_str())
        .collect();
    let mut parts = Vec::new();
    if !risks.is_empty() {
        parts.push(format!("Risk treatment: {}", risks.join(", ")));
    }
    if !reasons.is_empty() {
        parts.push(format!("Required: {}", reasons.join(", ")));
    }
    if parts.is_empty() {
        return "Baseline control: no risk or requirement recorded".into();
    }
    parts.join(". ")
}

fn reason_name(reason: crate::model::Reason) -> &'static str {
    match reason {
        crate::model::Reason::Legal => "legal",
        crate::model::Reason::Contractual => "contractual",
        crate::model::Reason::Business => "business",
        crate::model::Reason::BestPractice => "best practice",
    }
}

/// The newest evidence among some controls' latest records.
fn newest(controls: &[&Doc<Control>], latest: &HashMap<&str, &Doc<Evidence>>) -> String {
    controls
        .iter()
        .filter_map(|c| latest.get(c.data.id.get_ref().as_str()))
        .max_by_key(|e| (e.data.collected.get_ref().0, e.data.id.get_ref().clone()))
        .map(|e| describe(e))
        .unwrap_or_default()
}

fn describe(record: &Doc<Evidence>) -> String {
    format!(
        "{} ({})",
        record.data.id.get_ref(),
        record.data.collected.get_ref()
    )
}

/// The mapping matrix: one row per control, one requirement column per framework in `frameworks`.
/// `reviewed` gives the date of a control's latest approved change, by path, when history is known.
pub fn matrix_rows(
    model: &Model,
    frameworks: &[&Framework],
    as_of: jiff::civil::Date,
    reviewed: &dyn Fn(&str) -> Option<jiff::civil::Date>,
) -> Vec<MatrixRow> {
    let latest = model.latest_evidence(as_of);
    model
        .controls
        .iter()
        .map(|control| {
            let data = &control.data;
            let record = latest.get(data.id.get_ref().as_str());
            let owner = model.person_name(data.owner.get_ref());
            MatrixRow {
                id: data.id.get_ref().clone(),
                title: data.title.clone(),
                requirements: frameworks
                    .iter()
                    .map(|f| claimed(control, f, model))
                    .collect(),
                frequency: model.effective_frequency(data).describe(),
                evidence: record.map(|r| describe(r)).unwrap_or_default(),
                gap: gap(model, control, record.copied(), as_of),
                status: *data.status.get_ref(),
                owner,
                reviewed: reviewed(&control.path)
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            }
        })
        .collect()
}

fn claimed(control: &Doc<Control>, framework: &Framework, model: &Model) -> Vec<String> {
    let scope = model.scope(framework.id());
    control
        .data
        .satisfies
        .iter()
        .filter(|(f, _)| f.get_ref() == framework.id())
        .flat_map(|(_, ids)| ids.iter().map(|i| i.get_ref().clone()))
        .filter(|id| {
            let group = framework
                .requirement(id)
                .map(|r| r.group.get_ref().as_str());
            scope
                .zip(group)
                .is_none_or(|(scope, group)| scope.includes_group(framework, group))
        })
        .collect()
}

fn gap(
    model: &Model,
    control: &Doc<Control>,
    record: Option<&Doc<Evidence>>,
    as_of: jiff::civil::Date,
) -> String {
    let data = &control.data;
    match model.freshness(data, record, as_of) {
        Freshness::Planned => "planned: not operating".into(),
        Freshness::NoEvidence => "no evidence".into(),
        Freshness::Stale(record) => format!(
            "evidence stale: last collected {}",
            record.data.collected.get_ref().0
        ),
        Freshness::Fresh(_) if *data.status.get_ref() == Status::Partial => {
            "partially implemented".into()
        }
        Freshness::Fresh(_) => String::new(),
    }
}
