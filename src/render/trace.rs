//! `crosswalk trace ID`: everything connected to one requirement, control, policy, evidence record
//! or risk, across frameworks. Requirement → controls → policies → evidence (and risks), and for
//! each requirement the requirements the crosswalks relate to it, with the controls that claim
//! those. This is the walkthrough an auditor asks for, as a view of the model (text and JSON).

use std::collections::BTreeSet;
use std::fmt::Write;

use serde::Serialize;

use crate::model::crosswalk::RelationType;
use crate::model::{Coverage, Doc, Model, Operation, Operations, Status, names_requirement};

/// The kind of thing traced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Traced {
    /// A framework requirement.
    Requirement,
    /// A control.
    Control,
    /// A policy.
    Policy,
    /// An evidence record.
    Evidence,
    /// A risk.
    Risk,
}

crate::names!(serialize Traced {
    Requirement => "requirement",
    Control => "control",
    Policy => "policy",
    Evidence => "evidence",
    Risk => "risk",
});

/// What was traced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Subject {
    /// requirement, control, policy, evidence or risk.
    pub kind: Traced,
    /// `iso27001:A.5.18` for a requirement, else the document id.
    pub id: String,
    /// Its title.
    pub title: String,
}

/// A requirement in the trace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RequirementView {
    /// Catalog id.
    pub framework: String,
    /// Requirement id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// covered, partial, uncovered, excluded, or out of scope.
    pub coverage: Coverage,
    /// The exclusion's justification, when excluded.
    pub justification: Option<String>,
    /// The controls that claim it.
    pub controls: Vec<String>,
    /// How it is covered when no control claims it: through its items, or through the parent a
    /// control claims.
    pub through: Option<String>,
    /// The requirements of other catalogs that the crosswalks relate to it.
    pub related: Vec<RelatedView>,
}

/// A requirement a crosswalk relates to a traced one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RelatedView {
    /// Catalog id.
    pub framework: String,
    /// Requirement id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// How the traced requirement relates to it (NIST IR 8477).
    pub relation: RelationType,
    /// Whether meeting the traced requirement fully meets this one (`equal`, `superset`).
    pub full_coverage: bool,
    /// Why the relation holds, if the crosswalk says.
    pub rationale: Option<String>,
    /// The controls that claim it.
    pub controls: Vec<String>,
}

/// A control in the trace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ControlView {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Path.
    pub path: String,
    /// implemented, partial or planned.
    pub status: Status,
    /// Owner (key of `[people]`).
    pub owner: String,
    /// Its policy.
    pub policy: String,
    /// Effective frequency, with the requirement that demands it when stricter than its own.
    pub frequency: String,
    /// The requirements it claims, as `framework:id`.
    pub requirements: Vec<String>,
    /// Its latest evidence record on or before the judging date.
    pub latest_evidence: Option<String>,
    /// Whether that evidence is within the effective frequency.
    pub fresh: bool,
    /// Whether it operated: fresh evidence for every period so far.
    pub operated: bool,
    /// Of its periods so far, how many are evidenced: `3 of 3`.
    pub periods: String,
    /// What keeps it from having operated, or empty.
    pub gap: String,
}

/// A policy, evidence record or risk in the trace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DocumentView {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Path.
    pub path: String,
    /// A short description: a policy's owner, a record's collection date, a risk's treatment.
    pub detail: String,
}

/// Everything connected to the subject.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Trace {
    /// What was traced.
    pub subject: Subject,
    /// The date evidence freshness is judged as of.
    pub as_of: String,
    /// Requirements, by framework in scope order and catalog order.
    pub requirements: Vec<RequirementView>,
    /// Controls.
    pub controls: Vec<ControlView>,
    /// Policies.
    pub policies: Vec<DocumentView>,
    /// Evidence records.
    pub evidence: Vec<DocumentView>,
    /// Risks treated by the controls.
    pub risks: Vec<DocumentView>,
    /// Nonconformities that concern the requirements or the controls reached.
    pub nonconformities: Vec<DocumentView>,
}

