//! The static HTML site: an overview with coverage per framework, a page per policy (with its
//! document control table from git) and per control, the Statement of Applicability and the matrix.
//! Self-contained: inline CSS, no script, no network, relative links that work from `file://`.

use minijinja::context;
use serde::Serialize;

use super::views::{MatrixRow, SoaRow};
use super::{RenderError, Stamp, Templates, markdown};
use crate::history::Trail;
use crate::history::approval::last_approved;
use crate::history::report::{TrailRow, trail_rows};
use crate::model::{Control, Doc, Model, Satisfies, Text};

#[derive(Serialize)]
struct Requirement {
    framework: String,
    id: String,
    title: String,
}

#[derive(Serialize)]
struct PolicyView {
    id: String,
    title: String,
    owner: String,
    approvers: Vec<String>,
    classification: String,
    review: String,
    approved: String,
    draft: bool,
    /// Its latest revision (`5 (draft; 4 approved)`).
    revision: String,
    /// The date of its latest approved revision, and none on a DRAFT.
    effective: String,
    requirements: Vec<Requirement>,
}

#[derive(Serialize)]
struct ControlView {
    id: String,
    title: String,
    policy: String,
    owner: String,
    frequency: String,
    status: String,
    approved: String,
    requirements: Vec<Requirement>,
    /// Its operating timeline, from the gap analysis.
    timeline: Option<super::views::TimelineRow>,
}

#[derive(Serialize)]
struct EvidenceView {
    id: String,
    title: String,
    collected: String,
    period: String,
    /// When the record reached the mainline in git (its first change): the collected date is the
    /// collector's claim, this one is history's.
    recorded: String,
    collector: String,
    attachments: Vec<String>,
}

/// An evidence record's own page.
#[derive(Serialize)]
struct RecordView {
    id: String,
    title: String,
    path: String,
    collected: String,
    period: String,
    recorded: String,
    collector: String,
    controls: Vec<RecordControl>,
    attachments: Vec<AttachmentView>,
}

#[derive(Serialize)]
struct RecordControl {
    id: String,
    /// Empty for an id that names no control.
    title: String,
    status: Option<&'static str>,
}

#[derive(Serialize)]
struct AttachmentView {
    /// The file's path in the repository (and under the site's `attachments/`).
    path: String,
    /// Its name as the record writes it.
    name: String,
    /// The SHA-256 the record states.
    sha256: String,
}

/// What the site is made from.
pub struct SiteInputs<'a> {
    /// The model.
    pub model: &'a Model,
    /// The review trail, when the repository is in git.
    pub trail: Option<&'a Trail>,
    /// Commit and judging date.
    pub stamp: &'a Stamp,
    /// Statement of Applicability rows (empty when ISO 27001 is not in scope).
    pub soa: &'a [SoaRow],
    /// Matrix column titles.
    pub frameworks: &'a [String],
    /// Matrix rows.
    pub matrix: &'a [MatrixRow],
    /// The gap analysis.
    pub gaps: &'a super::gaps::Gaps,
    /// The risk register and treatment plan.
    pub register: &'a super::risks::Register,
    /// The open findings, for the findings page (empty when not rendering pages).
    pub findings: &'a [FindingView],
    /// The change log of the window, for the changes page.
    pub changes: Option<&'a ChangeLog>,
}

/// One open finding, as the site shows it.
#[derive(Clone, Debug, Serialize)]
pub struct FindingView {
    /// error, warning or hint.
    pub severity: String,
    /// `CW044`.
    pub code: String,
    /// `change-unapproved`.
    pub name: String,
    /// `policies/access.md:2:6`.
    pub location: String,
    /// The message.
    pub message: String,
    /// The help, or empty.
    pub help: String,
    /// `accepted by NAME: REASON` when signed off, else empty.
    pub accepted: String,
}

/// The findings as the site shows them.
pub fn finding_views(
    files: &crate::diag::Files,
    findings: &[crate::diag::Diagnostic],
) -> Vec<FindingView> {
    findings
        .iter()
        .map(|d| {
            let (start, _) = files.range(d.file, &d.span);
            FindingView {
                severity: format!("{:?}", d.severity()).to_lowercase(),
                code: d.code.id().to_string(),
                name: d.code.name().to_string(),
                location: format!("{}:{}:{}", files.get(d.file).path, start.line, start.column),
                message: d.message.clone(),
                help: d.help.clone().unwrap_or_default(),
                accepted: d.accepted.clone().unwrap_or_default(),
            }
        })
        .collect()
}

