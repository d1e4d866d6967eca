//! The auditor's bundle (`crosswalk bundle`) and its verification (`crosswalk verify`).
//!
//! A bundle is a folder for one framework and one period: the repository as it stood at the end of
//! the period (the last commit landed by `--to`, judged as of `--to`): the SoA (ISO 27001), the
//! matrix, the gap analysis, the policies, the risk register and treatment plan, the change
//! population of the period with its reconciliation, the evidence records of the period that
//! prove the framework's controls, with their attachments, an index page, and `MANIFEST.sha256`
//! naming the commit. Every file is a pure function of (commit, framework, period): two bundles of
//! the same inputs are byte-identical, and `verify` rebuilds the bundle from the repository at the
//! manifest's commit and compares it with the folder, file by file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use jiff::civil::Date;

use super::{GapsFormat, Outputs, PlanError, SoaFormat, TableFormat, read_regular};
use crate::history::snapshot;
use crate::model::{Doc, Evidence};
use crate::render;

/// The manifest's file name.
pub const MANIFEST: &str = "MANIFEST.sha256";

/// What a bundle is of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// The framework (a catalog id in scope).
    pub framework: String,
    /// The period's first day.
    pub from: Date,
    /// The period's last day: the repository as it stood then, judged as of then.
    pub to: Date,
}

/// A bundle: its commit and its files, by path, in order.
pub struct Bundle {
    /// The commit it was made from.
    pub commit: String,
    /// What it is of.
    pub request: Request,
    /// Path (with `/`) → bytes, the manifest included.
    pub files: BTreeMap<String, Vec<u8>>,
}

/// Makes the bundle of `request` for the repository at `directory`: the commit is the last one of
/// HEAD's first-parent line landed by `request.to`.
pub fn bundle(directory: &Path, request: &Request) -> Result<Bundle, PlanError> {
    if request.from > request.to {
        return Err(PlanError::Refused(format!(
            "--from {} is after --to {}: the period is empty",
            request.from, request.to
        )));
    }
    let root = crate::load::find_root(directory)?;
    let revision = snapshot::resolve_at(&root, &request.to.to_string())?;
    bundle_at(&root, &revision, request)
}

/// The bundle of `request` made from one revision.
fn bundle_at(
    root: &Path,
    revision: &snapshot::Revision,
    request: &Request,
) -> Result<Bundle, PlanError> {
    let label = format!(
        "{}, the end of the period {} to {}",
        request.to, request.from, request.to
    );
    let outputs = Outputs::read_revision(root, revision, Some(request.to), label)?;
    let model = &outputs.workspace.model;
    if model.scope(&request.framework).is_none() {
        let ids: Vec<&str> = model.frameworks_in_scope().iter().map(|f| f.id()).collect();
        return Err(PlanError::Refused(format!(
            "framework `{}` is not in scope at {} (in scope: {})",
            request.framework,
            crate::history::short(&revision.commit),
            ids.join(", ")
        )));
    }
    let mut files = BTreeMap::new();
    let mut put = |path: &str, bytes: Vec<u8>| {
        files.insert(path.to_string(), bytes);
    };
    if request.framework == "iso27001" {
        put("soa.pdf", outputs.soa(SoaFormat::Pdf)?);
        put("soa.xlsx", outputs.soa(SoaFormat::Xlsx)?);
        put("soa.csv", outputs.soa(SoaFormat::Csv)?);
    }
    put("matrix.xlsx", outputs.matrix(TableFormat::Xlsx)?);
    put("matrix.csv", outputs.matrix(TableFormat::Csv)?);
    put(
        "gaps.md",
        outputs.gaps(GapsFormat::Md, Some(&request.framework))?,
    );
    put("registers/risks.pdf", outputs.risks(SoaFormat::Pdf, false)?);
    put(
        "registers/risks.xlsx",
        outputs.risks(SoaFormat::Xlsx, false)?,
    );
    put(
        "registers/risk-treatment-plan.pdf",
        outputs.risks(SoaFormat::Pdf, true)?,
    );
    put(
        "registers/nonconformities.pdf",
        outputs.nonconformities(SoaFormat::Pdf)?,
    );
    put(
        "registers/nonconformities.csv",
        outputs.nonconformities(SoaFormat::Csv)?,
    );
    let pdfs =
        outputs.documents(|inputs| render::site::policy_pdfs(inputs, &|_| {}, &|_, _| {}))?;
    for (name, bytes) in pdfs {
        put(&format!("policies/{name}"), bytes);
    }
    if let Some(trail) = &outputs.trail {
        let population = super::population(
            &outputs.workspace,
            trail,
            Some(request.from),
            Some(request.to),
        );
        let markdown = render::population_markdown(
            &population.query,
            &population.table,
            &population.reconciliation,
            &population.digest,
        )?;
        put("changes/population.csv", population.csv.into_bytes());
        put("changes/population.md", markdown.into_bytes());
    }
    for (path, bytes) in evidence_files(&outputs, request)? {
        put(&path, bytes);
    }
    let index = index_page(&outputs, revision, request, &files);
    files.insert("index.html".to_string(), index.into_bytes());
    let manifest = manifest(&revision.commit, request, &files);
    files.insert(MANIFEST.to_string(), manifest.into_bytes());
    Ok(Bundle {
        commit: revision.commit.clone(),
        request: request.clone(),
        files,
    })
}