/// Why an id cannot be traced.
#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    /// Nothing has that id.
    #[error("no requirement or document has the id `{id}`{}", .suggestion.as_ref().map_or(String::new(), |s| format!(": {s}")))]
    NotFound {
        /// The id asked for.
        id: String,
        /// The closest id there is, or the ids that share its prefix.
        suggestion: Option<String>,
    },
    /// The id is an earlier version's numbering.
    #[error("`{id}` is {old}, not a requirement of {current}: it became {}; trace that instead", .replaced_by.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(" and "))]
    Superseded {
        /// The id asked for.
        id: String,
        /// Where it comes from: "the 2013 numbering (Management of privileged access rights)".
        old: String,
        /// The current catalog's title.
        current: String,
        /// The ids that replaced it.
        replaced_by: Vec<String>,
    },
    /// Several requirements have that id.
    #[error("`{id}` is a requirement of several catalogs: say which, e.g. {}", .candidates.join(" or "))]
    Ambiguous {
        /// The id asked for.
        id: String,
        /// `framework:id` of each.
        candidates: Vec<String>,
    },
}

/// Indices into the model's lists of what the trace reaches.
#[derive(Default)]
struct Reach {
    requirements: BTreeSet<(String, String)>,
    controls: BTreeSet<usize>,
    policies: BTreeSet<usize>,
    evidence: BTreeSet<usize>,
    risks: BTreeSet<usize>,
}

/// Traces `id`: `framework:requirement`, a bare requirement id, or a document id.
pub fn trace(model: &Model, id: &str, as_of: jiff::civil::Date) -> Result<Trace, TraceError> {
    let (subject, reach) = resolve(model, id)?;
    let operations = model.operations(as_of);
    Ok(Trace {
        subject,
        as_of: as_of.to_string(),
        requirements: requirement_views(&operations, &reach),
        controls: reach
            .controls
            .iter()
            .filter_map(|&i| operations.iter().nth(i))
            .map(control_view)
            .collect(),
        policies: views(&reach.policies, &model.policies, |p| {
            (
                &p.data.id,
                &p.data.title,
                format!("owner {}", p.data.owner.get_ref()),
            )
        }),
        evidence: views(&reach.evidence, &model.evidence, |e| {
            let collected = e.data.collected.get_ref();
            (&e.data.id, &e.data.title, format!("collected {collected}"))
        }),
        risks: views(&reach.risks, &model.risks, |r| {
            let treatment = format!("{:?}", r.data.treatment.get_ref()).to_lowercase();
            (&r.data.id, &r.data.title, format!("treatment {treatment}"))
        }),
        nonconformities: views(&concerning(model, &reach), &model.nonconformities, |n| {
            let state = n.data.state(as_of);
            (
                &n.data.id,
                &n.data.title,
                format!("{state}, due {}", n.data.due.get_ref()),
            )
        }),
    })
}

/// The nonconformities that name a requirement or a control the trace reaches.
fn concerning(model: &Model, reach: &Reach) -> BTreeSet<usize> {
    let controls: BTreeSet<&str> = reach
        .controls
        .iter()
        .filter_map(|&i| model.controls.get(i))
        .map(|c| c.data.id.get_ref().as_str())
        .collect();
    model
        .nonconformities
        .iter()
        .enumerate()
        .filter(|(_, n)| {
            let requirement = n.data.requirements.iter().any(|(f, ids)| {
                ids.iter().any(|id| {
                    reach
                        .requirements
                        .contains(&(f.get_ref().clone(), id.get_ref().clone()))
                })
            });
            requirement
                || n.data
                    .controls
                    .iter()
                    .any(|c| controls.contains(c.get_ref().as_str()))
        })
        .map(|(i, _)| i)
        .collect()
}

fn resolve(model: &Model, id: &str) -> Result<(Subject, Reach), TraceError> {
    if let Some(found) = resolve_document(model, id) {
        return Ok(found);
    }
    let requirement = resolve_requirement(model, id)?;
    let title = model
        .framework(&requirement.0)
        .and_then(|f| f.requirement(&requirement.1))
        .map_or(String::new(), |r| r.title.clone());
    let subject = Subject {
        kind: Traced::Requirement,
        id: format!("{}:{}", requirement.0, requirement.1),
        title,
    };
    let (framework, id) = (&requirement.0, &requirement.1);
    let controls = indices(&model.controls, |c| {
        names_requirement(&c.data.satisfies, framework, id)
    });
    let mut reach = reach_from_controls(model, controls, true);
    reach.requirements = BTreeSet::from([requirement.clone()]);
    let addressing = indices(&model.policies, |p| {
        names_requirement(&p.data.satisfies, framework, id)
    });
    reach.policies.extend(addressing);
    Ok((subject, reach))
}