/// The change log of a window: every change with its approval, and the reconciliation.
#[derive(Clone, Debug, Serialize)]
pub struct ChangeLog {
    /// The window's first day, or `the first commit`.
    pub since: String,
    /// Its last day.
    pub until: String,
    /// The changes, in the order history made them.
    pub rows: Vec<TrailRow>,
    /// How they were approved.
    pub reconciliation: crate::history::report::Reconciliation,
    /// The SHA-256 of the population's CSV form (as `crosswalk log --format csv` writes it).
    pub digest: String,
}

/// Every page, as (path relative to the site folder, HTML).
pub fn pages(
    templates: &Templates,
    inputs: &SiteInputs,
) -> Result<Vec<(String, String)>, RenderError> {
    let model = inputs.model;
    let Some(config) = &model.config else {
        return Ok(Vec::new());
    };
    let site = Site::new(inputs);
    let organization = config.data.organization.name.as_str();
    let stamp = inputs.stamp.line();
    let policies: Vec<PolicyView> = model.policies.iter().map(|p| site.policy(p)).collect();
    let controls: Vec<ControlView> = model.controls.iter().map(|c| site.control(c)).collect();
    let mut pages = vec![(
        "index.html".to_string(),
        templates.render(
            "site/index.html",
            context! {
                organization, stamp, root => "",
                scope => config.data.organization.scope.as_deref().map(str::trim),
                coverage => inputs.gaps.frameworks, operated => inputs.gaps.operated,
                as_of => inputs.gaps.as_of, policies, controls,
            },
        )?,
    )];
    for (doc, view) in model.policies.iter().zip(&policies) {
        let mandated: Vec<&ControlView> = controls.iter().filter(|c| c.policy == view.id).collect();
        let html = templates.render(
            "site/policy.html",
            context! {
                organization, stamp, root => "../", policy => view, controls => mandated,
                history => site.history(&doc.path), body => markdown::to_html(&doc.body),
            },
        )?;
        pages.push((format!("policies/{}.html", view.id), html));
    }
    let nonconformities = super::nonconformities::rows(model, inputs.stamp.as_of);
    for (doc, view) in model.controls.iter().zip(&controls) {
        let html = templates.render(
            "site/control.html",
            context! {
                organization, stamp, root => "../", control => view,
                evidence => site.evidence(doc), body => markdown::to_html(&doc.body),
                nonconformities => super::nonconformities::of_control(&nonconformities, &view.id),
            },
        )?;
        pages.push((format!("controls/{}.html", view.id), html));
    }
    for doc in &model.evidence {
        let record = site.record(doc);
        let html = templates.render(
            "site/evidence.html",
            context! {
                organization, stamp, root => "../", record,
                body => markdown::to_html(&doc.body),
            },
        )?;
        pages.push((format!("evidence/{}.html", doc.data.id.get_ref()), html));
    }
    let html = templates.render(
        "site/nonconformities.html",
        context! {
            organization, stamp, root => "", rows => &nonconformities,
            headline => super::nonconformities::headline(&nonconformities),
            as_of => inputs.stamp.as_of.to_string(),
        },
    )?;
    pages.push(("nonconformities.html".to_string(), html));
    let open = inputs
        .findings
        .iter()
        .filter(|f| f.accepted.is_empty())
        .count();
    let html = templates.render(
        "site/findings.html",
        context! {
            organization, stamp, root => "", findings => inputs.findings, open,
            as_of => inputs.stamp.as_of.to_string(),
        },
    )?;
    pages.push(("findings.html".to_string(), html));
    if let Some(changes) = inputs.changes {
        let html = templates.render(
            "site/changes.html",
            context! { organization, stamp, root => "", changes },
        )?;
        pages.push(("changes.html".to_string(), html));
    }
    if !inputs.soa.is_empty() {
        let applicable = inputs.soa.iter().filter(|r| r.applicable).count();
        let html = templates.render(
            "site/soa.html",
            context! {
                organization, stamp, root => "", rows => inputs.soa,
                applicable, excluded => inputs.soa.len() - applicable,
                headline => super::soa_headline(inputs.soa),
                version => super::soa_version(model, inputs.trail),
                nonconformities => super::nonconformities::by_requirement(model, "iso27001"),
            },
        )?;
        pages.push(("soa.html".to_string(), html));
    }
    let html = templates.render(
        "site/gaps.html",
        context! { organization, stamp, root => "", gaps => inputs.gaps },
    )?;
    pages.push(("gaps.html".to_string(), html));
    let html = templates.render(
        "site/matrix.html",
        context! { organization, stamp, root => "", frameworks => inputs.frameworks, rows => inputs.matrix },
    )?;
    pages.push(("matrix.html".to_string(), html));
    let register = inputs.register;
    let html = templates.render(
        "site/risks.html",
        context! { organization, stamp, root => "", register, heat_maps => super::risks::heat_maps(register) },
    )?;
    pages.push(("risks.html".to_string(), html));
    let html = templates.render(
        "site/treatment-plan.html",
        context! { organization, stamp, root => "", register, as_of => inputs.stamp.as_of.to_string() },
    )?;
    pages.push(("treatment-plan.html".to_string(), html));
    Ok(pages)
}

