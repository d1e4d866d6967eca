//! The risk register and the risk treatment plan (ISO 27001 6.1.2 and 6.1.3 e): plain rows built
//! from the model (and the review trail, for the risk owners' approvals), the 5×5 heat maps as
//! inline SVG, and the tables and typst sources the site, CSV, XLSX and PDF writers share.
//!
//! Where a risk sits, its band and whether it is within the acceptance criterion are the model's
//! ([`crate::model::risk`]); whose approval a change carries is the history's
//! ([`crate::history::approval::approved_by_owner`]). Nothing here decides either.

use serde::Serialize;

use super::Table;
use crate::history::Trail;
use crate::history::approval::{People, approved_by_owner};
use crate::model::{Band, Doc, HeatMap, Model, Operations, Position, Risk, Status, Treatment};

/// One risk of the register.
#[derive(Clone, Debug, Serialize)]
pub struct RiskRow {
    /// Risk id.
    pub id: String,
    /// Title.
    pub title: String,
    /// The risk owner's name.
    pub owner: String,
    /// Inherent likelihood, impact and score.
    pub inherent: Score,
    /// How it is treated.
    pub treatment: &'static str,
    /// The controls that treat it.
    pub controls: Vec<PlanControl>,
    /// Residual likelihood, impact and score (the inherent ones while no residual is rated).
    pub residual: Score,
    /// Whether a residual rating is given.
    pub rated: bool,
    /// Whether what is retained is within the acceptance criterion: `yes`, `no`, or empty without one.
    pub within: String,
    /// The risk owner's approval of the risk as it stands (the latest change), from history.
    pub owner_approval: String,
    /// Whether the risk as it stands is approved by its owner.
    pub owner_approved: bool,
    /// Its file.
    pub path: String,
}

/// A likelihood, impact and score, with the score's band.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Score {
    /// 1–5.
    pub likelihood: u8,
    /// 1–5.
    pub impact: u8,
    /// likelihood × impact.
    pub score: u8,
    /// The band of the score.
    pub band: Band,
}

impl Score {
    fn of(risk: &Risk, position: Position) -> Score {
        let (likelihood, impact) = risk.at(position);
        let score = likelihood * impact;
        Score {
            likelihood,
            impact,
            score,
            band: Band::of(score),
        }
    }

    /// `3 × 4 = 12 (high)`.
    pub fn describe(&self) -> String {
        format!(
            "{} × {} = {} ({})",
            self.likelihood, self.impact, self.score, self.band
        )
    }
}

/// A control in the treatment plan: what it is, whether it is built, and whether it operated.
#[derive(Clone, Debug, Serialize)]
pub struct PlanControl {
    /// Control id.
    pub id: String,
    /// Title, or empty for an unknown control.
    pub title: String,
    /// implemented, partial or planned; `None` for an id that names no control (CW017).
    pub status: Option<Status>,
    /// The owner's name.
    pub owner: String,
    /// Whether it operated as of the judging date (evidenced, every period so far).
    pub operated: bool,
}

/// Where a risk's treatment stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PlanState {
    /// Every control is implemented and operated: the treatment is in place.
    InPlace,
    /// Some control is not yet implemented, or has not operated.
    InProgress,
    /// Every control is planned (or none is named): nothing reduces the risk yet.
    NotStarted,
    /// Retained (accepted): no action, the owner's acceptance stands instead.
    Retained,
    /// Transferred or avoided: the action is a decision the body describes.
    ByDecision,
}

crate::names!(serialize PlanState {
    InPlace => "in place",
    InProgress => "in progress",
    NotStarted => "not started",
    Retained => "retained",
    ByDecision => "by decision",
});

/// One risk of the treatment plan.
#[derive(Clone, Debug, Serialize)]
pub struct PlanRow {
    /// Risk id.
    pub id: String,
    /// Title.
    pub title: String,
    /// The risk owner's name.
    pub owner: String,
    /// The treatment option.
    pub treatment: &'static str,
    /// Where the treatment stands.
    pub state: PlanState,
    /// The controls implementing it.
    pub controls: Vec<PlanControl>,
    /// Inherent, then the residual the treatment aims at.
    pub inherent: Score,
    /// The residual rating.
    pub residual: Score,
    /// The owner's approval of the risk and its treatment as they stand.
    pub owner_approval: String,
    /// Whether the risk and its treatment as they stand are approved by the owner.
    pub owner_approved: bool,
}