fn resolve_document(model: &Model, id: &str) -> Option<(Subject, Reach)> {
    let subject = |kind, title: &str| Subject {
        kind,
        id: id.to_string(),
        title: title.to_string(),
    };
    let same = |text: &crate::model::Text| text.get_ref() == id;
    if let Some(i) = model.controls.iter().position(|c| same(&c.data.id)) {
        let reach = reach_from_controls(model, BTreeSet::from([i]), true);
        return Some((
            subject(Traced::Control, &model.controls[i].data.title),
            reach,
        ));
    }
    if let Some(i) = model.policies.iter().position(|p| same(&p.data.id)) {
        let controls = indices(&model.controls, |c| same(&c.data.policy));
        let mut reach = reach_from_controls(model, controls, true);
        reach.policies = BTreeSet::from([i]);
        reach
            .requirements
            .extend(requirement_keys(&model.policies[i].data.satisfies));
        return Some((
            subject(Traced::Policy, &model.policies[i].data.title),
            reach,
        ));
    }
    if let Some(i) = model.evidence.iter().position(|e| same(&e.data.id)) {
        let record = &model.evidence[i].data;
        let controls = indices(&model.controls, |c| record.controls.contains(&c.data.id));
        let mut reach = reach_from_controls(model, controls, false);
        reach.evidence = BTreeSet::from([i]);
        return Some((subject(Traced::Evidence, &record.title), reach));
    }
    let i = model.risks.iter().position(|r| same(&r.data.id))?;
    let risk = &model.risks[i].data;
    let controls = indices(&model.controls, |c| risk.controls.contains(&c.data.id));
    let mut reach = reach_from_controls(model, controls, true);
    reach.risks = BTreeSet::from([i]);
    Some((subject(Traced::Risk, &risk.title), reach))
}

/// `framework:id`, or an id that one catalog (preferably one in scope) has; either may be written
/// as an alias or another spelling, and is read as the catalog's id.
fn resolve_requirement(model: &Model, id: &str) -> Result<(String, String), TraceError> {
    if let Some((framework, requirement)) = id.split_once(':')
        && let Some(canonical) = model
            .framework(framework)
            .and_then(|f| f.canonical(requirement))
    {
        return Ok((framework.to_string(), canonical.to_string()));
    }
    // An exact id wins over another catalog's alias of it.
    let exact: Vec<(&str, &str)> = model
        .frameworks
        .iter()
        .filter_map(|f| f.requirement(id).map(|r| (f.id(), r.id.get_ref().as_str())))
        .collect();
    let having: Vec<(&str, &str)> = if exact.is_empty() {
        model
            .frameworks
            .iter()
            .filter_map(|f| f.canonical(id).map(|c| (f.id(), c)))
            .collect()
    } else {
        exact
    };
    let in_scope: Vec<(&str, &str)> = having
        .iter()
        .copied()
        .filter(|(f, _)| model.scope(f).is_some())
        .collect();
    match (in_scope.as_slice(), having.as_slice()) {
        ([(f, r)], _) | ([], [(f, r)]) => Ok((f.to_string(), r.to_string())),
        ([], []) => Err(not_found(model, id)),
        (_, _) => Err(TraceError::Ambiguous {
            id: id.to_string(),
            candidates: having.iter().map(|(f, r)| format!("`{f}:{r}`")).collect(),
        }),
    }
}