/// The evidence records of the period that prove a control claiming one of the framework's
/// requirements, with their attachments, at their repository paths under `evidence/`.
fn evidence_files(
    outputs: &Outputs,
    request: &Request,
) -> Result<Vec<(String, Vec<u8>)>, PlanError> {
    let model = &outputs.workspace.model;
    let controls: BTreeSet<&str> = model
        .controls
        .iter()
        .filter(|c| {
            c.data
                .satisfies
                .iter()
                .any(|(f, ids)| f.get_ref() == &request.framework && !ids.is_empty())
        })
        .map(|c| c.data.id.get_ref().as_str())
        .collect();
    let mut out = Vec::new();
    for record in model.evidence.iter().filter(|e| in_period(e, request)) {
        if !record
            .data
            .controls
            .iter()
            .any(|c| controls.contains(c.get_ref().as_str()))
        {
            continue;
        }
        out.push((
            under_evidence(&record.path),
            read_regular(&model.root, &record.path)?,
        ));
        for attachment in &record.data.attachments {
            let Some(path) = crate::model::attachment_path(&record.path, attachment.path.get_ref())
            else {
                continue;
            };
            out.push((under_evidence(&path), read_regular(&model.root, &path)?));
        }
    }
    Ok(out)
}

/// Where a repository file goes in the bundle: its own path when that is under `evidence/` (the
/// default layout), else under `evidence/`.
fn under_evidence(path: &str) -> String {
    match path.starts_with("evidence/") {
        true => path.to_string(),
        false => format!("evidence/{path}"),
    }
}

/// Whether a record shows operation within the period (what it proves overlaps it), collected by
/// its end.
fn in_period(record: &Doc<Evidence>, request: &Request) -> bool {
    let (start, end) = crate::model::operation::proves(&record.data);
    record.data.collected.get_ref().0 <= request.to && end >= request.from && start <= request.to
}

/// `MANIFEST.sha256`: comment lines naming the commit, framework and period, then one
/// `HASH  PATH` line per file in `sha256sum` format, by path.
pub fn manifest(commit: &str, request: &Request, files: &BTreeMap<String, Vec<u8>>) -> String {
    let mut out = format!(
        "# crosswalk bundle\n# commit {commit}\n# framework {}\n# period {} {}\n# Check: `crosswalk verify DIR` rebuilds every file from the repository at the commit; `sha256sum -c MANIFEST.sha256` checks the hashes alone.\n",
        request.framework, request.from, request.to
    );
    for (path, bytes) in files.iter().filter(|(p, _)| p.as_str() != MANIFEST) {
        out.push_str(&format!("{}  {path}\n", render::sha256_hex(bytes)));
    }
    out
}

/// A manifest read back.
#[derive(Clone, Debug)]
pub struct Manifest {
    /// The commit named.
    pub commit: String,
    /// The framework and period.
    pub request: Request,
    /// Path → hash.
    pub hashes: BTreeMap<String, String>,
}

/// Reads a manifest; says what line is wrong.
pub fn parse_manifest(text: &str) -> Result<Manifest, String> {
    let (mut commit, mut framework, mut period) = (None, None, None);
    let mut hashes = BTreeMap::new();
    for (number, line) in text.lines().enumerate() {
        let wrong = |what: &str| format!("{MANIFEST} line {}: {what}", number + 1);
        if let Some(comment) = line.strip_prefix("# ") {
            let twice = |seen: bool, what: &str| match seen {
                true => Err(wrong(&format!(
                    "a second `{what}` line: a manifest names one"
                ))),
                false => Ok(()),
            };
            if let Some(value) = comment.strip_prefix("commit ") {
                twice(commit.is_some(), "commit")?;
                let value = value.trim();
                if value.len() != 40 || !value.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(wrong("the commit is not a full commit id (40 hex digits)"));
                }
                commit = Some(value.to_string());
            } else if let Some(value) = comment.strip_prefix("framework ") {
                twice(framework.is_some(), "framework")?;
                framework = Some(value.trim().to_string());
            } else if let Some(value) = comment.strip_prefix("period ") {
                twice(period.is_some(), "period")?;
                let dates: Vec<Option<Date>> =
                    value.split_whitespace().map(|d| d.parse().ok()).collect();
                match dates.as_slice() {
                    [Some(from), Some(to)] => period = Some((*from, *to)),
                    _ => return Err(wrong("the period is not two dates")),
                }
            }
            continue;
        }
        let Some((hash, path)) = line.split_once("  ") else {
            return Err(wrong("not `HASH  PATH`"));
        };
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(wrong("not a SHA-256"));
        }
        if path.split('/').any(|part| part == ".." || part.is_empty()) || path.starts_with('/') {
            return Err(wrong("the path leaves the bundle"));
        }
        hashes.insert(path.to_string(), hash.to_lowercase());
    }
    let missing = |what: &str| format!("{MANIFEST} names no {what}: it is not a crosswalk bundle");
    let (from, to) = period.ok_or_else(|| missing("period"))?;
    Ok(Manifest {
        commit: commit.ok_or_else(|| missing("commit"))?,
        request: Request {
            framework: framework.ok_or_else(|| missing("framework"))?,
            from,
            to,
        },
        hashes,
    })
}

