//! Evidence: attachments exist inside the repository with the recorded SHA-256, and every operating
//! control has evidence no older than its frequency allows.

use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::diag::{Code, Diagnostic};
use crate::model::{Attachment, Doc, Evidence, Freshness, Model, inside, slash};

/// Checks every attachment of every evidence record.
pub fn check_attachments(model: &Model, found: &mut Vec<Diagnostic>) {
    let root = canonical(&model.root);
    for record in &model.evidence {
        let folder = Path::new(&record.path)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        for attachment in &record.data.attachments {
            check_attachment(&root, &folder, record, attachment, found);
        }
    }
}

fn check_attachment(
    root: &Path,
    folder: &Path,
    record: &Doc<Evidence>,
    attachment: &Attachment,
    found: &mut Vec<Diagnostic>,
) {
    let written = attachment.path.get_ref();
    let span = record.span(&attachment.path);
    let Some(relative) = inside(folder, Path::new(written)) else {
        found.push(
            Diagnostic::new(
                Code::AttachmentOutsideRepository,
                record.file,
                span,
                format!("attachment `{written}` leaves the repository"),
            )
            .with_help("keep attachments beside the record or below it; paths are relative to the record's folder"),
        );
        return;
    };
    let path = root.join(&relative);
    if !path.is_file() {
        found.push(
            Diagnostic::new(
                Code::AttachmentMissing,
                record.file,
                span,
                format!(
                    "attachment `{written}` does not exist (looked for `{}`)",
                    slash(&relative)
                ),
            )
            .with_help(
                "paths are relative to the record's folder; commit the file beside the record",
            ),
        );
        return;
    }
    if !canonical(&path).starts_with(root) {
        found.push(
            Diagnostic::new(
                Code::AttachmentOutsideRepository,
                record.file,
                span,
                format!(
                    "attachment `{written}` is a symbolic link that leads outside the repository"
                ),
            )
            .with_help("copy the file into the repository instead of linking to it"),
        );
        return;
    }
    match sha256(&path) {
        Ok(actual) if actual == *attachment.sha256.get_ref() => {}
        Ok(actual) => found.push(
            record.finding(Code::AttachmentHashMismatch, &attachment.sha256,
                format!("attachment `{written}` has SHA-256 {actual}, not the recorded one"),
            )
            .with_help(format!(
                "if the file was changed on purpose, record `sha256 = \"{actual}\"`; otherwise restore the original"
            )),
        ),
        Err(e) => found.push(Diagnostic::new(
            Code::AttachmentMissing,
            record.file,
            span,
            format!("attachment `{written}` cannot be read: {e}"),
        )),
    }
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

fn sha256(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 64 * 1024];
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Evidence freshness as of a date: every implemented or partial control has evidence, its latest
/// evidence is within one period of its frequency, and no record is dated after `as_of`.
pub fn check_freshness(model: &Model, as_of: jiff::civil::Date, found: &mut Vec<Diagnostic>) {
    for record in &model.evidence {
        let collected = record.data.collected.get_ref().0;
        if collected > as_of {
            found.push(
                record
                    .finding(
                        Code::EvidenceFromFuture,
                        &record.data.collected,
                        format!(
                            "evidence `{}` is dated {collected}, after {as_of}",
                            record.data.id.get_ref()
                        ),
                    )
                    .with_help(
                        "check the date; freshness is judged as of --as-of (by default today)",
                    ),
            );
        }
    }
    let latest = model.latest_evidence(as_of);
    for control in &model.controls {
        let data = &control.data;
        let id = data.id.get_ref();
        let record = latest.get(id.as_str()).copied();
        match model.freshness(data, record, as_of) {
            Freshness::Planned | Freshness::Fresh(_) => {}
            Freshness::NoEvidence => found.push(
                control
                    .finding(
                        Code::ControlWithoutEvidence,
                        &data.id,
                        format!(
                            "control `{id}` is {} but no evidence record proves it",
                            data.status.get_ref().name()
                        ),
                    )
                    .with_help(format!(
                        "add an evidence record with `controls = [\"{id}\"]`"
                    )),
            ),
            Freshness::Stale(record) => {
                let effective = model.effective_frequency(data);
                let frequency = effective.describe();
                let collected = record.data.collected.get_ref().0;
                let set_at = match &effective.expected_by {
                    Some(e) => (control.span(e.claim), "the requirement that expects it"),
                    None => (control.span(&data.frequency), "frequency set here"),
                };
                found.push(
                    record.finding(Code::EvidenceStale, &record.data.collected,
                        format!(
                            "the latest evidence of control `{id}` was collected {collected}: older than its {frequency} frequency allows as of {as_of}"
                        ),
                    )
                    .with_related(control.file, set_at.0, set_at.1)
                    .with_help(format!(
                        "collect fresh evidence of `{id}` and add a record, or correct the control's frequency"
                    )),
                );
            }
        }
    }
}

/// A control whose declared frequency is laxer than a cadence one of its in-scope requirements
/// expects: the stricter cadence applies (freshness, matrix), and the declaration should say so.
pub fn check_frequencies(model: &Model, found: &mut Vec<Diagnostic>) {
    for control in &model.controls {
        let data = &control.data;
        let declared = data.frequency.get_ref();
        for expectation in model.expected_cadences(data) {
            if !expectation.cadence.is_stricter_than(declared) {
                continue;
            }
            let requirement = expectation.requirement;
            let basis = requirement
                .cadence_basis
                .as_deref()
                .map_or(String::new(), |b| format!(" ({b})"));
            found.push(
                control.finding(Code::FrequencyLaxerThanRequired, &data.frequency,
                    format!(
                        "control `{}` operates {declared}, but {} `{}` ({}) expects {}{basis}",
                        data.id.get_ref(),
                        expectation.framework.title(),
                        requirement.id.get_ref(),
                        requirement.title,
                        expectation.cadence,
                    ),
                )
                .with_related(control.file, control.span(expectation.claim), "claimed here")
                .with_help(format!(
                    "evidence is judged against {} already; set `frequency = \"{}\"` so the control says how often it really operates",
                    expectation.cadence, expectation.cadence
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachment_paths_stay_inside() {
        let folder = Path::new("evidence/2026");
        assert_eq!(
            inside(folder, Path::new("a.csv")),
            Some(PathBuf::from("evidence/2026/a.csv"))
        );
        assert_eq!(
            inside(folder, Path::new("../../x.csv")),
            Some(PathBuf::from("x.csv"))
        );
        assert_eq!(inside(folder, Path::new("../../../x.csv")), None);
        assert_eq!(inside(folder, Path::new("/etc/passwd")), None);
    }
}
