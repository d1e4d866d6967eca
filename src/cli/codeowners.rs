//! `crosswalk codeowners`: writes (or with `--check`, verifies) the generated block of CODEOWNERS.
//! Lines outside the block are the team's own and are kept as they are.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::check::codeowners;

/// Runs `crosswalk codeowners`.
pub fn run(directory: &Path, out: Option<PathBuf>, check: bool) -> Result<ExitCode> {
    let workspace = crate::open(directory)?;
    if !workspace.diagnostics.is_empty() {
        bail!(
            "{} file problem(s) keep documents out of the model, so CODEOWNERS would be incomplete: run `crosswalk check` and fix them first",
            workspace.diagnostics.len()
        );
    }
    let model = &workspace.model;
    let (top, prefix) = crate::history::work_tree(&model.root);
    let path = out
        .or_else(|| codeowners::find(&top))
        .unwrap_or_else(|| top.join(codeowners::LOCATIONS[0]));
    let current = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let wanted = codeowners::replace_block(&current, &codeowners::block(model, &prefix));
    let shown = path
        .strip_prefix(&top)
        .unwrap_or(&path)
        .display()
        .to_string();
    if check {
        if current == wanted {
            println!("{shown} is up to date");
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!(
            "{shown} does not match the documents' owners and approvers: run `crosswalk codeowners`"
        );
        return Ok(ExitCode::from(1));
    }
    if current == wanted {
        println!("{shown} is up to date");
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    crate::atomic::write(&path, wanted.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    println!("wrote {shown}");
    Ok(ExitCode::SUCCESS)
}
