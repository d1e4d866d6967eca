//! The register of nonconformities (ISO 27001 10.2): one row per nonconformity with its state as of
//! the judging date ([`crate::model::NcState`]), for the site page, the CSV and the PDF, and the
//! look-ups that link a control or a requirement to the nonconformities that concern it.

use serde::Serialize;

use super::Table;
use crate::model::{Model, NcState};

/// One nonconformity of the register.
#[derive(Clone, Debug, Serialize)]
pub struct NcRow {
    /// Its id.
    pub id: String,
    /// What was found.
    pub title: String,
    /// When it was raised.
    pub raised: String,
    /// Where it was found.
    pub source: String,
    /// major, minor or observation.
    pub severity: String,
    /// The owner's name.
    pub owner: String,
    /// The requirements breached: `framework requirement` each.
    pub requirements: Vec<String>,
    /// The controls concerned.
    pub controls: Vec<String>,
    /// Root cause.
    pub root_cause: String,
    /// Corrective action.
    pub corrective_action: String,
    /// Due date.
    pub due: String,
    /// Closing date, or empty.
    pub closed: String,
    /// Who verified it (name), or empty.
    pub verified_by: String,
    /// When, or empty.
    pub verified: String,
    /// Its state as of the judging date.
    pub state: NcState,
}

/// Every nonconformity, in register order, as of `as_of`.
pub fn rows(model: &Model, as_of: jiff::civil::Date) -> Vec<NcRow> {
    let date = |d: Option<&toml::Spanned<crate::model::Date>>| {
        d.map_or(String::new(), |d| d.get_ref().0.to_string())
    };
    model
        .nonconformities
        .iter()
        .map(|nc| {
            let data = &nc.data;
            NcRow {
                id: data.id.get_ref().clone(),
                title: data.title.clone(),
                raised: data.raised.get_ref().0.to_string(),
                source: data.source.get_ref().to_string(),
                severity: data.severity.get_ref().to_string(),
                owner: model.person_name(data.owner.get_ref()),
                requirements: data
                    .requirements
                    .iter()
                    .flat_map(|(f, ids)| {
                        ids.iter()
                            .map(move |id| format!("{} {}", f.get_ref(), id.get_ref()))
                    })
                    .collect(),
                controls: data.controls.iter().map(|c| c.get_ref().clone()).collect(),
                root_cause: data.root_cause.clone().unwrap_or_default(),
                corrective_action: data.corrective_action.clone().unwrap_or_default(),
                due: data.due.get_ref().0.to_string(),
                closed: date(data.closed.as_ref()),
                verified_by: data
                    .verified_by
                    .as_ref()
                    .map_or(String::new(), |p| model.person_name(p.get_ref())),
                verified: date(data.verified.as_ref()),
                state: data.state(as_of),
            }
        })
        .collect()
}

/// The nonconformities that concern a control.
pub fn of_control<'r>(rows: &'r [NcRow], control: &str) -> Vec<&'r NcRow> {
    rows.iter()
        .filter(|r| r.controls.iter().any(|c| c == control))
        .collect()
}

/// The nonconformities naming each requirement of a framework, by requirement id.
pub fn by_requirement(
    model: &Model,
    framework: &str,
) -> std::collections::BTreeMap<String, Vec<String>> {
    let mut out: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for nc in &model.nonconformities {
        let ids = nc
            .data
            .requirements
            .iter()
            .filter(|(f, _)| f.get_ref() == framework)
            .flat_map(|(_, ids)| ids);
        for id in ids {
            out.entry(id.get_ref().clone())
                .or_default()
                .push(nc.data.id.get_ref().clone());
        }
    }
    out
}

/// One line: how many, open, overdue, closed and verified.
pub fn headline(rows: &[NcRow]) -> String {
    let with = |state| rows.iter().filter(|r| r.state == state).count();
    format!(
        "{}: {} open, {} overdue, {} closed but not verified, {} closed and verified",
        super::count(rows.len(), "nonconformity", "nonconformities"),
        with(NcState::Open),
        with(NcState::Overdue),
        with(NcState::ClosedUnverified),
        with(NcState::Verified)
    )
}

/// The paragraphs under the register's title.
pub fn intro(rows: &[NcRow], as_of: jiff::civil::Date) -> Vec<String> {
    vec![
        format!("{}, as of {as_of}.", headline(rows)),
        "ISO/IEC 27001:2022 10.2: each nonconformity, its cause, the corrective action and its due date, and its closing verified by someone other than its owner.".to_string(),
    ]
}

/// The register as the PDF and the Markdown give it: the table without the root cause and the
/// verification date (the cells a landscape page cannot hold beside the rest).
pub fn summary(table: &Table) -> Table {
    let keep = [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 14];
    Table {
        header: keep.iter().map(|&i| table.header[i].clone()).collect(),
        rows: table
            .rows
            .iter()
            .map(|r| keep.iter().map(|&i| r[i].clone()).collect())
            .collect(),
        widths: Vec::new(),
    }
}

/// The register as a table, for CSV and XLSX.
pub fn table(rows: &[NcRow]) -> Table {
    let header = [
        "Nonconformity",
        "Title",
        "Raised",
        "Source",
        "Severity",
        "Owner",
        "Requirements",
        "Controls",
        "Root cause",
        "Corrective action",
        "Due",
        "Closed",
        "Verified by",
        "Verified",
        "State",
    ];
    let rows = rows
        .iter()
        .map(|r| {
            vec![
                r.id.clone(),
                r.title.clone(),
                r.raised.clone(),
                r.source.clone(),
                r.severity.clone(),
                r.owner.clone(),
                r.requirements.join(", "),
                r.controls.join(", "),
                r.root_cause.clone(),
                r.corrective_action.clone(),
                r.due.clone(),
                r.closed.clone(),
                r.verified_by.clone(),
                r.verified.clone(),
                r.state.to_string(),
            ]
        })
        .collect();
    Table {
        header: header.map(String::from).to_vec(),
        rows,
        widths: vec![
            13.0, 40.0, 11.0, 14.0, 11.0, 18.0, 22.0, 14.0, 40.0, 40.0, 11.0, 11.0, 18.0, 11.0,
            18.0,
        ],
    }
}