/// Look-ups shared by the pages.
struct Site<'a> {
    model: &'a Model,
    trail: Option<&'a Trail>,
    as_of: jiff::civil::Date,
    gaps: &'a super::gaps::Gaps,
}

impl<'a> Site<'a> {
    fn new(inputs: &SiteInputs<'a>) -> Self {
        Site {
            model: inputs.model,
            trail: inputs.trail,
            as_of: inputs.stamp.as_of,
            gaps: inputs.gaps,
        }
    }

    fn name(&self, key: &Text) -> String {
        self.model.person_name(key.get_ref())
    }

    fn approved(&self, path: &str) -> String {
        self.trail
            .and_then(|trail| last_approved(trail, path, self.as_of))
            .map(|d| d.to_string())
            .unwrap_or_default()
    }

    /// Whether the latest change of a file carries no approval.
    fn draft(&self, path: &str) -> bool {
        self.trail.is_some_and(|trail| {
            trail
                .of(path)
                .last()
                .is_some_and(|change| !change.judgement.verdict.is_approved())
        })
    }

    fn history(&self, path: &str) -> Vec<TrailRow> {
        self.trail
            .map(|trail| trail_rows(self.model, trail, |p| p == path, |_| true))
            .unwrap_or_default()
    }

    fn requirements(&self, satisfies: &Satisfies) -> Vec<Requirement> {
        let mut requirements = Vec::new();
        for (framework_id, ids) in satisfies {
            let framework = self.model.framework(framework_id.get_ref());
            for id in ids {
                requirements.push(Requirement {
                    framework: framework
                        .map_or_else(|| framework_id.get_ref().clone(), |f| f.title().to_string()),
                    id: id.get_ref().clone(),
                    title: framework
                        .and_then(|f| f.requirement(id.get_ref()))
                        .map(|r| r.title.clone())
                        .unwrap_or_default(),
                });
            }
        }
        requirements
    }

    fn policy(&self, doc: &Doc<crate::model::Policy>) -> PolicyView {
        let p = &doc.data;
        let revisions = super::Revisions::of(&self.history(&doc.path));
        PolicyView {
            revision: revisions.describe(),
            effective: revisions.effective(),
            id: p.id.get_ref().clone(),
            title: p.title.clone(),
            owner: self.name(&p.owner),
            approvers: p.approvers.get_ref().iter().map(|a| self.name(a)).collect(),
            classification: format!("{:?}", p.classification).to_lowercase(),
            review: p.review.get_ref().to_string(),
            approved: self.approved(&doc.path),
            draft: self.draft(&doc.path),
            requirements: self.requirements(&p.satisfies),
        }
    }

    fn control(&self, doc: &Doc<Control>) -> ControlView {
        let c = &doc.data;
        ControlView {
            id: c.id.get_ref().clone(),
            title: c.title.clone(),
            policy: c.policy.get_ref().clone(),
            owner: self.name(&c.owner),
            frequency: self.model.effective_frequency(c).describe(),
            status: c.status.get_ref().name().to_string(),
            approved: self.approved(&doc.path),
            requirements: self.requirements(&c.satisfies),
            timeline: self
                .gaps
                .timeline
                .iter()
                .find(|t| t.control == *c.id.get_ref())
                .cloned(),
        }
    }

    /// The date a file first reached the mainline, when the history is known.
    fn recorded(&self, path: &str) -> String {
        self.trail
            .and_then(|trail| {
                let first = trail.of(path).first()?;
                Some(trail.commits[first.commit].date.to_string())
            })
            .unwrap_or_default()
    }

