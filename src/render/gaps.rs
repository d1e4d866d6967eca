//! The gap analysis, as of the judging date: per framework in scope, which requirements are
//! evidenced (an implemented control claims them and its evidence shows it operated in every period
//! so far), which are only claimed (implemented controls without that evidence), which only partial
//! or planned controls claim, which are excluded and which nothing covers; the requirements that
//! rest on a single control; the controls that did not operate; each control's operating timeline;
//! and the overlap between frameworks (how much of one the controls serving the other already meet).
//! The headline figure is the evidenced share: claimed is shown beside it, never counted in it.

use std::collections::BTreeSet;

use serde::Serialize;

use super::views::{MatrixRow, TimelineRow};
use crate::model::{CellState, Coverage, Model, Operations, Status};

/// One requirement in the analysis.
#[derive(Clone, Debug, Serialize)]
pub struct RequirementGap {
    /// Requirement id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// evidenced, claimed, partial, excluded or uncovered.
    pub status: Coverage,
    /// The controls that claim it.
    pub controls: Vec<String>,
    /// For excluded requirements, the justification.
    pub justification: String,
    /// The requirement it is an item of, if any: items are listed, but the figures count the
    /// requirements they belong to, so that a catalog's granularity cannot inflate them.
    pub parent: Option<String>,
    /// How it is covered when no control claims it: through its items, or through the parent a
    /// control claims.
    pub through: Option<String>,
}

/// The analysis of one framework.
#[derive(Clone, Debug, Serialize)]
pub struct FrameworkGaps {
    /// Catalog id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// In-scope requirements that are not excluded.
    pub applicable: usize,
    /// Of those, claimed by an implemented control whose evidence shows it operated.
    pub evidenced: usize,
    /// Claimed by implemented controls, none of which has the evidence: not covered.
    pub claimed: usize,
    /// Claimed only by partial or planned controls.
    pub partial: usize,
    /// Excluded with a justification.
    pub excluded: usize,
    /// Claimed by nothing.
    pub uncovered: usize,
    /// `evidenced` as a whole percentage of `applicable`, rounded down (never up to 100%).
    pub percent: usize,
    /// `claimed` as a whole percentage of `applicable`, rounded down.
    pub claimed_percent: usize,
    /// Every in-scope requirement, in catalog order.
    pub requirements: Vec<RequirementGap>,
    /// Evidenced requirements that rest on a single control that operated.
    pub single_points: Vec<RequirementGap>,
}

/// How much of one framework the controls serving another already meet.
#[derive(Clone, Debug, Serialize)]
pub struct Overlap {
    /// The framework whose requirements are counted.
    pub framework: String,
    /// The framework the controls also serve.
    pub through: String,
    /// Applicable requirements of `framework` evidenced by controls that also satisfy a requirement
    /// of `through`.
    pub met: usize,
    /// Applicable requirements of `framework`.
    pub applicable: usize,
}

/// How many operating controls operated in every period so far.
#[derive(Clone, Debug, Serialize)]
pub struct Operated {
    /// Implemented or partial controls.
    pub operating: usize,
    /// Of those, the ones with fresh evidence for every period so far.
    pub every_period: usize,
    /// Periods so far (evidenced, or ended) across those controls.
    pub periods_due: usize,
    /// Of those, evidenced.
    pub periods_evidenced: usize,
}

/// The whole analysis.
#[derive(Clone, Debug, Serialize)]
pub struct Gaps {
    /// The date it is judged as of.
    pub as_of: String,
    /// Per framework in scope.
    pub frameworks: Vec<FrameworkGaps>,
    /// Per ordered pair of frameworks in scope.
    pub overlaps: Vec<Overlap>,
    /// Controls that did not operate (the matrix's gap column).
    pub controls: Vec<MatrixRow>,
    /// How many controls operated in every period so far.
    pub operated: Operated,
    /// Every control's operating timeline, in control order.
    pub timeline: Vec<TimelineRow>,
    /// ISO 27001's mandatory documented information and what meets each item (empty when ISO
    /// 27001 is not in scope).
    pub mandatory: Vec<crate::model::isms::ChecklistItem>,
}

/// Analyses the model as of the operations' judging date; `matrix` gives each control's gap.
pub fn analyse(operations: &Operations, matrix: &[MatrixRow]) -> Gaps {
    let model = operations.model();
    let frameworks: Vec<FrameworkGaps> = model
        .frameworks_in_scope()
        .into_iter()
        .map(|f| analyse_one(operations, f.id()))
        .collect();
    let mut overlaps = Vec::new();
    for a in &frameworks {
        for b in frameworks.iter().filter(|b| b.id != a.id) {
            overlaps.push(overlap(model, a, b));
        }
    }
    let controls = matrix
        .iter()
        .filter(|r| !r.gap.is_empty())
        .cloned()
        .collect();
    let timeline = super::views::timeline_rows(operations);
    Gaps {
        as_of: operations.as_of.to_string(),
        frameworks,
        overlaps,
        controls,
        operated: operated(operations),
        timeline,
        mandatory: model.mandatory_documents(),
    }
}

fn operated(operations: &Operations) -> Operated {
    let operating: Vec<_> = operations.iter().filter(|o| o.operates()).collect();
    let cells = || operating.iter().flat_map(|o| &o.timeline);
    Operated {
        operating: operating.len(),
        every_period: operating.iter().filter(|o| o.operated()).count(),
        periods_due: cells().filter(|c| c.state != CellState::NotYetDue).count(),
        periods_evidenced: cells().filter(|c| c.state == CellState::Evidenced).count(),
    }
}