/// One difference `verify` found.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Difference {
    /// The file's bytes do not match the manifest's hash.
    Changed {
        /// The file.
        path: String,
    },
    /// A file the manifest lists is not in the folder.
    Missing {
        /// The file.
        path: String,
    },
    /// A file in the folder that the manifest does not list.
    NotInManifest {
        /// The file.
        path: String,
    },
    /// The manifest's hash is not that of the file the repository gives at the commit.
    NotWhatTheRepositoryGives {
        /// The file.
        path: String,
    },
    /// The repository at the commit gives a file the manifest does not list.
    LeftOut {
        /// The file.
        path: String,
    },
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Difference::Changed { path } => {
                write!(f, "{path}: changed (its SHA-256 is not the manifest's)")
            }
            Difference::Missing { path } => write!(f, "{path}: missing (the manifest lists it)"),
            Difference::NotInManifest { path } => {
                write!(f, "{path}: not in the manifest (added to the bundle)")
            }
            Difference::NotWhatTheRepositoryGives { path } => write!(
                f,
                "{path}: the manifest's hash is not that of the file the repository gives at the commit"
            ),
            Difference::LeftOut { path } => write!(
                f,
                "{path}: the repository at the commit gives this file, but the manifest does not list it"
            ),
        }
    }
}

/// What `verify` found.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Verification {
    /// The manifest's commit.
    pub commit: String,
    /// How many files the manifest lists.
    pub files: usize,
    /// Every difference, by path.
    pub differences: Vec<Difference>,
}

/// Verifies the bundle in `folder` against the repository at `directory`: every file against the
/// manifest's hash, and the manifest against the bundle rebuilt from the repository at its commit.
pub fn verify(directory: &Path, folder: &Path) -> Result<Verification, PlanError> {
    let text = std::fs::read_to_string(folder.join(MANIFEST)).map_err(|e| {
        PlanError::Refused(format!(
            "cannot read {}: {e}",
            folder.join(MANIFEST).display()
        ))
    })?;
    let manifest = parse_manifest(&text).map_err(PlanError::Refused)?;
    let mut differences = Vec::new();
    let present = files_in(folder)?;
    for (path, hash) in &manifest.hashes {
        match present.get(path) {
            None => differences.push(Difference::Missing { path: path.clone() }),
            Some(actual) if actual != hash => {
                differences.push(Difference::Changed { path: path.clone() })
            }
            Some(_) => {}
        }
    }
    for path in present.keys() {
        if path != MANIFEST && !manifest.hashes.contains_key(path) {
            differences.push(Difference::NotInManifest { path: path.clone() });
        }
    }
    let root = crate::load::find_root(directory)?;
    let revision = snapshot::resolve_at(&root, &manifest.commit)?;
    let rebuilt = bundle_at(&root, &revision, &manifest.request)?;
    for (path, bytes) in rebuilt.files.iter().filter(|(p, _)| p.as_str() != MANIFEST) {
        match manifest.hashes.get(path) {
            None => differences.push(Difference::LeftOut { path: path.clone() }),
            Some(hash) if *hash != render::sha256_hex(bytes) => {
                differences.push(Difference::NotWhatTheRepositoryGives { path: path.clone() })
            }
            Some(_) => {}
        }
    }
    for path in manifest.hashes.keys() {
        if !rebuilt.files.contains_key(path) {
            differences.push(Difference::NotWhatTheRepositoryGives { path: path.clone() });
        }
    }
    // The manifest itself, byte for byte: a line added to it (a claim an auditor might read) or
    // reordered is a difference too.
    if rebuilt.files.get(MANIFEST).map(Vec::as_slice) != Some(text.as_bytes()) {
        differences.push(Difference::NotWhatTheRepositoryGives {
            path: MANIFEST.to_string(),
        });
    }
    differences.sort_by(|a, b| key(a).cmp(key(b)));
    differences.dedup();
    Ok(Verification {
        commit: manifest.commit,
        files: manifest.hashes.len(),
        differences,
    })
}