fn not_found(model: &Model, id: &str) -> TraceError {
    // The same superseded-id map `check` uses: an old number names its successors, not a look-alike.
    if let Some((framework, old)) = model
        .frameworks
        .iter()
        .find_map(|f| f.superseded(id.trim()).map(|old| (f, old)))
    {
        return TraceError::Superseded {
            id: id.to_string(),
            old: format!("the {} numbering ({})", old.version, old.title),
            current: framework.title().to_string(),
            replaced_by: old
                .replaced_by
                .iter()
                .map(|r| r.get_ref().clone())
                .collect(),
        };
    }
    let documents = model.document_ids();
    let requirements = model.frameworks.iter().flat_map(|f| {
        f.catalog
            .requirements
            .iter()
            .map(|r| r.id.get_ref().as_str())
    });
    TraceError::NotFound {
        id: id.to_string(),
        suggestion: crate::diag::suggest(id, documents.chain(requirements)),
    }
}

/// What a set of controls reaches: their requirements, policies, risks, and (if asked) evidence.
fn reach_from_controls(model: &Model, controls: BTreeSet<usize>, with_evidence: bool) -> Reach {
    let mut reach = Reach::default();
    for &i in &controls {
        let control = &model.controls[i].data;
        reach
            .requirements
            .extend(requirement_keys(&control.satisfies));
        reach.policies.extend(indices(&model.policies, |p| {
            p.data.id.get_ref() == control.policy.get_ref()
        }));
        if with_evidence {
            reach.evidence.extend(indices(&model.evidence, |e| {
                e.data.controls.contains(&control.id)
            }));
        }
        reach.risks.extend(indices(&model.risks, |r| {
            r.data.controls.contains(&control.id)
        }));
    }
    reach.controls = controls;
    reach
}

fn indices<T>(docs: &[Doc<T>], keep: impl Fn(&Doc<T>) -> bool) -> BTreeSet<usize> {
    docs.iter()
        .enumerate()
        .filter(|(_, d)| keep(d))
        .map(|(i, _)| i)
        .collect()
}

fn requirement_keys(satisfies: &crate::model::Satisfies) -> Vec<(String, String)> {
    satisfies
        .iter()
        .flat_map(|(f, ids)| {
            ids.iter()
                .map(|i| (f.get_ref().clone(), i.get_ref().clone()))
        })
        .collect()
}

/// The reached requirements in framework order (in scope first) and catalog order.
fn requirement_views(operations: &Operations, reach: &Reach) -> Vec<RequirementView> {
    let model = operations.model();
    let mut frameworks = model.frameworks_in_scope();
    for framework in &model.frameworks {
        if !frameworks.iter().any(|f| f.id() == framework.id()) {
            frameworks.push(framework);
        }
    }
    frameworks
        .iter()
        .flat_map(|framework| {
            framework
                .catalog
                .requirements
                .iter()
                .filter(|r| {
                    reach
                        .requirements
                        .contains(&(framework.id().to_string(), r.id.get_ref().clone()))
                })
                .map(move |r| {
                    requirement_view(operations, framework.id(), r.id.get_ref(), &r.title)
                })
        })
        .collect()
}

fn requirement_view(
    operations: &Operations,
    framework: &str,
    id: &str,
    title: &str,
) -> RequirementView {
    let model = operations.model();
    let controls = model.claimants(framework, id);
    let justification = model
        .exclusion(framework, id)
        .map(|why| why.get_ref().clone());
    let coverage = operations.coverage(framework, id);
    let through = model
        .framework(framework)
        .and_then(|f| super::gaps::through(operations, f, id, coverage, &controls));
    RequirementView {
        framework: framework.to_string(),
        id: id.to_string(),
        title: title.to_string(),
        coverage,
        justification,
        through,
        related: model
            .related(framework, id)
            .into_iter()
            .map(|r| RelatedView {
                framework: r.framework.to_string(),
                id: r.requirement.to_string(),
                title: model
                    .framework(r.framework)
                    .and_then(|f| f.requirement(r.requirement))
                    .map_or(String::new(), |q| q.title.clone()),
                relation: r.kind,
                full_coverage: r.kind.fully_satisfies(),
                rationale: r.rationale.map(str::to_string),
                controls: model.claimants(r.framework, r.requirement),
            })
            .collect(),
        controls,
    }
}