/// How a requirement no control claims is covered: through the nearest parent a control claims,
/// or through its items.
pub fn through(
    operations: &Operations,
    framework: &crate::model::Framework,
    id: &str,
    status: Coverage,
    controls: &[String],
) -> Option<String> {
    if !controls.is_empty()
        || !matches!(
            status,
            Coverage::Evidenced | Coverage::Claimed | Coverage::Partial
        )
    {
        return None;
    }
    let model = operations.model();
    let claimed_parent = framework
        .ancestors(id)
        .into_iter()
        .find(|a| !model.claimants(framework.id(), a.id.get_ref()).is_empty());
    Some(match claimed_parent {
        Some(parent) => format!(
            "its parent `{}` ({})",
            parent.id.get_ref(),
            model
                .claimants(framework.id(), parent.id.get_ref())
                .join(", ")
        ),
        None => "its items".to_string(),
    })
}

fn analyse_one(operations: &Operations, id: &str) -> FrameworkGaps {
    let model = operations.model();
    let framework = model.framework(id).expect("frameworks in scope exist");
    let operated = |control: &str| operations.of(control).is_some_and(|o| o.operated());
    let requirements: Vec<RequirementGap> = model
        .scoped_requirements(id)
        .into_iter()
        .map(|requirement| {
            let rid = requirement.id.get_ref().as_str();
            let status = operations.coverage(id, rid);
            let controls = model.claimants(id, rid);
            RequirementGap {
                id: rid.to_string(),
                title: requirement.title.clone(),
                status,
                through: through(operations, framework, rid, status, &controls),
                controls,
                justification: model
                    .exclusion(id, rid)
                    .map(|why| why.get_ref().clone())
                    .unwrap_or_default(),
                parent: requirement.parent.as_ref().map(|p| p.get_ref().clone()),
            }
        })
        .collect();
    // The figures count the requirements that are not items of another.
    let count = |status: Coverage| {
        requirements
            .iter()
            .filter(|r| r.parent.is_none() && r.status == status)
            .count()
    };
    let (evidenced, claimed, partial, excluded, uncovered) = (
        count(Coverage::Evidenced),
        count(Coverage::Claimed),
        count(Coverage::Partial),
        count(Coverage::Excluded),
        count(Coverage::Uncovered),
    );
    let applicable = requirements.iter().filter(|r| r.parent.is_none()).count() - excluded;
    let implemented = |control: &str| {
        model
            .control(control)
            .is_some_and(|c| *c.data.status.get_ref() == Status::Implemented)
    };
    let single_points = requirements
        .iter()
        .filter(|r| {
            r.parent.is_none()
                && r.status == Coverage::Evidenced
                && r.controls
                    .iter()
                    .filter(|c| implemented(c) && operated(c))
                    .count()
                    == 1
        })
        .cloned()
        .collect();
    FrameworkGaps {
        id: id.to_string(),
        title: framework.title().to_string(),
        applicable,
        evidenced,
        claimed,
        partial,
        excluded,
        uncovered,
        percent: share(evidenced, applicable),
        claimed_percent: share(claimed, applicable),
        requirements,
        single_points,
    }
}

/// A framework's headline coverage: the evidenced share, with the claimed one beside it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Headline {
    /// Catalog id.
    pub framework: String,
    /// Its title.
    pub title: String,
    /// Applicable requirements.
    pub applicable: usize,
    /// Evidenced ones.
    pub evidenced: usize,
    /// Claimed ones (implemented controls without the evidence).
    pub claimed: usize,
    /// The evidenced share, a whole percentage rounded down.
    pub percent: usize,
}

impl std::fmt::Display for Headline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}% evidenced ({} of {}), {} claimed without evidence",
            self.percent, self.evidenced, self.applicable, self.claimed
        )
    }
}

/// The headline of every framework in scope, in `crosswalk.toml`'s order.
pub fn headlines(operations: &Operations) -> Vec<Headline> {
    operations
        .model()
        .frameworks_in_scope()
        .into_iter()
        .map(|f| {
            let gaps = analyse_one(operations, f.id());
            Headline {
                framework: gaps.id,
                title: gaps.title,
                applicable: gaps.applicable,
                evidenced: gaps.evidenced,
                claimed: gaps.claimed,
                percent: gaps.percent,
            }
        })
        .collect()
}

/// `part` as a whole percentage of `whole`, rounded down so that a gap never shows as 100%; 100 when
/// nothing is applicable.
fn share(part: usize, whole: usize) -> usize {
    (part * 100).checked_div(whole).unwrap_or(100)
}

/// Of `a`'s evidenced requirements, those claimed by a control that also claims something in `b`.
fn overlap(model: &Model, a: &FrameworkGaps, b: &FrameworkGaps) -> Overlap {
    let serving_b: BTreeSet<&str> = model
        .controls
        .iter()
        .filter(|c| *c.data.status.get_ref() == Status::Implemented)
        .filter(|c| {
            c.data
                .satisfies
                .iter()
                .any(|(f, ids)| f.get_ref() == &b.id && !ids.is_empty())
        })
        .map(|c| c.data.id.get_ref().as_str())
        .collect();
    let met = a
        .requirements
        .iter()
        .filter(|r| {
            r.parent.is_none()
                && r.status == Coverage::Evidenced
                && r.controls.iter().any(|c| serving_b.contains(c.as_str()))
        })
        .count();
    Overlap {
        framework: a.title.clone(),
        through: b.title.clone(),
        met,
        applicable: a.applicable,
    }
}
