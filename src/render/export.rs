//! `out/model.json`: the whole validated model as plain JSON for other tools, with its JSON Schema
//! (`crosswalk schema model`, committed as `schemas/model.schema.json`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use crate::model::{Model, Satisfies, Text};

/// The exported model.
#[derive(Debug, Serialize, JsonSchema)]
#[schemars(title = "crosswalk model export")]
pub struct Export {
    /// Format version of this export.
    pub version: u32,
    /// The commit the model was read from, if the repository is in git.
    pub commit: Option<String>,
    /// The date freshness was judged as of.
    pub as_of: String,
    /// The organisation's name.
    pub organization: String,
    /// The ISMS scope statement.
    pub scope: Option<String>,
    /// Frameworks in scope.
    pub frameworks: Vec<FrameworkExport>,
    /// People by key.
    pub people: BTreeMap<String, PersonExport>,
    /// Policies.
    pub policies: Vec<DocumentExport>,
    /// Controls.
    pub controls: Vec<DocumentExport>,
    /// Evidence records.
    pub evidence: Vec<DocumentExport>,
    /// Risks.
    pub risks: Vec<DocumentExport>,
}

/// A framework in scope.
#[derive(Debug, Serialize, JsonSchema)]
pub struct FrameworkExport {
    /// Catalog id.
    pub id: String,
    /// Catalog title.
    pub title: String,
    /// Catalog version.
    pub version: String,
    /// Excluded requirement ids with their justifications.
    pub excluded: BTreeMap<String, String>,
}

/// A person.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PersonExport {
    /// Full name.
    pub name: String,
    /// Job title.
    pub role: Option<String>,
    /// GitHub login.
    pub github: Option<String>,
}

/// A document: its front matter fields as they were written, its path and its Markdown body.
#[derive(Debug, Serialize, JsonSchema)]
pub struct DocumentExport {
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Path relative to the repository root.
    pub path: String,
    /// The remaining front matter fields (owner, status, controls, …).
    pub fields: BTreeMap<String, serde_json::Value>,
    /// Framework id → requirement ids (policies and controls).
    pub satisfies: BTreeMap<String, Vec<String>>,
    /// The Markdown body.
    pub body: String,
}

/// Builds the export.
pub fn export(model: &Model, commit: Option<&str>, as_of: jiff::civil::Date) -> Export {
    let config = model.config.as_ref().map(|c| &c.data);
    let frameworks = config
        .map(|c| {
            c.frameworks
                .iter()
                .filter_map(|(id, scope)| {
                    let framework = model.framework(id.get_ref())?;
                    Some(FrameworkExport {
                        id: id.get_ref().clone(),
                        title: framework.title().to_string(),
                        version: framework.catalog.version.clone(),
                        excluded: scope
                            .excluded
                            .iter()
                            .map(|(k, v)| (k.get_ref().clone(), v.get_ref().clone()))
                            .collect(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let people = config
        .map(|c| {
            c.people
                .iter()
                .map(|(key, p)| {
                    let person = PersonExport {
                        name: p.name.clone(),
                        role: p.role.clone(),
                        github: p.github.clone(),
                    };
                    (key.get_ref().clone(), person)
                })
                .collect()
        })
        .unwrap_or_default();
    let document = |id: &Text,
                    title: &str,
                    path: &str,
                    body: &str,
                    satisfies: Option<&Satisfies>,
                    fields: Vec<(&str, serde_json::Value)>| DocumentExport {
        id: id.get_ref().clone(),
        title: title.to_string(),
        path: path.to_string(),
        fields: fields
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        satisfies: satisfies
            .map(|s| {
                s.iter()
                    .map(|(f, ids)| {
                        (
                            f.get_ref().clone(),
                            ids.iter().map(|i| i.get_ref().clone()).collect(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        body: body.to_string(),
    };
    let text = |t: &Text| serde_json::Value::from(t.get_ref().as_str());
    let texts = |ts: &[Text]| {
        serde_json::Value::from(ts.iter().map(|t| t.get_ref().clone()).collect::<Vec<_>>())
    };
    Export {
        version: 1,
        commit: commit.map(str::to_string),
        as_of: as_of.to_string(),
        organization: config.map(|c| c.organization.name.clone()).unwrap_or_default(),
        scope: config.and_then(|c| c.organization.scope.clone()),
        frameworks,
        people,
        policies: model
            .policies
            .iter()
            .map(|d| {
                let p = &d.data;
                document(&p.id, &p.title, &d.path, &d.body, Some(&p.satisfies), vec![
                    ("owner", text(&p.owner)),
                    ("approvers", texts(&p.approvers)),
                    ("review", p.review.get_ref().to_string().into()),
                    ("classification", format!("{:?}", p.classification).to_lowercase().into()),
                ])
            })
            .collect(),
        controls: model
            .controls
            .iter()
            .map(|d| {
                let c = &d.data;
                document(&c.id, &c.title, &d.path, &d.body, Some(&c.satisfies), vec![
                    ("policy", text(&c.policy)),
                    ("owner", text(&c.owner)),
                    ("approvers", texts(&c.approvers)),
                    ("frequency", c.frequency.get_ref().to_string().into()),
                    (
                        "effective_frequency",
                        model.effective_frequency(c).cadence.to_string().into(),
                    ),
                    ("status", c.status.get_ref().name().into()),
                ])
            })
            .collect(),
        evidence: model
            .evidence
            .iter()
            .map(|d| {
                let e = &d.data;
                let attachments: Vec<serde_json::Value> = e
                    .attachments
                    .iter()
                    .map(|a| serde_json::json!({ "path": a.path.get_ref(), "sha256": a.sha256.get_ref() }))
                    .collect();
                document(&e.id, &e.title, &d.path, &d.body, None, vec![
                    ("controls", texts(&e.controls)),
                    ("collected", e.collected.get_ref().to_string().into()),
                    ("collector", text(&e.collector)),
                    ("attachments", attachments.into()),
                ])
            })
            .collect(),
        risks: model
            .risks
            .iter()
            .map(|d| {
                let r = &d.data;
                document(&r.id, &r.title, &d.path, &d.body, None, vec![
                    ("owner", text(&r.owner)),
                    ("approvers", texts(&r.approvers)),
                    ("likelihood", r.likelihood.into()),
                    ("impact", r.impact.into()),
                    ("treatment", serde_json::to_value(r.treatment).unwrap_or_default()),
                    ("controls", texts(&r.controls)),
                    ("residual", serde_json::to_value(r.residual).unwrap_or_default()),
                ])
            })
            .collect(),
    }
}

/// The JSON Schema of `model.json`.
pub fn schema() -> serde_json::Value {
    let mut value = schemars::schema_for!(Export).to_value();
    value["$id"] = serde_json::Value::String("urn:crosswalk:schema:model".into());
    value
}