fn control_view(operation: &Operation) -> ControlView {
    let doc = operation.control;
    let control = &doc.data;
    let effective = operation.effective;
    let record = operation.latest();
    let (evidenced, due) = operation.periods_so_far();
    ControlView {
        id: control.id.get_ref().clone(),
        title: control.title.clone(),
        path: doc.path.clone(),
        status: *control.status.get_ref(),
        owner: control.owner.get_ref().clone(),
        policy: control.policy.get_ref().clone(),
        frequency: effective.describe(),
        requirements: requirement_keys(&control.satisfies)
            .into_iter()
            .map(|(f, i)| format!("{f}:{i}"))
            .collect(),
        latest_evidence: record.map(|r| r.data.id.get_ref().clone()),
        fresh: matches!(operation.freshness, crate::model::Freshness::Fresh(_)),
        operated: operation.operated(),
        periods: format!("{evidenced} of {due}"),
        gap: operation.shortfall().unwrap_or_default(),
    }
}

fn views<T>(
    chosen: &BTreeSet<usize>,
    docs: &[Doc<T>],
    describe: impl Fn(&Doc<T>) -> (&crate::model::Text, &String, String),
) -> Vec<DocumentView> {
    chosen
        .iter()
        .map(|&i| {
            let (id, title, detail) = describe(&docs[i]);
            DocumentView {
                id: id.get_ref().clone(),
                title: title.clone(),
                path: docs[i].path.clone(),
                detail,
            }
        })
        .collect()
}

/// The trace as indented plain text.
pub fn to_text(trace: &Trace) -> String {
    let mut out = String::new();
    let subject = &trace.subject;
    let _ = writeln!(out, "{} {}: {}", subject.kind, subject.id, subject.title);
    let _ = writeln!(out, "(evidence judged as of {})", trace.as_of);
    section(&mut out, "Requirements", &trace.requirements, |out, r| {
        let claimed = match &r.through {
            Some(through) => format!("no control of its own, through {through}"),
            None => list_or(&r.controls, "no control"),
        };
        let _ = writeln!(
            out,
            "  {}:{} {} [{}] by {claimed}",
            r.framework, r.id, r.title, r.coverage
        );
        if let Some(why) = &r.justification {
            let _ = writeln!(out, "      excluded: {why}");
        }
        for related in &r.related {
            let partial = if related.full_coverage {
                ""
            } else {
                ", partial"
            };
            let _ = writeln!(
                out,
                "      ~ {}:{} {} ({}{partial}) by {}",
                related.framework,
                related.id,
                related.title,
                related.relation,
                list_or(&related.controls, "no control")
            );
        }
    });
    section(&mut out, "Controls", &trace.controls, |out, c| {
        let evidence = match (&c.latest_evidence, c.fresh) {
            (Some(e), true) => format!("latest evidence {e}"),
            (Some(e), false) => format!("latest evidence {e} is stale"),
            (None, _) => "no evidence".to_string(),
        };
        let operated = match c.operated {
            true => format!("operated: {} periods evidenced", c.periods),
            false if c.gap.is_empty() => "not operated".to_string(),
            false => format!("not operated: {}", c.gap),
        };
        let evidence = format!("{evidence}; {operated}");
        let _ = writeln!(
            out,
            "  {} {} [{}, {}] policy {}; {evidence}",
            c.id, c.title, c.status, c.frequency, c.policy
        );
        let _ = writeln!(out, "      {} · {}", c.path, c.requirements.join(", "));
    });
    let mut sections = vec![
        ("Policies", &trace.policies),
        ("Evidence", &trace.evidence),
        ("Risks", &trace.risks),
    ];
    // A repository that keeps no register of nonconformities is not told it has none.
    if !trace.nonconformities.is_empty() {
        sections.push(("Nonconformities", &trace.nonconformities));
    }
    for (title, documents) in sections {
        section(&mut out, title, documents, |out, d| {
            let _ = writeln!(out, "  {} {} ({}) {}", d.id, d.title, d.detail, d.path);
        });
    }
    out
}

fn section<T>(out: &mut String, title: &str, items: &[T], line: impl Fn(&mut String, &T)) {
    let _ = writeln!(out, "\n{title} ({})", items.len());
    if items.is_empty() {
        let _ = writeln!(out, "  none");
    }
    for item in items {
        line(out, item);
    }
}

fn list_or(items: &[String], empty: &str) -> String {
    match items.is_empty() {
        true => empty.to_string(),
        false => items.join(", "),
    }
}