/// The register, the heat maps and the plan.
#[derive(Clone, Debug, Serialize)]
pub struct Register {
    /// Every risk, in register order (by file path).
    pub rows: Vec<RiskRow>,
    /// Where the risks sit before treatment.
    pub inherent: HeatMap,
    /// Where they sit after treatment.
    pub residual: HeatMap,
    /// The acceptance criterion, `[risk] accept_max_score`.
    pub criterion: Option<u8>,
    /// The treatment plan: every risk.
    pub plan: Vec<PlanRow>,
    /// One line: how many risks, by band before and after, and how many need attention.
    pub headline: String,
}

/// The register as of `operations`' judging date, with the owners' approvals from `trail`.
pub fn register(operations: &Operations, trail: Option<&Trail>) -> Register {
    let model = operations.model();
    let criterion = model
        .config
        .as_ref()
        .and_then(|c| c.data.risk.accept_max_score);
    let people = model.config.as_ref().map(|c| People::new(&c.data));
    let rows: Vec<RiskRow> = model
        .risks
        .iter()
        .map(|risk| row(operations, risk, criterion, trail, people.as_ref()))
        .collect();
    let plan = rows
        .iter()
        .zip(&model.risks)
        .map(|(row, risk)| plan_row(row, risk))
        .collect();
    let headline = headline(&rows, criterion);
    Register {
        inherent: HeatMap::of(&model.risks, Position::Inherent),
        residual: HeatMap::of(&model.risks, Position::Residual),
        rows,
        criterion,
        plan,
        headline,
    }
}

fn row(
    operations: &Operations,
    risk: &Doc<Risk>,
    criterion: Option<u8>,
    trail: Option<&Trail>,
    people: Option<&People>,
) -> RiskRow {
    let model = operations.model();
    let data = &risk.data;
    let (owner_approved, owner_approval) = owner_approval(model, risk, trail, people);
    RiskRow {
        id: data.id.get_ref().clone(),
        title: data.title.clone(),
        owner: model.person_name(data.owner.get_ref()),
        inherent: Score::of(data, Position::Inherent),
        treatment: data.treatment.get_ref().name(),
        controls: data
            .controls
            .iter()
            .map(|id| plan_control(operations, id.get_ref()))
            .collect(),
        residual: Score::of(data, Position::Residual),
        rated: data.residual.is_some(),
        within: match data.within_criterion(criterion) {
            Some(true) => "yes".into(),
            Some(false) => "no".into(),
            None => String::new(),
        },
        owner_approval,
        owner_approved,
        path: risk.path.clone(),
    }
}

fn plan_control(operations: &Operations, id: &str) -> PlanControl {
    let model = operations.model();
    match model.control(id) {
        Some(control) => PlanControl {
            id: id.to_string(),
            title: control.data.title.clone(),
            status: Some(*control.data.status.get_ref()),
            owner: model.person_name(control.data.owner.get_ref()),
            operated: operations.of(id).is_some_and(|o| o.operated()),
        },
        None => PlanControl {
            id: id.to_string(),
            title: String::new(),
            status: None,
            owner: String::new(),
            operated: false,
        },
    }
}

/// Whether the risk as it stands (its latest change) is its owner's, and in words.
fn owner_approval(
    model: &Model,
    risk: &Doc<Risk>,
    trail: Option<&Trail>,
    people: Option<&People>,
) -> (bool, String) {
    let (Some(trail), Some(people)) = (trail, people) else {
        return (false, "no history".into());
    };
    let Some(change) = trail.of(&risk.path).last() else {
        return (false, "never committed".into());
    };
    let commit = &trail.commits[change.commit];
    let owner = risk.data.owner.get_ref();
    if approved_by_owner(change, commit, owner, people) {
        let name = model.person_name(owner);
        (true, format!("{name}, {}", commit.date))
    } else {
        (
            false,
            format!(
                "not by the owner: latest change {} ({})",
                crate::history::short(&commit.id),
                commit.date
            ),
        )
    }
}

