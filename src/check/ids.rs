//! Uniqueness of ids, and the integrity of the repository's own catalogs.

use std::collections::HashMap;
use std::ops::Range;

use crate::diag::{Code, Diagnostic, FileId, did_you_mean};
use crate::model::{Framework, Model};

/// Where an id was first defined.
type FirstSeen = (FileId, Range<usize>);

/// Duplicate document ids (one namespace for every kind, so `trace ID` is unambiguous), duplicate
/// catalog ids, and within each user catalog: duplicate requirement ids, requirements in undefined
/// groups, and superseded ids replaced by requirements that do not exist.
pub fn check(model: &Model, found: &mut Vec<Diagnostic>) {
    check_document_ids(model, found);
    check_catalog_ids(model, found);
    for framework in &model.frameworks {
        if let Some(file) = framework.file {
            check_catalog(framework, file, found);
        }
    }
}

fn check_document_ids(model: &Model, found: &mut Vec<Diagnostic>) {
    let ids = model
        .policies
        .iter()
        .map(|d| (d.data.id.get_ref(), d.file, d.span(&d.data.id)))
        .chain(
            model
                .controls
                .iter()
                .map(|d| (d.data.id.get_ref(), d.file, d.span(&d.data.id))),
        )
        .chain(
            model
                .evidence
                .iter()
                .map(|d| (d.data.id.get_ref(), d.file, d.span(&d.data.id))),
        )
        .chain(
            model
                .risks
                .iter()
                .map(|d| (d.data.id.get_ref(), d.file, d.span(&d.data.id))),
        );
    let mut seen: HashMap<&str, FirstSeen> = HashMap::new();
    for (id, file, span) in ids {
        report_duplicate(&mut seen, id, file, span, "document", found);
    }
}

fn check_catalog_ids(model: &Model, found: &mut Vec<Diagnostic>) {
    let mut built_in: HashMap<&str, ()> = HashMap::new();
    let mut seen: HashMap<&str, FirstSeen> = HashMap::new();
    for framework in &model.frameworks {
        let Some(file) = framework.file else {
            built_in.insert(framework.id(), ());
            continue;
        };
        let span = shift(framework, framework.catalog.id.span());
        if built_in.contains_key(framework.id()) {
            found.push(
                Diagnostic::new(
                    Code::DuplicateId,
                    file,
                    span,
                    format!(
                        "catalog id `{}` is already the id of a built-in catalog",
                        framework.id()
                    ),
                )
                .with_help("give your catalog its own id, e.g. `acme-iso27001`"),
            );
            continue;
        }
        report_duplicate(&mut seen, framework.id(), file, span, "catalog", found);
    }
}

fn check_catalog(framework: &Framework, file: FileId, found: &mut Vec<Diagnostic>) {
    let catalog = &framework.catalog;
    let mut groups: HashMap<&str, FirstSeen> = HashMap::new();
    for group in &catalog.groups {
        let span = shift(framework, group.id.span());
        report_duplicate(&mut groups, group.id.get_ref(), file, span, "group", found);
    }
    let mut seen: HashMap<&str, FirstSeen> = HashMap::new();
    for requirement in &catalog.requirements {
        let span = shift(framework, requirement.id.span());
        report_duplicate(
            &mut seen,
            requirement.id.get_ref(),
            file,
            span,
            "requirement",
            found,
        );
        let group = requirement.group.get_ref();
        if framework.group(group).is_none() {
            let groups = catalog.groups.iter().map(|g| g.id.get_ref().as_str());
            found.push(
                Diagnostic::new(
                    Code::UnknownCategory,
                    file,
                    shift(framework, requirement.group.span()),
                    format!(
                        "requirement `{}` is in group `{group}`, which the catalog does not define",
                        requirement.id.get_ref()
                    ),
                )
                .with_help(
                    did_you_mean(group, groups).unwrap_or_else(|| "add it under [[groups]]".into()),
                ),
            );
        }
    }
    check_hierarchy(framework, file, found);
    check_aliases(framework, file, found);
    for superseded in &catalog.superseded {
        for replacement in &superseded.replaced_by {
            if framework.requirement(replacement.get_ref()).is_none() {
                found.push(Diagnostic::new(
                    Code::UnknownRequirement,
                    file,
                    shift(framework, replacement.span()),
                    format!(
                        "superseded id `{}` is replaced by `{}`, which is not a requirement of `{}`",
                        superseded.id,
                        replacement.get_ref(),
                        framework.id()
                    ),
                ));
            }
        }
    }
}

