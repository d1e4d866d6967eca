//! Scope and coverage: which requirements a framework puts in scope, which are excluded, and the
//! coverage state of each. The one place these rules live: `check`, the renderers and `trace` ask
//! here and never re-derive them.
//!
//! Controls decide coverage, and coverage means operated. A requirement is [`Coverage::Evidenced`]
//! when an implemented control that operated (see [`super::operation`]) claims it,
//! [`Coverage::Claimed`] when implemented controls claim it but none has the evidence to show it
//! operated, [`Coverage::Partial`] when only partial or planned ones do, [`Coverage::Uncovered`]
//! when it is in scope and nothing claims it, [`Coverage::Excluded`] when `crosswalk.toml` excludes
//! it, and [`Coverage::OutOfScope`] when its framework or group is not in scope and nothing claims
//! it. Only evidenced counts as covered; the state is asked of [`super::Operations::coverage`],
//! which knows the judging date.

use std::collections::HashMap;

use super::catalog::Requirement;
use super::{Control, Doc, Framework, FrameworkScope, Model, Status, Text};

/// A requirement's coverage state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Coverage {
    /// An implemented control that operated claims it: its evidence is fresh and covers every
    /// period so far.
    Evidenced,
    /// Implemented controls claim it, but none has evidence that it operated (missing, stale or
    /// with gaps): never counted as covered.
    Claimed,
    /// Only partial or planned controls claim it.
    Partial,
    /// Excluded with a justification (an SoA exclusion).
    Excluded,
    /// In scope, and no control claims it.
    Uncovered,
    /// Its framework or group is not in scope, and no control claims it.
    OutOfScope,
}

crate::names!(serialize Coverage {
    Evidenced => "evidenced",
    Claimed => "claimed",
    Partial => "partial",
    Excluded => "excluded",
    Uncovered => "uncovered",
    OutOfScope => "out of scope",
});

impl Coverage {
    /// Whether the requirement is a gap: in scope, not excluded, and not evidenced.
    pub fn is_gap(self) -> bool {
        matches!(
            self,
            Coverage::Claimed | Coverage::Partial | Coverage::Uncovered
        )
    }

    /// The state given whether the requirement is excluded, the status of each control claiming it
    /// with whether that control operated, and whether it is in scope.
    pub(super) fn of(
        excluded: bool,
        claims: impl IntoIterator<Item = (Status, bool)>,
        in_scope: bool,
    ) -> Self {
        let (mut claimed, mut implemented) = (false, false);
        for (status, operated) in claims {
            if status == Status::Implemented && !excluded {
                if operated {
                    return Coverage::Evidenced;
                }
                implemented = true;
            }
            claimed = true;
        }
        match (excluded, implemented, claimed, in_scope) {
            (true, _, _, _) => Coverage::Excluded,
            (false, true, _, _) => Coverage::Claimed,
            (false, false, true, _) => Coverage::Partial,
            (false, false, false, true) => Coverage::Uncovered,
            (false, false, false, false) => Coverage::OutOfScope,
        }
    }
}

/// How far an ISO 27001 Annex A control is implemented, as the Statement of Applicability says:
/// the best status among the controls of the library that claim it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Implementation {
    /// An implemented control claims it.
    Implemented,
    /// The best claiming control is partial.
    Partial,
    /// The only claiming controls are planned.
    Planned,
    /// Applicable, and no control claims it.
    NotImplemented,
    /// Excluded from the SoA.
    Excluded,
}

crate::names!(serialize Implementation {
    Implemented => "implemented",
    Partial => "partial",
    Planned => "planned",
    NotImplemented => "not implemented",
    Excluded => "excluded",
});

impl Implementation {
    /// The best status among the controls claiming an applicable requirement.
    pub fn of(claiming: &[&Doc<Control>]) -> Self {
        let has = |status| claiming.iter().any(|c| *c.data.status.get_ref() == status);
        if has(Status::Implemented) {
            Implementation::Implemented
        } else if has(Status::Partial) {
            Implementation::Partial
        } else if has(Status::Planned) {
            Implementation::Planned
        } else {
            Implementation::NotImplemented
        }
    }
}

/// The claims of every control, by (catalog id, requirement id): built once per model.
#[derive(Clone, Debug, Default)]
pub(super) struct ClaimIndex {
    by_requirement: HashMap<(String, String), Vec<usize>>,
}

