//! The gap analysis: per framework in scope, which requirements implemented controls cover, which
//! only partial or planned controls claim, which are excluded and which nothing covers; the
//! requirements that rest on a single control; the controls without fresh evidence; and the overlap
//! between frameworks (how much of one the controls serving the other already meet).

use std::collections::BTreeSet;

use serde::Serialize;

use super::views::MatrixRow;
use crate::model::{Coverage, Model, Status};

/// One requirement in the analysis.
#[derive(Clone, Debug, Serialize)]
pub struct RequirementGap {
    /// Requirement id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// covered, partial, excluded or uncovered.
    pub status: Coverage,
    /// The controls that claim it.
    pub controls: Vec<String>,
    /// For excluded requirements, the justification.
    pub justification: String,
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
    /// Of those, covered by an implemented control.
    pub covered: usize,
    /// Claimed only by partial or planned controls.
    pub partial: usize,
    /// Excluded with a justification.
    pub excluded: usize,
    /// Claimed by nothing.
    pub uncovered: usize,
    /// `covered` as a whole percentage of `applicable`.
    pub percent: usize,
    /// Every in-scope requirement, in catalog order.
    pub requirements: Vec<RequirementGap>,
    /// Covered requirements that rest on a single implemented control.
    pub single_points: Vec<RequirementGap>,
}

/// How much of one framework the controls serving another already meet.
#[derive(Clone, Debug, Serialize)]
pub struct Overlap {
    /// The framework whose requirements are counted.
    pub framework: String,
    /// The framework the controls also serve.
    pub through: String,
    /// Applicable requirements of `framework` covered by implemented controls that also satisfy a
    /// requirement of `through`.
    pub met: usize,
    /// Applicable requirements of `framework`.
    pub applicable: usize,
}

/// The whole analysis.
#[derive(Clone, Debug, Serialize)]
pub struct Gaps {
    /// Per framework in scope.
    pub frameworks: Vec<FrameworkGaps>,
    /// Per ordered pair of frameworks in scope.
    pub overlaps: Vec<Overlap>,
    /// Controls that are not operating with fresh evidence (the matrix's gap column).
    pub controls: Vec<MatrixRow>,
}

/// Analyses the model; `matrix` gives each control's gap as of the judging date.
pub fn analyse(model: &Model, matrix: &[MatrixRow]) -> Gaps {
    let frameworks: Vec<FrameworkGaps> = model
        .frameworks_in_scope()
        .into_iter()
        .map(|f| analyse_one(model, f.id()))
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
    Gaps {
        frameworks,
        overlaps,
        controls,
    }
}

fn analyse_one(model: &Model, id: &str) -> FrameworkGaps {
    let framework = model.framework(id).expect("frameworks in scope exist");
    let status_of = |control: &str| model.control(control).map(|c| *c.data.status.get_ref());
    let requirements: Vec<RequirementGap> = model
        .scoped_requirements(id)
        .into_iter()
        .map(|requirement| {
            let rid = requirement.id.get_ref().as_str();
            RequirementGap {
                id: rid.to_string(),
                title: requirement.title.clone(),
                status: model.coverage(id, rid),
                controls: model.claimants(id, rid),
                justification: model
                    .exclusion(id, rid)
                    .map(|why| why.get_ref().clone())
                    .unwrap_or_default(),
            }
        })
        .collect();
    let count = |status: Coverage| requirements.iter().filter(|r| r.status == status).count();
    let (covered, partial, excluded, uncovered) = (
        count(Coverage::Covered),
        count(Coverage::Partial),
        count(Coverage::Excluded),
        count(Coverage::Uncovered),
    );
    let applicable = requirements.len() - excluded;
    let single_points = requirements
        .iter()
        .filter(|r| {
            r.status == Coverage::Covered
                && r.controls
                    .iter()
                    .filter(|c| status_of(c) == Some(Status::Implemented))
                    .count()
                    == 1
        })
        .cloned()
        .collect();
    FrameworkGaps {
        id: id.to_string(),
        title: framework.title().to_string(),
        applicable,
        covered,
        partial,
        excluded,
        uncovered,
        percent: (covered * 100).checked_div(applicable).unwrap_or(100),
        requirements,
        single_points,
    }
}

/// Of `a`'s covered requirements, those covered by a control that also claims something in `b`.
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
            r.status == Coverage::Covered
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
