//! `crosswalk new KIND ID`: a new policy, control, evidence record or risk from a template with
//! every required key, and `init --minimal`'s documents from the same templates.
//!
//! The templates are built in (`data/new/KIND.md`); a repository replaces one with
//! `templates/new/KIND.md`. Values are written as TOML strings through the `toml` filter, so a
//! title with quotes or backslashes stays one valid value.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::load::Kind;

/// The kinds of document `new` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum NewKind {
    /// A policy (`policies/`).
    Policy,
    /// A control (`controls/`).
    Control,
    /// An evidence record (`evidence/YEAR/`).
    Evidence,
    /// A risk of the risk register (`risks/`).
    Risk,
    /// A nonconformity of the register of nonconformities (`nonconformities/`).
    Nonconformity,
}

impl NewKind {
    fn kind(self) -> Kind {
        match self {
            NewKind::Policy => Kind::Policy,
            NewKind::Control => Kind::Control,
            NewKind::Evidence => Kind::Evidence,
            NewKind::Risk => Kind::Risk,
            NewKind::Nonconformity => Kind::Nonconformity,
        }
    }

    fn built_in(self) -> &'static str {
        match self {
            NewKind::Policy => include_str!("../../data/new/policy.md"),
            NewKind::Control => include_str!("../../data/new/control.md"),
            NewKind::Evidence => include_str!("../../data/new/evidence.md"),
            NewKind::Risk => include_str!("../../data/new/risk.md"),
            NewKind::Nonconformity => include_str!("../../data/new/nonconformity.md"),
        }
    }
}

/// What a template is filled with.
#[derive(Debug, serde::Serialize)]
pub struct Fields {
    /// The document's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The person key of its owner (and of an evidence record's collector).
    pub owner: String,
    /// That person's name.
    pub owner_name: String,
    /// A person key of an approver other than the owner, when there is one.
    pub approver: String,
    /// The policy a control implements.
    pub policy: String,
    /// The control an evidence record is for, or a risk is treated by.
    pub control: String,
    /// The day it is written.
    pub today: String,
    /// A control's frequency.
    pub frequency: String,
    /// A control's status.
    pub status: String,
    /// The requirements a policy or control claims, per framework.
    pub satisfies: Vec<Claim>,
}

/// Requirements of one framework that a document claims.
#[derive(Debug, serde::Serialize)]
pub struct Claim {
    /// The framework id.
    pub framework: String,
    /// The requirement ids.
    pub ids: Vec<String>,
}

/// The text of a new document of `kind` with `fields`, from `templates/new/KIND.md` under `root`
/// when the repository has one, else the built-in template.
pub fn document(kind: NewKind, fields: &Fields, root: Option<&Path>) -> Result<String> {
    let name = format!("new/{}.md", kind.kind().name());
    let override_path = root.map(|r| r.join(crate::load::TEMPLATES_DIR).join(&name));
    let source = match override_path.as_deref().map(std::fs::read_to_string) {
        Some(Ok(text)) => text,
        Some(Err(e)) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(e).with_context(|| format!("cannot read templates/{name}"));
        }
        _ => kind.built_in().to_string(),
    };
    let mut environment = minijinja::Environment::new();
    environment.set_keep_trailing_newline(true);
    environment.add_filter("toml", |text: String| toml::Value::String(text).to_string());
    environment
        .add_template_owned(name.clone(), source)
        .with_context(|| format!("template {name}"))?;
    let text = environment
        .get_template(&name)?
        .render(fields)
        .with_context(|| format!("template {name}"))?;
    Ok(text)
}

/// Where a new document of `kind` with `id` goes: the first folder of its layout patterns (and
/// the year, for evidence), the id in lower case as the file name.
fn path_for(layout: &crate::load::Layout, kind: NewKind, id: &str, year: i16) -> PathBuf {
    let mut path = folder_for(layout, kind);
    if kind == NewKind::Evidence {
        path.push(year.to_string());
    }
    path.push(format!("{}.md", id.to_lowercase()));
    path
}

/// The folder new documents of `kind` go in: the first literal folder of its layout patterns
/// (of the default layout when the repository's has none).
pub(super) fn folder_for(layout: &crate::load::Layout, kind: NewKind) -> PathBuf {
    let folder_in = |layout: &crate::load::Layout| {
        crate::load::walk_prefixes(layout.patterns(kind.kind()))
            .into_iter()
            .find(|f| !f.is_empty())
    };
    PathBuf::from(
        folder_in(layout)
            .or_else(|| folder_in(&crate::load::Layout::default()))
            .unwrap_or_default(),
    )
}

/// An id as the schema allows it: a letter or digit, then letters, digits, `.`, `_` or `-`.
pub(super) fn valid_id(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_alphanumeric())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// `crosswalk new KIND ID`.
pub fn run(directory: &Path, kind: NewKind, id: &str, title: Option<&str>) -> Result<ExitCode> {
    if !valid_id(id) {
        bail!(
            "`{}` is not a valid id: start with a letter or digit and use only letters, digits, `.`, `_` and `-` (e.g. AC-03)",
            id.escape_debug()
        );
    }
    let workspace = crate::open(directory)?;
    let model = &workspace.model;
    if let Some(path) = model.document_path(id) {
        bail!("a document with id `{id}` already exists ({path}); nothing was written");
    }
    let today = jiff::ZonedDateTime::now().date();
    let people = model.person_keys();
    let owner = people.first().copied().unwrap_or("CHANGE-ME");
    let approver = people.get(1).copied().unwrap_or(owner);
    let fields = Fields {
        id: id.to_string(),
        title: title.map_or_else(|| format!("CHANGE ME: the title of {id}"), str::to_string),
        owner: owner.to_string(),
        owner_name: model.person_name(owner),
        approver: approver.to_string(),
        policy: model
            .policies
            .first()
            .map_or("CHANGE-ME".into(), |p| p.data.id.get_ref().clone()),
        control: model
            .controls
            .first()
            .map_or(String::new(), |c| c.data.id.get_ref().clone()),
        today: today.to_string(),
        frequency: "quarterly".into(),
        status: "planned".into(),
        satisfies: Vec::new(),
    };
    let text = document(kind, &fields, Some(&model.root))?;
    let relative = path_for(&workspace.layout, kind, id, today.year());
    let path = model.root.join(&relative);
    match crate::atomic::create_new(&path, text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => bail!(
            "{} already exists; nothing was written (choose another id, or edit that file)",
            relative.display()
        ),
        written => written.with_context(|| format!("cannot write {}", path.display()))?,
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "wrote {}", relative.display())?;
    let what = match kind {
        NewKind::Policy | NewKind::Control => "its title, owner and [satisfies]",
        NewKind::Evidence => "its title, collector, controls and attachments",
        NewKind::Risk => "its title, owner, ratings, treatment and controls",
        NewKind::Nonconformity => {
            "its title, owner, due date, controls, [requirements], root cause and corrective action"
        }
    };
    writeln!(
        out,
        "Next: fill in {what} (the defaults are the first person and document of this repository), then run `crosswalk check`."
    )?;
    Ok(ExitCode::SUCCESS)
}