/// Each `parent` names a requirement of the catalog, and no requirement is its own ancestor.
fn check_hierarchy(framework: &Framework, file: FileId, found: &mut Vec<Diagnostic>) {
    for requirement in &framework.catalog.requirements {
        let Some(parent) = &requirement.parent else {
            continue;
        };
        let id = requirement.id.get_ref();
        let span = shift(framework, parent.span());
        if framework.requirement(parent.get_ref()).is_none() {
            found.push(
                Diagnostic::new(
                    Code::UnknownRequirement,
                    file,
                    span,
                    format!(
                        "requirement `{id}` has the parent `{}`, which is not a requirement of `{}`",
                        parent.get_ref(),
                        framework.id()
                    ),
                )
                .with_optional_help(did_you_mean(parent.get_ref(), framework.requirement_ids())),
            );
            continue;
        }
        if let Some(parent_requirement) = framework.requirement(parent.get_ref())
            && parent_requirement.group.get_ref() != requirement.group.get_ref()
        {
            found.push(
                Diagnostic::new(
                    Code::InvalidValue,
                    file,
                    shift(framework, requirement.group.span()),
                    format!(
                        "requirement `{id}` is an item of `{}` but in group `{}`, not `{}`",
                        parent.get_ref(),
                        requirement.group.get_ref(),
                        parent_requirement.group.get_ref()
                    ),
                )
                .with_help("an item is in its parent's group, so that both are in scope, or excludable, together"),
            );
        }
        let mut seen: Vec<&str> = vec![id.as_str()];
        let mut current = parent.get_ref().as_str();
        while let Some(next) = framework
            .requirement(current)
            .and_then(|r| r.parent.as_ref())
        {
            seen.push(current);
            if seen.contains(&next.get_ref().as_str()) {
                if next.get_ref() == id {
                    found.push(
                        Diagnostic::new(
                            Code::InvalidValue,
                            file,
                            span,
                            format!(
                                "requirement `{id}` is its own ancestor: {} → {id}",
                                seen.join(" → ")
                            ),
                        )
                        .with_help("a requirement's `parent` chain must end at one with no parent"),
                    );
                }
                break;
            }
            current = next.get_ref();
        }
    }
}

/// No alias is another requirement's id or an id of an older version, and no two requirements
/// share an alias or a spelling (`X.1(a)` and `X.1.a` are one id written two ways).
fn check_aliases(framework: &Framework, file: FileId, found: &mut Vec<Diagnostic>) {
    use crate::model::catalog::spelling;
    let mut spelled: HashMap<String, &str> = HashMap::new();
    let mut report = |span, message: String| {
        found.push(
            Diagnostic::new(Code::DuplicateId, file, span, message).with_help(
                "an id, an alias or a spelling must name one requirement: change one of them",
            ),
        );
    };
    for requirement in &framework.catalog.requirements {
        let id = requirement.id.get_ref().as_str();
        let written = std::iter::once(&requirement.id).chain(&requirement.aliases);
        for (index, name) in written.enumerate() {
            let span = shift(framework, name.span());
            let is_alias = index > 0;
            if is_alias {
                if let Some(other) = framework
                    .requirement(name.get_ref())
                    .filter(|o| o.id.get_ref() != id)
                {
                    report(
                        span,
                        format!(
                            "alias `{}` of `{id}` already stands for `{}`",
                            name.get_ref(),
                            other.id.get_ref()
                        ),
                    );
                    continue;
                }
                if framework.superseded(name.get_ref()).is_some() {
                    report(
                        span,
                        format!(
                            "alias `{}` of `{id}` is also an id of an older version, which `superseded` maps",
                            name.get_ref()
                        ),
                    );
                    continue;
                }
            }
            let key = spelling(name.get_ref());
            if key.is_empty() {
                continue;
            }
            match spelled.get(key.as_str()) {
                Some(other) if *other != id => report(
                    span,
                    format!(
                        "`{}` of `{id}` is spelled like `{other}` (the same letters and digits), so a reference to either is ambiguous",
                        name.get_ref()
                    ),
                ),
                Some(_) => {}
                None => {
                    spelled.insert(key, id);
                }
            }
        }
    }
}

fn report_duplicate<'a>(
    seen: &mut HashMap<&'a str, FirstSeen>,
    id: &'a str,
    file: FileId,
    span: Range<usize>,
    what: &str,
    found: &mut Vec<Diagnostic>,
) {
    match seen.get(id) {
        Some((first_file, first_span)) => found.push(
            Diagnostic::new(
                Code::DuplicateId,
                file,
                span,
                format!("duplicate {what} id `{id}`"),
            )
            .with_related(*first_file, first_span.clone(), "first defined here")
            .with_help("ids must be unique: rename one of them"),
        ),
        None => {
            seen.insert(id, (file, span));
        }
    }
}

fn shift(framework: &Framework, span: Range<usize>) -> Range<usize> {
    span.start + framework.offset..span.end + framework.offset
}
