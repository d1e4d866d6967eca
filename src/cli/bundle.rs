//! `crosswalk bundle` and `crosswalk verify`: what they are is [`crate::plan::bundle`]'s; this
//! module writes the folder (new or empty, every file atomically) and prints the verdict.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::plan::bundle::{self as plan, Request};

/// Output format of `crosswalk verify`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum VerifyFormat {
    /// One line per difference.
    Text,
    /// JSON.
    Json,
}

/// `crosswalk bundle`.
pub fn bundle(
    directory: &Path,
    framework: String,
    from: jiff::civil::Date,
    to: jiff::civil::Date,
    out: &Path,
) -> Result<ExitCode> {
    if out.exists() {
        let empty = std::fs::read_dir(out)
            .with_context(|| format!("cannot read {}", out.display()))?
            .next()
            .is_none();
        if !empty {
            bail!(
                "{} is not empty: give a new or empty folder, so that nothing already there is overwritten or mistaken for part of the bundle",
                out.display()
            );
        }
    }
    let request = Request {
        framework,
        from,
        to,
    };
    let bundle = plan::bundle(directory, &request)?;
    for (name, bytes) in &bundle.files {
        let path = out.join(name);
        crate::atomic::write(&path, bytes)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    let evidence = bundle
        .files
        .keys()
        .filter(|p| p.starts_with("evidence/"))
        .count();
    writeln!(
        std::io::stdout().lock(),
        "wrote {} files ({evidence} of them evidence) to {} from commit {}; open index.html, check with `crosswalk verify {}`",
        bundle.files.len(),
        out.display(),
        bundle.commit,
        out.display()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `crosswalk verify`.
pub fn verify(directory: &Path, folder: &Path, format: VerifyFormat) -> Result<ExitCode> {
    let verification = plan::verify(directory, folder)?;
    let mut out = std::io::stdout().lock();
    match format {
        VerifyFormat::Json => writeln!(out, "{}", serde_json::to_string_pretty(&verification)?)?,
        VerifyFormat::Text => {
            for difference in &verification.differences {
                writeln!(out, "{difference}")?;
            }
            match verification.differences.len() {
                0 => writeln!(
                    out,
                    "verified: {} files match the manifest and the repository at commit {}",
                    verification.files, verification.commit
                )?,
                n => writeln!(
                    out,
                    "{n} difference(s) between {} and the repository at commit {}",
                    folder.display(),
                    verification.commit
                )?,
            }
        }
    }
    Ok(match verification.differences.is_empty() {
        true => ExitCode::SUCCESS,
        false => ExitCode::from(1),
    })
}
