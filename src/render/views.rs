//! The rows of the Statement of Applicability and of the mapping matrix: plain values built from the
//! model for the templates and the CSV writer.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::model::{
    CellState, Control, Coverage, Doc, Evidence, Framework, Implementation, Model, Operations,
    Status,
};

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
    /// Whether its implementation is evidenced as operated (evidenced), only claimed (its
    /// implemented controls lack the evidence), partial, uncovered or excluded.
    pub coverage: Coverage,
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
    /// What keeps it from having operated (no evidence, stale, periods missing), or empty.
    pub gap: String,
    /// Of its periods so far, how many are evidenced: `3 of 3`.
    pub periods: String,
    /// implemented, partial or planned.
    pub status: Status,
    /// The owner's name.
    pub owner: String,
    /// The date of its latest approved change, when the history is known.
    pub reviewed: String,
}

/// The Statement of Applicability: every requirement of the ISO 27001 catalog's excludable groups
/// (Annex A), in catalog order. Empty when `iso27001` is not in scope.
pub fn soa_rows(operations: &Operations) -> Vec<SoaRow> {
    let model = operations.model();
    let (Some(framework), Some(scope)) = (model.framework("iso27001"), model.scope("iso27001"))
    else {
        return Vec::new();
    };
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
                coverage: operations.coverage("iso27001", id),
                evidence: newest(&implementing, operations),
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
fn newest(controls: &[&Doc<Control>], operations: &Operations) -> String {
    controls
        .iter()
        .filter_map(|c| operations.of(c.data.id.get_ref())?.latest())
        .max_by_key(|e| (e.data.collected.get_ref().0, e.data.id.get_ref().clone()))
        .map(describe)
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
    operations: &Operations,
    frameworks: &[&Framework],
    reviewed: &dyn Fn(&str) -> Option<jiff::civil::Date>,
) -> Vec<MatrixRow> {
    let model = operations.model();
    operations
        .iter()
        .map(|operation| {
            let control = operation.control;
            let data = &control.data;
            let record = operation.latest();
            let owner = model.person_name(data.owner.get_ref());
            let (evidenced, due) = operation.periods_so_far();
            MatrixRow {
                id: data.id.get_ref().clone(),
                title: data.title.clone(),
                requirements: frameworks
                    .iter()
                    .map(|f| claimed(control, f, model))
                    .collect(),
                frequency: operation.effective.describe(),
                evidence: record.map(describe).unwrap_or_default(),
                gap: gap(operation),
                periods: match operation.operates() {
                    true => format!("{evidenced} of {due}"),
                    false => String::new(),
                },
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

fn gap(operation: &crate::model::Operation) -> String {
    match operation.shortfall() {
        Some(shortfall) => shortfall,
        None if *operation.control.data.status.get_ref() == Status::Partial => {
            "partially implemented".into()
        }
        None => String::new(),
    }
}

/// One control's operating timeline.
#[derive(Clone, Debug, Serialize)]
pub struct TimelineRow {
    /// Control id.
    pub control: String,
    /// Its title.
    pub title: String,
    /// Its effective frequency, described.
    pub frequency: String,
    /// The observation window it is judged over (`2026-01-01 to 2026-12-31`), or empty when it
    /// serves no framework with one (its timeline is then the one period before the judging date).
    pub window: String,
    /// Whether it operated: fresh evidence for every period so far.
    pub operated: bool,
    /// What keeps it from having operated, or empty.
    pub gap: String,
    /// The cells in a line of text: `2026-Q1 ✔ · 2026-Q2 ✔ · 2026-Q3 ✘ · 2026-Q4 …` (✔ evidenced,
    /// ✘ missing, … not yet due); with more than 12 cells, the counts and the missing ones.
    pub summary: String,
    /// One cell per period, in order.
    pub cells: Vec<TimelineCell>,
}

/// One period of a timeline.
#[derive(Clone, Debug, Serialize)]
pub struct TimelineCell {
    /// Its short name: `2026-Q3`.
    pub label: String,
    /// First day.
    pub start: String,
    /// Last day.
    pub end: String,
    /// evidenced, missing, or not yet due.
    pub state: CellState,
    /// The ids of the records that count for it.
    pub evidence: Vec<String>,
}

/// Every control's operating timeline, in control order.
pub fn timeline_rows(operations: &Operations) -> Vec<TimelineRow> {
    operations
        .iter()
        .map(|operation| {
            let data = &operation.control.data;
            TimelineRow {
                control: data.id.get_ref().clone(),
                title: data.title.clone(),
                frequency: operation.effective.describe(),
                window: operation
                    .window
                    .map(|w| format!("{} to {}", w.start, w.end))
                    .unwrap_or_default(),
                operated: operation.operated(),
                gap: gap(operation),
                summary: summary(&operation.timeline),
                cells: operation
                    .timeline
                    .iter()
                    .map(|cell| TimelineCell {
                        label: cell.label.clone(),
                        start: cell.start.to_string(),
                        end: cell.end.to_string(),
                        state: cell.state,
                        evidence: cell
                            .records
                            .iter()
                            .map(|r| r.data.id.get_ref().clone())
                            .collect(),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The mark of a cell state in text.
fn mark(state: CellState) -> &'static str {
    match state {
        CellState::Evidenced => "✔",
        CellState::Missing => "✘",
        CellState::NotYetDue => "…",
    }
}

/// A timeline in a line of text (see [`TimelineRow::summary`]).
fn summary(cells: &[crate::model::operation::Cell]) -> String {
    if cells.len() <= 12 {
        return cells
            .iter()
            .map(|c| format!("{} {}", c.label, mark(c.state)))
            .collect::<Vec<_>>()
            .join(" · ");
    }
    let count = |state| cells.iter().filter(|c| c.state == state).count();
    let missing: Vec<&str> = cells
        .iter()
        .filter(|c| c.state == CellState::Missing)
        .map(|c| c.label.as_str())
        .collect();
    let mut text = format!(
        "{} periods: {} ✔, {} ✘, {} …",
        cells.len(),
        count(CellState::Evidenced),
        missing.len(),
        count(CellState::NotYetDue)
    );
    if !missing.is_empty() {
        let shown = missing.len().min(10);
        text.push_str(&format!("; missing {}", missing[..shown].join(", ")));
        if missing.len() > shown {
            text.push_str(&format!(" and {} more", missing.len() - shown));
        }
    }
    text
}