impl ClaimIndex {
    pub(super) fn of(model: &Model) -> Self {
        let mut by_requirement: HashMap<(String, String), Vec<usize>> = HashMap::new();
        for (index, control) in model.controls.iter().enumerate() {
            for (framework, ids) in &control.data.satisfies {
                for id in ids {
                    let claims = by_requirement
                        .entry((framework.get_ref().clone(), id.get_ref().clone()))
                        .or_default();
                    if claims.last() != Some(&index) {
                        claims.push(index);
                    }
                }
            }
        }
        ClaimIndex { by_requirement }
    }

    pub(super) fn get(&self, framework: &str, requirement: &str) -> &[usize] {
        // A tuple of owned strings cannot be looked up by borrowed parts; the clone is two short ids.
        self.by_requirement
            .get(&(framework.to_string(), requirement.to_string()))
            .map_or(&[], Vec::as_slice)
    }
}

impl FrameworkScope {
    /// Whether a requirement group is in scope: required by the catalog, or chosen in
    /// `categories` (every group when `categories` is absent).
    pub fn includes_group(&self, framework: &Framework, group: &str) -> bool {
        let required = framework.group(group).is_some_and(|g| g.required);
        required
            || self
                .categories
                .as_ref()
                .is_none_or(|chosen| chosen.iter().any(|c| c.get_ref() == group))
    }

    /// The exclusion of a requirement, as written: its key and its justification.
    pub fn exclusion(&self, requirement_id: &str) -> Option<(&Text, &Text)> {
        self.excluded
            .iter()
            .find(|(id, _)| id.get_ref() == requirement_id)
    }
}

impl Model {
    /// The scope `crosswalk.toml` gives a framework, if it puts it in scope.
    pub fn scope(&self, framework_id: &str) -> Option<&FrameworkScope> {
        let config = self.config.as_ref()?;
        config
            .data
            .frameworks
            .iter()
            .find(|(id, _)| id.get_ref() == framework_id)
            .map(|(_, scope)| scope)
    }

    /// The frameworks `crosswalk.toml` puts in scope that have a catalog, in its order.
    pub fn frameworks_in_scope(&self) -> Vec<&Framework> {
        self.config
            .iter()
            .flat_map(|c| c.data.frameworks.keys())
            .filter_map(|id| self.framework(id.get_ref()))
            .collect()
    }

    /// Whether a requirement's group is in scope (excluded or not): its framework is in scope and
    /// its group is required or chosen.
    pub fn in_scope_group(&self, framework_id: &str, requirement_id: &str) -> bool {
        let Some((framework, scope)) = self.framework(framework_id).zip(self.scope(framework_id))
        else {
            return false;
        };
        framework
            .requirement(requirement_id)
            .is_some_and(|r| scope.includes_group(framework, r.group.get_ref()))
    }

    /// The requirements of a framework whose group is in scope (excluded ones included), in catalog
    /// order; none when the framework is not in scope.
    pub fn scoped_requirements(&self, framework_id: &str) -> Vec<&Requirement> {
        let Some((framework, scope)) = self.framework(framework_id).zip(self.scope(framework_id))
        else {
            return Vec::new();
        };
        framework
            .catalog
            .requirements
            .iter()
            .filter(|r| scope.includes_group(framework, r.group.get_ref()))
            .collect()
    }

    /// The justification of a requirement's exclusion, if `crosswalk.toml` excludes it.
    pub fn exclusion(&self, framework_id: &str, requirement_id: &str) -> Option<&Text> {
        self.scope(framework_id)?
            .exclusion(requirement_id)
            .map(|(_, why)| why)
    }

    /// Whether a requirement is applicable: its group is in scope and it is not excluded.
    pub fn requirement_in_scope(&self, framework_id: &str, requirement_id: &str) -> bool {
        self.in_scope_group(framework_id, requirement_id)
            && self.exclusion(framework_id, requirement_id).is_none()
    }

    /// The controls that claim a requirement, in control order (each once).
    pub fn claiming(&self, framework_id: &str, requirement_id: &str) -> Vec<&Doc<Control>> {
        let index = self.claim_index.get_or_init(|| ClaimIndex::of(self));
        index
            .get(framework_id, requirement_id)
            .iter()
            .map(|&i| &self.controls[i])
            .collect()
    }

    /// The ids of the controls that claim a requirement, in control order.
    pub fn claimants(&self, framework_id: &str, requirement_id: &str) -> Vec<String> {
        self.claiming(framework_id, requirement_id)
            .into_iter()
            .map(|control| control.data.id.get_ref().clone())
            .collect()
    }
}
