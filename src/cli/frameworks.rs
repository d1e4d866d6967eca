//! `crosswalk frameworks [show ID]`: the catalogs a repository can use and their requirements.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use serde_json::{Value, json};

use crate::model::{Framework, catalog};

/// Lists catalogs, or shows one.
pub fn run(directory: &Path, id: Option<&str>, as_json: bool) -> Result<ExitCode> {
    let (frameworks, sources) = available(directory)?;
    let mut out = std::io::stdout().lock();
    match id {
        None if as_json => {
            let list: Vec<Value> = frameworks
                .iter()
                .zip(&sources)
                .map(|(f, s)| summary(f, s))
                .collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
        }
        None => {
            list(&mut out, &frameworks, &sources)?;
            list_crosswalks(&mut out, directory)?;
        }
        Some(id) => {
            let Some(index) = frameworks.iter().position(|f| f.id() == id) else {
                let ids: Vec<&str> = frameworks.iter().map(Framework::id).collect();
                return super::usage(format!(
                    "unknown framework `{id}`; known: {}",
                    ids.join(", ")
                ));
            };
            let (framework, source) = (&frameworks[index], &sources[index]);
            if as_json {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&detail(framework, source))?
                )?;
            } else {
                show(&mut out, framework, source)?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Built-in catalogs, plus the valid ones of the repository when run inside one.
fn available(directory: &Path) -> Result<(Vec<Framework>, Vec<String>)> {
    let workspace = match crate::open(directory) {
        Ok(workspace) => Some(workspace),
        Err(crate::load::LoadError::NotARepository(_)) => None,
        Err(e) => return Err(e.into()),
    };
    let frameworks = workspace
        .as_ref()
        .map_or_else(catalog::built_in, |w| w.model.frameworks.clone());
    let sources = frameworks
        .iter()
        .map(|f| match (f.file, &workspace) {
            (Some(file), Some(w)) => w.files.get(file).path.clone(),
            _ => "built-in".to_string(),
        })
        .collect();
    Ok((frameworks, sources))
}

fn list(out: &mut dyn Write, frameworks: &[Framework], sources: &[String]) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<12} {:<8} {:>12}  {:<24} TITLE",
        "ID", "VERSION", "REQUIREMENTS", "SOURCE"
    )?;
    for (f, source) in frameworks.iter().zip(sources) {
        let c = &f.catalog;
        writeln!(
            out,
            "{:<12} {:<8} {:>12}  {:<24} {}",
            f.id(),
            c.version,
            c.requirements.len(),
            source,
            c.title
        )?;
    }
    Ok(())
}

/// The built-in crosswalks and the repository's own, one line each.
fn list_crosswalks(out: &mut dyn Write, directory: &Path) -> Result<()> {
    let mut rows: Vec<(String, String, usize, String)> = crate::model::crosswalk::built_in()
        .iter()
        .map(|c| {
            (
                c.id.get_ref().clone(),
                format!("{} ↔ {}", c.from.get_ref(), c.to.get_ref()),
                c.relations.len(),
                "built-in".to_string(),
            )
        })
        .collect();
    if let Ok(workspace) = crate::open(directory) {
        rows.extend(workspace.model.crosswalks.iter().map(|d| {
            let c = &d.data;
            (
                c.id.get_ref().clone(),
                format!("{} ↔ {}", c.from.get_ref(), c.to.get_ref()),
                c.relations.len(),
                d.path.clone(),
            )
        }));
    }
    writeln!(
        out,
        "\n{:<16} {:<20} {:>9}  SOURCE",
        "CROSSWALK", "CATALOGS", "RELATIONS"
    )?;
    for (id, catalogs, relations, source) in rows {
        writeln!(out, "{id:<16} {catalogs:<20} {relations:>9}  {source}")?;
    }
    Ok(())
}

fn show(out: &mut dyn Write, framework: &Framework, source: &str) -> std::io::Result<()> {
    let c = &framework.catalog;
    writeln!(
        out,
        "{} ({}, version {}, {source})",
        c.title,
        framework.id(),
        c.version
    )?;
    for group in &c.groups {
        let mut traits = Vec::new();
        if group.required {
            traits.push("always in scope");
        }
        if group.excludable {
            traits.push("excludable");
        }
        let traits = if traits.is_empty() {
            String::new()
        } else {
            format!(" [{}]", traits.join(", "))
        };
        writeln!(out, "\n{} ({}){traits}", group.title, group.id.get_ref())?;
        for r in c
            .requirements
            .iter()
            .filter(|r| r.group.get_ref() == group.id.get_ref())
        {
            // Items sit under the requirement they belong to, two spaces deeper per level.
            let depth = framework.ancestors(r.id.get_ref()).len();
            let indent = "  ".repeat(depth + 1);
            let aliases: Vec<&str> = r.aliases.iter().map(|a| a.get_ref().as_str()).collect();
            let aliases = if aliases.is_empty() {
                String::new()
            } else {
                format!(" (also written {})", aliases.join(", "))
            };
            let id = format!("{indent}{}", r.id.get_ref());
            writeln!(out, "{id:<18} {}{aliases}", r.title)?;
        }
    }
    Ok(())
}

fn summary(framework: &Framework, source: &str) -> Value {
    let c = &framework.catalog;
    json!({
        "id": framework.id(),
        "version": c.version,
        "title": c.title,
        "source": source,
        "requirements": c.requirements.len(),
    })
}

fn detail(framework: &Framework, source: &str) -> Value {
    let c = &framework.catalog;
    let mut value = summary(framework, source);
    value["description"] = json!(c.description);
    value["groups"] = c
        .groups
        .iter()
        .map(|g| json!({"id": g.id.get_ref(), "title": g.title, "required": g.required, "excludable": g.excludable}))
        .collect();
    value["requirements"] = c
        .requirements
        .iter()
        .map(|r| {
            let aliases: Vec<&str> = r.aliases.iter().map(|a| a.get_ref().as_str()).collect();
            json!({
                "id": r.id.get_ref(),
                "title": r.title,
                "group": r.group.get_ref(),
                "parent": r.parent.as_ref().map(|p| p.get_ref()),
                "aliases": aliases,
            })
        })
        .collect();
    value["superseded"] = c
        .superseded
        .iter()
        .map(|s| {
            let replaced_by: Vec<&str> =
                s.replaced_by.iter().map(|r| r.get_ref().as_str()).collect();
            json!({"id": s.id, "title": s.title, "version": s.version, "replaced_by": replaced_by})
        })
        .collect();
    value
}