fn key(difference: &Difference) -> &str {
    match difference {
        Difference::Changed { path }
        | Difference::Missing { path }
        | Difference::NotInManifest { path }
        | Difference::NotWhatTheRepositoryGives { path }
        | Difference::LeftOut { path } => path,
    }
}

/// Every regular file below `folder`, by path with `/`, with its SHA-256. Symbolic links are
/// listed with the hash of their target text, so a link never passes for the file it replaces.
fn files_in(folder: &Path) -> Result<BTreeMap<String, String>, PlanError> {
    let mut out = BTreeMap::new();
    let mut stack = vec![folder.to_path_buf()];
    let io = |e: std::io::Error| PlanError::Refused(format!("cannot read the bundle: {e}"));
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).map_err(io)? {
            let entry = entry.map_err(io)?;
            let path = entry.path();
            let kind = entry.file_type().map_err(io)?;
            if kind.is_dir() {
                stack.push(path);
                continue;
            }
            let relative = path
                .strip_prefix(folder)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            let bytes = if kind.is_symlink() {
                let target = std::fs::read_link(&path).map_err(io)?;
                format!("symbolic link to {}", target.display()).into_bytes()
            } else {
                std::fs::read(&path).map_err(io)?
            };
            out.insert(relative, render::sha256_hex(&bytes));
        }
    }
    Ok(out)
}

/// The bundle's index page: what it is, as of when, and every file with its SHA-256.
fn index_page(
    outputs: &Outputs,
    revision: &snapshot::Revision,
    request: &Request,
    files: &BTreeMap<String, Vec<u8>>,
) -> String {
    let escape = |text: &str| ammonia::clean_text(text);
    let model = &outputs.workspace.model;
    let organization = model
        .config
        .as_ref()
        .map_or("", |c| c.data.organization.name.as_str());
    let framework = model
        .framework(&request.framework)
        .map_or(request.framework.clone(), |f| f.title().to_string());
    let mut rows = String::new();
    for (path, bytes) in files {
        rows.push_str(&format!(
            "<tr><td><a href=\"{href}\">{text}</a></td><td>{size}</td><td><code>{hash}</code></td></tr>\n",
            href = escape(path),
            text = escape(path),
            size = bytes.len(),
            hash = render::sha256_hex(bytes)
        ));
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Audit bundle · {org}</title>\n<style>body {{ font: 15px/1.5 -apple-system, \"Segoe UI\", Roboto, Arial, sans-serif; color: #1f2933; max-width: 1100px; margin: 2rem auto; padding: 0 1.5rem; }} table {{ border-collapse: collapse; width: 100%; font-size: 0.85rem; }} th, td {{ border: 1px solid #d9dee4; padding: 0.3rem 0.5rem; text-align: left; }} th {{ background: #f3f6f9; }} code {{ font-size: 0.8rem; }} .muted {{ color: #616e7c; }}</style>\n</head>\n<body>\n<h1>Audit bundle: {org}</h1>\n<p>{framework}, the period {from} to {to}: the repository as it stood at the end of the period, commit <code>{commit}</code> ({date}, &ldquo;{summary}&rdquo;), evidence judged as of {to}.</p>\n<p class=\"muted\">Every file below is listed in <code>MANIFEST.sha256</code> with its SHA-256. <code>crosswalk verify DIR</code>, run in the repository, rebuilds each file from the commit and says exactly what differs; <code>sha256sum -c MANIFEST.sha256</code> checks the hashes alone.</p>\n<table>\n<thead><tr><th>File</th><th>Bytes</th><th>SHA-256</th></tr></thead>\n<tbody>\n{rows}</tbody>\n</table>\n</body>\n</html>\n",
        org = escape(organization),
        framework = escape(&framework),
        from = request.from,
        to = request.to,
        commit = escape(&revision.commit),
        date = revision.date,
        summary = escape(&revision.summary),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_reads_back_and_refuses_paths_that_leave() {
        let request = Request {
            framework: "soc2".into(),
            from: "2026-01-01".parse().unwrap(),
            to: "2026-06-30".parse().unwrap(),
        };
        let mut files = BTreeMap::new();
        files.insert("a/b.csv".to_string(), b"x".to_vec());
        let commit = "ab".repeat(20);
        let text = manifest(&commit, &request, &files);
        let read = parse_manifest(&text).unwrap();
        assert_eq!(read.request, request);
        assert_eq!(read.commit, commit);
        assert_eq!(read.hashes["a/b.csv"], render::sha256_hex(b"x"));
        let evil = text.replace("a/b.csv", "../etc/passwd");
        assert!(
            parse_manifest(&evil)
                .unwrap_err()
                .contains("leaves the bundle")
        );
    }
}