fn plan_row(row: &RiskRow, risk: &Doc<Risk>) -> PlanRow {
    let operating = |c: &&PlanControl| c.status == Some(Status::Implemented) && c.operated;
    let planned = |c: &&PlanControl| matches!(c.status, None | Some(Status::Planned));
    let state = match risk.data.treatment.get_ref() {
        Treatment::Accept => PlanState::Retained,
        Treatment::Transfer | Treatment::Avoid if row.controls.is_empty() => PlanState::ByDecision,
        _ if row.controls.is_empty() || row.controls.iter().all(|c| planned(&c)) => {
            PlanState::NotStarted
        }
        _ if row.controls.iter().all(|c| operating(&c)) => PlanState::InPlace,
        _ => PlanState::InProgress,
    };
    PlanRow {
        id: row.id.clone(),
        title: row.title.clone(),
        owner: row.owner.clone(),
        treatment: row.treatment,
        state,
        controls: row.controls.clone(),
        inherent: row.inherent,
        residual: row.residual,
        owner_approval: row.owner_approval.clone(),
        owner_approved: row.owner_approved,
    }
}

fn headline(rows: &[RiskRow], criterion: Option<u8>) -> String {
    let bands = |score: fn(&RiskRow) -> Band| {
        [Band::Critical, Band::High, Band::Medium, Band::Low]
            .iter()
            .map(|band| {
                let n = rows.iter().filter(|r| score(r) == *band).count();
                format!("{n} {band}")
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut parts = vec![
        super::count(rows.len(), "risk", "risks"),
        format!("inherent {}", bands(|r| r.inherent.band)),
        format!("residual {}", bands(|r| r.residual.band)),
    ];
    match criterion {
        Some(max) => {
            let above = rows.iter().filter(|r| r.within == "no").count();
            parts.push(format!(
                "acceptance criterion: score at most {max}; {above} above it after treatment"
            ));
        }
        None => parts.push("no acceptance criterion set".into()),
    }
    parts.join("; ")
}

/// The paragraphs under a register's (or, with `plan`, the treatment plan's) title.
pub fn intro(register: &Register, plan: bool) -> Vec<String> {
    let mut out = vec![format!("{}.", register.headline)];
    match plan {
        false => out.push(
            "Scores are likelihood × impact, each 1–5. A risk without a residual rating is placed at its inherent rating. Cells within the acceptance criterion are outlined in green.".into(),
        ),
        true => out.push(
            "ISO/IEC 27001:2022 6.1.3 e) and f): for each risk, the treatment chosen, the controls that implement it with their state as of the judging date, and the risk owner's approval of the risk and its treatment as they stand (from the git history).".into(),
        ),
    }
    out
}

/// The inherent and residual heat maps, as SVG.
pub fn heat_maps(register: &Register) -> Vec<String> {
    vec![
        heat_map_svg(&register.inherent, "Inherent risk", register.criterion),
        heat_map_svg(&register.residual, "Residual risk", register.criterion),
    ]
}

/// The register as a table, for CSV and XLSX.
pub fn register_table(register: &Register) -> Table {
    let header = [
        "Risk",
        "Title",
        "Owner",
        "Inherent likelihood",
        "Inherent impact",
        "Inherent score",
        "Inherent band",
        "Treatment",
        "Controls",
        "Residual likelihood",
        "Residual impact",
        "Residual score",
        "Residual band",
        "Residual rated",
        "Within acceptance criterion",
        "Owner's approval",
    ];
    let rows = register
        .rows
        .iter()
        .map(|r| {
            vec![
                r.id.clone(),
                r.title.clone(),
                r.owner.clone(),
                r.inherent.likelihood.to_string(),
                r.inherent.impact.to_string(),
                r.inherent.score.to_string(),
                r.inherent.band.to_string(),
                r.treatment.to_string(),
                ids(&r.controls),
                r.residual.likelihood.to_string(),
                r.residual.impact.to_string(),
                r.residual.score.to_string(),
                r.residual.band.to_string(),
                if r.rated { "yes" } else { "no (inherent)" }.to_string(),
                r.within.clone(),
                r.owner_approval.clone(),
            ]
        })
        .collect();
    Table {
        header: header.map(String::from).to_vec(),
        rows,
        widths: vec![
            8.0, 44.0, 18.0, 10.0, 10.0, 10.0, 10.0, 11.0, 26.0, 10.0, 10.0, 10.0, 10.0, 12.0,
            12.0, 34.0,
        ],
    }
}

/// The treatment plan as a table, for CSV and XLSX.
pub fn plan_table(register: &Register) -> Table {
    let header = [
        "Risk",
        "Title",
        "Risk owner",
        "Treatment",
        "State",
        "Control",
        "Control title",
        "Control owner",
        "Control status",
        "Operated",
        "Inherent",
        "Residual",
        "Owner's approval",
    ];
    let mut rows = Vec::new();
    for plan in &register.plan {
        let base = |control: Option<&PlanControl>| {
            vec![
                plan.id.clone(),
                plan.title.clone(),
                plan.owner.clone(),
                plan.treatment.to_string(),
                plan.state.to_string(),
                control.map_or(String::new(), |c| c.id.clone()),
                control.map_or(String::new(), |c| c.title.clone()),
                control.map_or(String::new(), |c| c.owner.clone()),
                control.map_or(String::new(), |c| status_name(c.status).to_string()),
                control.map_or(String::new(), |c| yes_no(c.operated)),
                plan.inherent.describe(),
                plan.residual.describe(),
                plan.owner_approval.clone(),
            ]
        };
        if plan.controls.is_empty() {
            rows.push(base(None));
        }
        for control in &plan.controls {
            rows.push(base(Some(control)));
        }
    }
    Table {
        header: header.map(String::from).to_vec(),
        rows,
        widths: vec![
            8.0, 40.0, 18.0, 11.0, 12.0, 9.0, 36.0, 18.0, 12.0, 10.0, 18.0, 18.0, 34.0,
        ],
    }
}

/// The register as the PDF gives it: one line per risk, scores as `L × I = S (band)`.
pub fn register_summary(register: &Register) -> Table {
    let header = [
        "Risk",
        "Title",
        "Owner",
        "Inherent",
        "Treatment",
        "Controls",
        "Residual",
        "Within criterion",
        "Owner's approval",
    ];
    let rows = register
        .rows
        .iter()
        .map(|r| {
            vec![
                r.id.clone(),
                r.title.clone(),
                r.owner.clone(),
                r.inherent.describe(),
                r.treatment.to_string(),
                ids(&r.controls),
                r.residual.describe() + if r.rated { "" } else { ", not rated" },
                r.within.clone(),
                r.owner_approval.clone(),
            ]
        })
        .collect();
    Table {
        header: header.map(String::from).to_vec(),
        rows,
        widths: Vec::new(),
    }
}

/// The treatment plan as the PDF gives it: one line per risk, its controls with their state.
pub fn plan_summary(register: &Register) -> Table {
    let header = [
        "Risk",
        "Title",
        "Risk owner",
        "Treatment",
        "State",
        "Actions (controls)",
        "Inherent",
        "Residual",
        "Owner's approval",
    ];
    let rows = register
        .plan
        .iter()
        .map(|p| {
            let actions: Vec<String> = p
                .controls
                .iter()
                .map(|c| {
                    format!(
                        "{} {} ({}, {}; {})",
                        c.id,
                        c.title,
                        status_name(c.status),
                        if c.operated {
                            "operated"
                        } else {
                            "not operated"
                        },
                        c.owner
                    )
                })
                .collect();
            vec![
                p.id.clone(),
                p.title.clone(),
                p.owner.clone(),
                p.treatment.to_string(),
                p.state.to_string(),
                actions.join("\n"),
                p.inherent.describe(),
                p.residual.describe(),
                p.owner_approval.clone(),
            ]
        })
        .collect();
    Table {
        header: header.map(String::from).to_vec(),
        rows,
        widths: Vec::new(),
    }
}

fn ids(controls: &[PlanControl]) -> String {
    controls
        .iter()
        .map(|c| c.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A control's status, `unknown` for an id that names no control.
pub fn status_name(status: Option<Status>) -> &'static str {
    status.map_or("unknown", Status::name)
}

fn yes_no(yes: bool) -> String {
    if yes { "yes" } else { "no" }.to_string()
}

/// The colour of a band's cells.
fn fill(band: Band) -> &'static str {
    match band {
        Band::Low => "#d9f0e1",
        Band::Medium => "#fff0bf",
        Band::High => "#fbd2ae",
        Band::Critical => "#f5b5ae",
    }
}

const CELL: u32 = 54;
const LEFT: u32 = 62;
const TOP: u32 = 30;

/// A heat map as a self-contained SVG: likelihood up the side (5 at the top), impact along the
/// bottom, each cell coloured by its score's band and holding its count of risks (a tooltip lists
/// them); the cells within the acceptance criterion are outlined in green.
pub fn heat_map_svg(map: &HeatMap, title: &str, criterion: Option<u8>) -> String {
    let width = LEFT + 5 * CELL + 12;
    let height = TOP + 5 * CELL + 46;
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{label}" font-family="Helvetica, Arial, Libertinus Serif, sans-serif">"#,
        label = xml(&format!("{title}: {} risks", map.total())),
    );
    svg.push_str(&format!(
        r##"<text x="{x}" y="18" font-size="14" font-weight="bold" text-anchor="middle" fill="#1f2933">{}</text>"##,
        xml(title),
        x = LEFT + 5 * CELL / 2
    ));
    for likelihood in (1..=5u8).rev() {
        let y = TOP + u32::from(5 - likelihood) * CELL;
        svg.push_str(&format!(
            r##"<text x="{x}" y="{ty}" font-size="12" text-anchor="end" fill="#616e7c">{likelihood}</text>"##,
            x = LEFT - 8,
            ty = y + CELL / 2 + 4
        ));
        for impact in 1..=5u8 {
            svg.push_str(&cell(map, likelihood, impact, y, criterion));
        }
    }
    for impact in 1..=5u32 {
        svg.push_str(&format!(
            r##"<text x="{x}" y="{y}" font-size="12" text-anchor="middle" fill="#616e7c">{impact}</text>"##,
            x = LEFT + (impact - 1) * CELL + CELL / 2,
            y = TOP + 5 * CELL + 16
        ));
    }
    svg.push_str(&format!(
        r##"<text x="{x}" y="{y}" font-size="12" text-anchor="middle" fill="#1f2933">Impact</text>"##,
        x = LEFT + 5 * CELL / 2,
        y = TOP + 5 * CELL + 36
    ));
    svg.push_str(&format!(
        r##"<text x="16" y="{y}" font-size="12" text-anchor="middle" fill="#1f2933" transform="rotate(-90 16 {y})">Likelihood</text>"##,
        y = TOP + 5 * CELL / 2
    ));
    svg.push_str("</svg>");
    svg
}

fn cell(map: &HeatMap, likelihood: u8, impact: u8, y: u32, criterion: Option<u8>) -> String {
    let x = LEFT + u32::from(impact - 1) * CELL;
    let score = likelihood * impact;
    let count = map.count(likelihood, impact);
    let within = criterion.is_some_and(|max| score <= max);
    let (stroke, width) = if within {
        ("#1e7b4b", 2)
    } else {
        ("#ffffff", 1)
    };
    let ids = &map.ids[usize::from(likelihood) - 1][usize::from(impact) - 1];
    let tooltip = format!(
        "likelihood {likelihood} × impact {impact} = {score}: {}",
        if ids.is_empty() {
            "no risk".to_string()
        } else {
            ids.join(", ")
        }
    );
    let mut out = format!(
        r##"<g><title>{}</title><rect x="{rx}" y="{ry}" width="{w}" height="{w}" fill="{}" stroke="{stroke}" stroke-width="{width}"/>"##,
        xml(&tooltip),
        fill(Band::of(score)),
        rx = x + 1,
        ry = y + 1,
        w = CELL - 2,
    );
    out.push_str(&format!(
        r##"<text x="{}" y="{}" font-size="9" fill="#616e7c">{score}</text>"##,
        x + 5,
        y + 13
    ));
    if count > 0 {
        out.push_str(&format!(
            r##"<text x="{}" y="{}" font-size="20" font-weight="bold" text-anchor="middle" fill="#1f2933">{count}</text>"##,
            x + CELL / 2,
            y + CELL / 2 + 8
        ));
    }
    out.push_str("</g>");
    out
}

/// Text for SVG (XML): `&`, `<`, `>` and quotes escaped.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_text_is_escaped() {
        assert_eq!(
            xml("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
