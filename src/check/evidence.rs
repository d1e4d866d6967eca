//! Evidence: attachments exist inside the repository with the recorded SHA-256; every operating
//! control has evidence no older than its frequency allows, for every period of its observation
//! window so far (the rules are [`crate::model::operation`]'s; this module reports them).

use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::diag::{Code, Diagnostic};
use crate::model::operation::{Cell, Hole, is_judgeable};
use crate::model::{
    Attachment, Doc, Evidence, Frequency, Freshness, Model, Operation, Operations, Window, inside,
    slash,
};

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

/// The help for an attachment that is not there: the file of its folder it most likely means (a
/// name that differs in case or by a typo), else where paths are relative to.
fn missing_attachment_help(path: &Path, written: &str) -> String {
    let names: Vec<String> = path
        .parent()
        .and_then(|dir| std::fs::read_dir(dir).ok())
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .collect();
    let asked = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    // Records are not what an attachment meant, unless it names a Markdown file itself.
    let is_record = |name: &str| name.to_lowercase().ends_with(".md");
    let names = names
        .iter()
        .map(String::as_str)
        .filter(|n| is_record(asked) || !is_record(n));
    match crate::diag::closest(asked, names) {
        Some(name) => {
            let folder = written.rsplit_once('/').map_or("", |(folder, _)| folder);
            let meant = if folder.is_empty() {
                name.to_string()
            } else {
                format!("{folder}/{name}")
            };
            let how = if name.eq_ignore_ascii_case(asked) {
                " (it differs only in upper and lower case, which matters on Linux and in git)"
            } else {
                ""
            };
            format!("did you mean `{meant}`?{how}")
        }
        None => {
            "paths are relative to the record's folder; commit the file beside the record".into()
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
            .with_help(missing_attachment_help(&path, written)),
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

/// Evidence dated after the judging date: it proves nothing until then.
pub fn check_future(model: &Model, as_of: jiff::civil::Date, found: &mut Vec<Diagnostic>) {
    for record in &model.evidence {
        let collected = record.data.collected.get_ref().0;
        if collected > as_of {
            found.push(
                record
                    .finding(
                        Code::EvidenceFromFuture,
                        &record.data.collected,
                        format!(
                            "evidence `{}` is dated {collected}, after {as_of}: it proves nothing until then",
                            record.data.id.get_ref()
                        ),
                    )
                    .with_help(
                        "check the date; evidence is judged as of --as-of (by default today)",
                    ),
            );
        }
    }
}

/// Whether every operating control operated as of the judging date: it has evidence, its latest
/// evidence is fresh, every ended period of its observation window has evidence, and a continuous
/// control's evidence leaves no stretch longer than its `max_gap`.
pub fn check_operation(operations: &Operations, found: &mut Vec<Diagnostic>) {
    let as_of = operations.as_of;
    for operation in operations.iter() {
        let control = operation.control;
        let data = &control.data;
        let id = data.id.get_ref();
        match operation.freshness {
            Freshness::Planned => continue,
            Freshness::NoEvidence => {
                found.push(
                    control
                        .finding(
                            Code::ControlWithoutEvidence,
                            &data.status,
                            format!(
                                "control `{id}` is {} but no evidence record collected by {as_of} proves it: it covers nothing until one does",
                                data.status.get_ref().name()
                            ),
                        )
                        .with_help(format!(
                            "add an evidence record with `controls = [\"{id}\"]`, or set `status = \"planned\"` until the control operates"
                        )),
                );
                continue;
            }
            Freshness::Stale(record) => found.push(stale(operation, record, as_of)),
            Freshness::Fresh(_) => {}
        }
        for cell in operation.missing() {
            found.push(missing_period(operation, cell));
        }
        for hole in &operation.holes {
            found.push(uncovered_stretch(operation, hole));
        }
    }
}

/// Where a control's effective frequency is set: its `frequency`, or the claim of the requirement
/// that expects a stricter one.
fn frequency_place(operation: &Operation) -> (std::ops::Range<usize>, &'static str) {
    let control = operation.control;
    match &operation.effective.expected_by {
        Some(e) => (control.span(e.claim), "the requirement that expects it"),
        None => (control.span(&control.data.frequency), "frequency set here"),
    }
}

fn stale(operation: &Operation, record: &Doc<Evidence>, as_of: jiff::civil::Date) -> Diagnostic {
    let control = operation.control;
    let id = control.data.id.get_ref();
    let frequency = operation.effective.describe();
    let collected = record.data.collected.get_ref().0;
    let (span, label) = frequency_place(operation);
    record
        .finding(
            Code::EvidenceStale,
            &record.data.collected,
            format!(
                "the latest evidence of control `{id}` was collected {collected}: older than its {frequency} frequency allows as of {as_of}"
            ),
        )
        .with_related(control.file, span, label)
        .with_help(format!(
            "collect fresh evidence of `{id}` and add a record, or correct the control's frequency"
        ))
}

fn missing_period(operation: &Operation, cell: &Cell) -> Diagnostic {
    let control = operation.control;
    let id = control.data.id.get_ref();
    let window = operation
        .window
        .expect("missing periods are periods of a window");
    let (span, _) = frequency_place(operation);
    let named = if cell.label == cell.range() {
        cell.range()
    } else {
        format!("{} ({})", cell.label, cell.range())
    };
    let like = operation.latest().map_or(String::new(), |r| {
        format!(
            " (its latest is `{}`, \"{}\")",
            r.data.id.get_ref(),
            r.data.title
        )
    });
    Diagnostic::new(
        Code::OperatingPeriodMissing,
        control.file,
        span,
        format!(
            "control `{id}` has no evidence for {named}, a {} period of the observation window {} to {}: nothing shows it operated then",
            operation.effective.pace, window.start, window.end
        ),
    )
    .with_help(format!(
        "add an evidence record of `{id}` collected between {} and {}{like}, or, if a record covers that time, give it `period = {{ start = {}, end = {} }}`",
        cell.start, cell.end, cell.start, cell.end
    ))
}

fn uncovered_stretch(operation: &Operation, hole: &Hole) -> Diagnostic {
    let control = operation.control;
    let data = &control.data;
    let id = data.id.get_ref();
    let max_gap = operation.effective.pace.cadence();
    let span = match &data.max_gap {
        Some(gap) => control.span(gap),
        None => control.span(&data.frequency),
    };
    let what = if hole.open {
        format!(
            "has no evidence since {}: {} days to the judging date",
            hole.start,
            hole.days()
        )
    } else {
        format!("leaves {} uncovered ({} days)", hole.range(), hole.days())
    };
    Diagnostic::new(
        Code::EvidenceGap,
        control.file,
        span,
        format!(
            "continuous control `{id}` {what}, longer than its max_gap of {max_gap} allows"
        ),
    )
    .with_help(format!(
        "add an evidence record of `{id}` whose `period = {{ start = …, end = … }}` covers {}; if the control did not run then, say so in an evidence record and raise it as an exception",
        hole.range()
    ))
}

/// Periods that cannot be judged: an evidence record's `period` that ends before it starts or
/// after the record was collected, an observation window that ends before it starts or is longer
/// than three years, and a `max_gap` on a control that is not continuous.
pub fn check_periods(model: &Model, found: &mut Vec<Diagnostic>) {
    for record in &model.evidence {
        let Some(period) = &record.data.period else {
            continue;
        };
        let Window { start, end } = *period.get_ref();
        let collected = record.data.collected.get_ref();
        let problem = if start > end {
            format!(
                "the period of evidence `{}` ends ({end}) before it starts ({start})",
                record.data.id.get_ref()
            )
        } else if end > *collected {
            format!(
                "the period of evidence `{}` ends {end}, after the record was collected ({collected}): a record cannot show operation after it was made",
                record.data.id.get_ref()
            )
        } else {
            continue;
        };
        found.push(
            record
                .finding(Code::InvalidPeriod, period, problem)
                .with_help("the record counts for its collection day alone until its `period` starts on or before its end, and ends on or before `collected`"),
        );
    }
    if let Some(config) = &model.config {
        for (framework, scope) in &config.data.frameworks {
            let Some(spanned) = &scope.observation else {
                continue;
            };
            let window = spanned.get_ref();
            let problem = if is_judgeable(*window) {
                continue;
            } else if window.start > window.end {
                format!(
                    "the observation window of `{}` ends ({}) before it starts ({}), so no period of it is judged",
                    framework.get_ref(),
                    window.end,
                    window.start
                )
            } else {
                format!(
                    "the observation window of `{}` runs from {} to {}: longer than three years, so no period of it is judged",
                    framework.get_ref(),
                    window.start,
                    window.end
                )
            };
            found.push(
                config
                    .finding(Code::InvalidPeriod, spanned, problem)
                    .with_help("set `observation = { start = …, end = … }` to the period the report covers (a SOC 2 Type II period is usually 3 to 12 months)"),
            );
        }
    }
    for control in &model.controls {
        let data = &control.data;
        if let (Some(gap), Frequency::Every(cadence)) = (&data.max_gap, data.frequency.get_ref()) {
            found.push(
                control
                    .finding(
                        Code::InvalidPeriod,
                        gap,
                        format!(
                            "control `{}` has a max_gap, but it operates {cadence}, not continuously: max_gap applies only to a continuous control",
                            data.id.get_ref()
                        ),
                    )
                    .with_help("remove `max_gap`, or set `frequency = \"continuous\"` if the control runs all the time"),
            );
        }
    }
}

/// A control whose declared frequency is laxer than a cadence one of its in-scope requirements
/// expects: the stricter cadence applies (freshness, matrix), and the declaration should say so.
pub fn check_frequencies(model: &Model, found: &mut Vec<Diagnostic>) {
    for control in &model.controls {
        let data = &control.data;
        let Frequency::Every(declared) = data.frequency.get_ref() else {
            continue;
        };
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
