//! Coverage: every in-scope requirement is covered by an implemented control or, where its group
//! allows, excluded with a justification; exclusions do not contradict claims; planned controls are
//! gaps. Controls decide coverage: a policy's `[satisfies]` is documentation, not coverage.

use crate::diag::{Code, Diagnostic};
use crate::model::{
    Control, Coverage, Doc, Framework, FrameworkScope, Model, Operations, Status, Text,
};

/// Runs the coverage rules for every framework in scope.
pub fn check(operations: &Operations, found: &mut Vec<Diagnostic>) {
    let model = operations.model();
    let Some(config) = &model.config else { return };
    for doc in &model.controls {
        if *doc.data.status.get_ref() == Status::Planned {
            found.push(
                doc.finding(
                    Code::ControlPlanned,
                    &doc.data.status,
                    format!(
                        "control `{}` is planned: until it operates it covers nothing",
                        doc.data.id.get_ref()
                    ),
                )
                .with_help(
                    "set `status = \"implemented\"` once it operates and evidence of it exists",
                ),
            );
        }
    }
    for (framework_id, scope) in &config.data.frameworks {
        let Some(framework) = model.framework(framework_id.get_ref()) else {
            continue;
        };
        check_exclusions(model, framework, scope, found);
        check_requirements(operations, framework_id, framework, found);
    }
}

fn check_exclusions(
    model: &Model,
    framework: &Framework,
    scope: &FrameworkScope,
    found: &mut Vec<Diagnostic>,
) {
    let Some(config) = &model.config else { return };
    for (id, justification) in &scope.excluded {
        let Some(requirement) = framework.requirement(id.get_ref()) else {
            continue;
        };
        let excludable = framework
            .group(requirement.group.get_ref())
            .is_some_and(|g| g.excludable);
        if !excludable {
            found.push(
                config
                    .finding(
                        Code::RequirementNotExcludable,
                        id,
                        format!(
                            "{} `{}` ({}) cannot be excluded: its group `{}` is mandatory",
                            framework.title(),
                            id.get_ref(),
                            requirement.title,
                            requirement.group.get_ref()
                        ),
                    )
                    .with_help("map a control to it instead"),
            );
        }
        if crate::model::is_blank(justification.get_ref()) {
            found.push(
                config.finding(Code::ExclusionWithoutJustification, justification,
                    format!("the exclusion of `{}` has no justification (nothing but white space or invisible characters)", id.get_ref()),
                )
                .with_help("say why the control does not apply: an auditor reads this in the Statement of Applicability"),
            );
        }
        for (control, claim) in claims_of(model, framework.id(), id.get_ref()) {
            found.push(
                control.finding(Code::ExcludedRequirementClaimed, claim,
                    format!(
                        "control `{}` claims `{}`, which crosswalk.toml excludes",
                        control.data.id.get_ref(),
                        id.get_ref()
                    ),
                )
                .with_related(config.file, config.span(id), "excluded here")
                .with_help(
                    "remove the claim, or remove the exclusion if the control applies after all",
                ),
            );
        }
    }
}

/// Each claim of a requirement, with the control making it, in control order.
fn claims_of<'m>(
    model: &'m Model,
    framework_id: &str,
    requirement_id: &str,
) -> Vec<(&'m Doc<Control>, &'m Text)> {
    model
        .claiming(framework_id, requirement_id)
        .into_iter()
        .flat_map(|control| {
            control
                .data
                .satisfies
                .iter()
                .filter(|(f, _)| f.get_ref() == framework_id)
                .flat_map(|(_, ids)| ids)
                .filter(|id| id.get_ref() == requirement_id)
                .map(move |id| (control, id))
        })
        .collect()
}

fn check_requirements(
    operations: &Operations,
    framework_id: &Text,
    framework: &Framework,
    found: &mut Vec<Diagnostic>,
) {
    let model = operations.model();
    let Some(config) = &model.config else { return };
    for requirement in model.scoped_requirements(framework_id.get_ref()) {
        let id = requirement.id.get_ref();
        // A claimed requirement (an implemented control without the evidence to show it operated)
        // is reported at that control, where it is fixed.
        let coverage = operations.coverage(framework_id.get_ref(), id);
        if !matches!(coverage, Coverage::Uncovered | Coverage::Partial) {
            continue;
        }
        // An uncovered item of an uncovered parent is the parent's finding: claiming the parent
        // covers it.
        let parent_uncovered = requirement.parent.as_ref().is_some_and(|p| {
            operations.coverage(framework_id.get_ref(), p.get_ref()) == Coverage::Uncovered
        });
        if coverage == Coverage::Uncovered && parent_uncovered {
            continue;
        }
        let items: Vec<&str> = framework
            .children(id)
            .filter(|item| model.requirement_in_scope(framework_id.get_ref(), item.id.get_ref()))
            .map(|item| item.id.get_ref().as_str())
            .collect();
        let described = format!("{} `{id}` ({})", framework.title(), requirement.title);
        let diagnostic = if coverage == Coverage::Uncovered {
            let excludable = framework
                .group(requirement.group.get_ref())
                .is_some_and(|g| g.excludable);
            let help = if excludable {
                format!(
                    "claim it in a control's `[satisfies]`, or exclude it under `[frameworks.{}.excluded]` with a justification",
                    framework_id.get_ref()
                )
            } else {
                "claim it in the `[satisfies]` of a control that addresses it".to_string()
            };
            config
                .finding(
                    Code::RequirementUncovered,
                    framework_id,
                    match items.len() {
                        0 => format!("{described} is not covered by any control"),
                        n => format!(
                            "{described} is not covered by any control, nor are its {n} items"
                        ),
                    },
                )
                .with_help(help)
                .in_group(
                    format!(
                        "requirements of {} are not covered by any control",
                        framework.title()
                    ),
                    match items.len() {
                        0 => format!("`{id}` {}", requirement.title),
                        n => format!("`{id}` {} (and its {n} items)", requirement.title),
                    },
                )
        } else if !items.is_empty() && model.claiming(framework_id.get_ref(), id).is_empty() {
            let open: Vec<String> = items
                .iter()
                .filter(|item| operations.coverage(framework_id.get_ref(), item).is_gap())
                .map(|item| format!("`{item}`"))
                .collect();
            config
                .finding(
                    Code::RequirementPartiallyCovered,
                    framework_id,
                    format!(
                        "{described} is covered only in part: {} of its {} items {} not ({})",
                        open.len(),
                        items.len(),
                        if open.len() == 1 { "is" } else { "are" },
                        open.join(", ")
                    ),
                )
                .with_help(
                    "it is covered when it is claimed itself or when every one of its items is",
                )
        } else {
            config
                .finding(
                    Code::RequirementPartiallyCovered,
                    framework_id,
                    format!("{described} is claimed only by partial or planned controls"),
                )
                .with_help("it is covered once one of its controls is implemented")
        };
        found.push(diagnostic);
    }
}