    fn record(&self, doc: &Doc<crate::model::Evidence>) -> RecordView {
        let e = &doc.data;
        RecordView {
            id: e.id.get_ref().clone(),
            title: e.title.clone(),
            path: doc.path.clone(),
            collected: e.collected.get_ref().to_string(),
            period: e
                .period
                .as_ref()
                .map(|p| format!("{} to {}", p.get_ref().start, p.get_ref().end))
                .unwrap_or_default(),
            recorded: self.recorded(&doc.path),
            collector: self.name(&e.collector),
            controls: e
                .controls
                .iter()
                .map(|id| {
                    let control = self.model.control(id.get_ref());
                    RecordControl {
                        id: id.get_ref().clone(),
                        title: control.map_or(String::new(), |c| c.data.title.clone()),
                        status: control.map(|c| c.data.status.get_ref().name()),
                    }
                })
                .collect(),
            attachments: e
                .attachments
                .iter()
                .filter_map(|a| {
                    let path = crate::model::attachment_path(&doc.path, a.path.get_ref())?;
                    Some(AttachmentView {
                        path,
                        name: a.path.get_ref().clone(),
                        sha256: a.sha256.get_ref().clone(),
                    })
                })
                .collect(),
        }
    }

    fn evidence(&self, control: &Doc<Control>) -> Vec<EvidenceView> {
        let id = control.data.id.get_ref();
        let mut records: Vec<EvidenceView> = self
            .model
            .evidence
            .iter()
            .filter(|e| e.data.controls.iter().any(|c| c.get_ref() == id))
            .map(|e| EvidenceView {
                id: e.data.id.get_ref().clone(),
                title: e.data.title.clone(),
                collected: e.data.collected.get_ref().to_string(),
                period: e
                    .data
                    .period
                    .as_ref()
                    .map(|p| format!("{} to {}", p.get_ref().start, p.get_ref().end))
                    .unwrap_or_default(),
                recorded: self.recorded(&e.path),
                collector: self.name(&e.data.collector),
                attachments: e
                    .data
                    .attachments
                    .iter()
                    .map(|a| a.path.get_ref().clone())
                    .collect(),
            })
            .collect();
        records.sort_by(|a, b| b.collected.cmp(&a.collected).then(a.id.cmp(&b.id)));
        records
    }
}

/// A PDF per policy, as (file name, bytes): title page, document control from git, requirements,
/// body. `done` is told the id of each policy typeset, for a progress display. A body typst cannot
/// typeset as written is typeset as plain paragraphs, and failing that replaced by a notice;
/// `degraded` is told the id and why, and every other policy still builds.
pub fn policy_pdfs(
    inputs: &SiteInputs,
    done: &dyn Fn(&str),
    degraded: &dyn Fn(&str, &str),
) -> Result<Vec<(String, Vec<u8>)>, RenderError> {
    let model = inputs.model;
    let Some(config) = &model.config else {
        return Ok(Vec::new());
    };
    let site = Site::new(inputs);
    let organization = config.data.organization.name.as_str();
    let mut pdfs = Vec::new();
    for doc in &model.policies {
        let view = site.policy(doc);
        let history: Vec<[String; 6]> = site
            .history(&doc.path)
            .into_iter()
            .map(|h| {
                [
                    h.revision.map(|r| r.to_string()).unwrap_or_default(),
                    h.date,
                    h.change.to_string(),
                    h.author,
                    h.approved_by,
                    h.summary,
                ]
            })
            .collect();
        let requirements: Vec<[String; 3]> = view
            .requirements
            .iter()
            .map(|r| [r.framework.clone(), r.id.clone(), r.title.clone()])
            .collect();
        let source = |body: String| {
            super::pdf::policy_source(&super::pdf::PolicyPdf {
                organization,
                id: &view.id,
                title: &view.title,
                owner: &view.owner,
                approvers: &view.approvers,
                classification: &view.classification,
                review: &view.review,
                revision: &view.revision,
                effective: &view.effective,
                commit: inputs.stamp.commit.as_deref(),
                draft: view.draft,
                history: history.clone(),
                requirements: requirements.clone(),
                body,
            })
        };
        let typeset =
            |body: String| super::pdf::typeset(source(body), &view.id, inputs.stamp.as_of);
        let bytes = match typeset(markdown::to_typst(&doc.body)) {
            Ok(bytes) => bytes,
            Err(first) => {
                let plain = typeset(markdown::to_plain_typst(&doc.body));
                let why = match &plain {
                    Ok(_) => format!(
                        "its body could not be typeset as written ({first}); the PDF gives it as plain paragraphs"
                    ),
                    Err(_) => format!(
                        "its body could not be typeset ({first}); the PDF says so in its place"
                    ),
                };
                degraded(&view.id, &why);
                match plain {
                    Ok(bytes) => bytes,
                    Err(_) => typeset(super::pdf::text(&format!(
                        "The body of this policy could not be typeset: read it in the HTML site or in {}.",
                        doc.path
                    )))?,
                }
            }
        };
        done(&view.id);
        pdfs.push((format!("{}.pdf", view.id), bytes));
    }
    Ok(pdfs)
}
