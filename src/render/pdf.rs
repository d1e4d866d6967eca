//! PDFs typeset with typst used as a library, with the fonts embedded in the binary
//! (typst-assets): no external program, no system fonts, no network.
//!
//! The typst source of a document is generated here: every piece of text from the repository enters
//! it as a typst string literal (`#"…";`), so no character in a policy can be read as markup or code.

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use super::RenderError;

/// The embedded fonts, parsed once.
static FONTS: LazyLock<(LazyHash<FontBook>, Vec<Font>)> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    (LazyHash::new(FontBook::from_fonts(&fonts)), fonts)
});

static LIBRARY: LazyLock<LazyHash<Library>> =
    LazyLock::new(|| LazyHash::new(Library::builder().build()));

/// A world of one source file and the embedded fonts.
struct Document {
    main: Source,
    today: Datetime,
}

impl World for Document {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.0
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, _: FileId) -> FileResult<Bytes> {
        Err(FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.1.get(index).cloned()
    }

    fn today(&self, _: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

/// Typesets typst source as a PDF dated `date` (creation date and `datetime.today()`), identified
/// by `ident` so that the same input gives the same bytes.
pub fn typeset(
    source: String,
    ident: &str,
    date: jiff::civil::Date,
) -> Result<Vec<u8>, RenderError> {
    let failure = |message: String| RenderError::Pdf(ident.to_string(), message);
    let path = VirtualPath::new("/main.typ").map_err(|e| failure(format!("{e:?}")))?;
    let id = RootedPath::new(VirtualRoot::Project, path).intern();
    let today = Datetime::from_ymd(date.year().into(), date.month() as u8, date.day() as u8)
        .ok_or_else(|| failure(format!("date {date} out of range")))?;
    let world = Document {
        main: Source::new(id, source),
        today,
    };
    let document: PagedDocument = typst::compile(&world)
        .output
        .map_err(|e| failure(messages(&e)))?;
    let options = typst_pdf::PdfOptions {
        ident: Smart::Custom(ident.to_string()),
        timestamp: Some(typst_pdf::Timestamp::new_utc(today)),
        ..typst_pdf::PdfOptions::default()
    };
    typst_pdf::pdf(&document, &options).map_err(|e| failure(messages(&e)))
}

fn messages(errors: &[typst::diag::SourceDiagnostic]) -> String {
    errors
        .iter()
        .map(|e| e.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// A typst string literal holding `text` exactly.
pub fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `text` as literal text in typst markup.
pub fn text(text: &str) -> String {
    if text.is_empty() {
        String::new()
    } else {
        format!("#{};", string(text))
    }
}

/// What a policy's PDF shows.
pub struct PolicyPdf<'a> {
    /// The organisation's name.
    pub organization: &'a str,
    /// Policy id.
    pub id: &'a str,
    /// Title.
    pub title: &'a str,
    /// Owner's name.
    pub owner: &'a str,
    /// Approvers' names.
    pub approvers: &'a [String],
    /// Classification.
    pub classification: &'a str,
    /// Review cadence.
    pub review: &'a str,
    /// Its latest revision, e.g. `5 (draft; 4 approved)`.
    pub revision: &'a str,
    /// The date of its latest approved revision, and none on a DRAFT.
    pub effective: &'a str,
    /// The commit it was rendered from.
    pub commit: Option<&'a str>,
    /// Whether its latest change is unapproved.
    pub draft: bool,
    /// Document control rows: revision, date, change, author, approved by, change summary.
    pub history: Vec<[String; 6]>,
    /// Requirements: framework, id, title.
    pub requirements: Vec<[String; 3]>,
    /// The body, as typst markup (from [`super::markdown::to_typst`]).
    pub body: String,
}

const PAGE_SETUP: &str = r#"#set text(font: "Libertinus Serif", size: 10.5pt, lang: "en")
#set par(justify: true)
#show heading: set block(above: 1.4em, below: 0.8em)
#show table.cell.where(y: 0): set text(weight: "bold")
"#;

fn cells<const N: usize>(rows: &[[String; N]]) -> String {
    rows.iter()
        .flat_map(|row| row.iter().map(|cell| format!("[{}]", text(cell))))
        .collect::<Vec<_>>()
        .join(", ")
}

fn header(titles: &[&str]) -> String {
    let titles: Vec<String> = titles.iter().map(|t| format!("[{}]", text(t))).collect();
    format!("table.header({})", titles.join(", "))
}

/// The typst source of a policy document: title page, document control, requirements, body.
pub fn policy_source(p: &PolicyPdf) -> String {
    let mut s = String::from(PAGE_SETUP);
    s.push_str(&format!(
        "#set document(title: {}, author: {})\n",
        string(p.title),
        string(p.organization)
    ));
    let watermark = if p.draft {
        r#"rotate(-35deg, text(96pt, weight: "bold", fill: rgb(200, 30, 30, 45))[DRAFT])"#
    } else {
        "none"
    };
    s.push_str(&format!(
        r#"#set page(paper: "a4", margin: (x: 2.3cm, top: 2.8cm, bottom: 2.5cm), background: {watermark},
  header: context {{ if here().page() > 1 {{ set text(8.5pt, fill: luma(90)); [{org} #h(1fr) {title}]; v(-0.5em); line(length: 100%, stroke: 0.4pt + luma(160)) }} }},
  footer: context {{ set text(8.5pt, fill: luma(90)); [{id} · {class} #h(1fr) Page #counter(page).display("1 of 1", both: true)] }})
"#,
        org = text(p.organization),
        title = text(p.title),
        id = text(p.id),
        class = text(p.classification),
    ));
    s.push_str(&format!(
        "#v(3.5cm)\n#text(12pt, fill: luma(90))[{}]\n#v(0.2cm)\n#text(26pt, weight: \"bold\")[{}]\n#v(1.2cm)\n",
        text(p.organization),
        text(p.title)
    ));
    let facts = [
        ["Document".to_string(), p.id.to_string()],
        ["Owner".into(), p.owner.into()],
        ["Approvers".into(), p.approvers.join(", ")],
        ["Classification".into(), p.classification.into()],
        ["Review".into(), p.review.into()],
        ["Revision".into(), p.revision.into()],
        ["Effective".into(), p.effective.into()],
        [
            "Source".into(),
            p.commit
                .map_or("uncommitted working tree".into(), |c| format!("commit {c}")),
        ],
    ];
    let facts: Vec<String> = facts
        .iter()
        .map(|[label, value]| {
            format!(
                "[#text(fill: luma(90))[{}]], [{}]",
                text(label),
                text(value)
            )
        })
        .collect();
    s.push_str(&format!(
        "#[#show table.cell: set text(weight: \"regular\")\n#table(columns: (3.5cm, 1fr), stroke: none, inset: (x: 0pt, y: 5pt), {})]\n",
        facts.join(", ")
    ));
    if p.draft {
        s.push_str("#v(1cm)\n#text(fill: rgb(180, 35, 24), weight: \"bold\")[DRAFT: this policy has changes that carry no approval yet.]\n");
    }
    s.push_str("#pagebreak()\n= Document control\n");
    if p.history.is_empty() {
        s.push_str(&format!(
            "{}\n\n",
            text("No git history: the document has not been committed.")
        ));
    } else {
        s.push_str(&format!(
            "#[#set text(size: 9pt)\n#set par(justify: false)\n#table(columns: (auto, auto, auto, 0.8fr, 0.9fr, 1.6fr), stroke: 0.5pt + luma(170), inset: 4pt, {}, {})]\n",
            header(&["Revision", "Date", "Change", "Author", "Approved by", "Change summary"]),
            cells(&p.history)
        ));
    }
    s.push_str("= Requirements addressed\n");
    s.push_str(&format!(
        "#table(columns: (auto, auto, 1fr), stroke: 0.5pt + luma(170), inset: 5pt, {}, {})\n",
        header(&["Framework", "Requirement", "Title"]),
        cells(&p.requirements)
    ));
    s.push_str("#pagebreak()\n");
    s.push_str(&p.body);
    s
}

/// The start of a landscape table document: page set-up, the title as document metadata and as
/// the first line, and the stamp in every footer.
fn landscape(title: &str, organization: &str, stamp: &str) -> String {
    let mut s = String::from(PAGE_SETUP);
    s.push_str(&format!(
        "#set document(title: {}, author: {})\n",
        string(title),
        string(organization)
    ));
    s.push_str(&format!(
        r#"#set page(paper: "a4", flipped: true, margin: (x: 1.5cm, y: 1.8cm),
  footer: context {{ set text(8pt, fill: luma(90)); [{} #h(1fr) Page #counter(page).display("1 of 1", both: true)] }})
#set text(size: 8.5pt)
#set par(justify: false)
"#,
        text(stamp)
    ));
    s.push_str(&format!(
        "#text(16pt, weight: \"bold\")[{}]\n\n",
        text(title)
    ));
    s
}

/// The typst source of the Statement of Applicability: a landscape table of every Annex A control.
pub fn soa_source(
    organization: &str,
    table: &super::Table,
    headline: &str,
    version: &[[String; 2]],
    stamp: &str,
) -> String {
    let mut s = landscape(
        &format!("Statement of Applicability: {organization}"),
        organization,
        stamp,
    );
    s.push_str(&format!(
        "{}\n\n",
        text(&format!("ISO/IEC 27001:2022, Annex A. {headline}"))
    ));
    let facts: Vec<String> = version
        .iter()
        .map(|[label, value]| {
            format!(
                "[#text(weight: \"bold\")[{}]], [{}]",
                text(label),
                text(value)
            )
        })
        .collect();
    s.push_str(&format!(
        "#[#show table.cell: set text(weight: \"regular\")\n#table(columns: (2.2cm, 1fr), stroke: none, inset: (x: 0pt, y: 3pt), {})]\n\n",
        facts.join(", ")
    ));
    let titles: Vec<&str> = table.header.iter().map(String::as_str).collect();
    let rows: Vec<[String; 9]> = table
        .rows
        .iter()
        .filter_map(|row| <[String; 9]>::try_from(row.clone()).ok())
        .collect();
    s.push_str(&format!(
        "#table(columns: (auto, 1.4fr, auto, auto, 2.2fr, 1fr, auto, auto, 1.3fr), stroke: 0.5pt + luma(170), inset: 4pt, {}, {})\n",
        header(&titles),
        cells(&rows)
    ));
    s
}

/// What a landscape report PDF shows: a register or a plan.
pub struct ReportPdf<'a> {
    /// The organisation's name.
    pub organization: &'a str,
    /// The document's title, e.g. `Risk register`.
    pub title: &'a str,
    /// Paragraphs under the title.
    pub intro: &'a [String],
    /// SVG images shown side by side under the intro (the heat maps).
    pub figures: &'a [String],
    /// The table.
    pub table: &'a super::Table,
    /// typst column widths, one per column, e.g. `auto` or `1.5fr`.
    pub columns: &'a [&'a str],
    /// The stamp line for the footer.
    pub stamp: &'a str,
}

/// The typst source of a landscape report: title, intro, figures, then the table.
pub fn report_source(r: &ReportPdf) -> String {
    let full_title = format!("{}: {}", r.title, r.organization);
    let mut s = landscape(&full_title, r.organization, r.stamp);
    for paragraph in r.intro {
        s.push_str(&format!("{}\n\n", text(paragraph)));
    }
    if !r.figures.is_empty() {
        let images: Vec<String> = r
            .figures
            .iter()
            .map(|svg| {
                format!(
                    "image(bytes({}), format: \"svg\", width: 7.5cm)",
                    string(svg)
                )
            })
            .collect();
        s.push_str(&format!(
            "#block(breakable: false, stack(dir: ltr, spacing: 1.2cm, {}))\n\n",
            images.join(", ")
        ));
    }
    let titles: Vec<&str> = r.table.header.iter().map(String::as_str).collect();
    let cells: Vec<String> = r
        .table
        .rows
        .iter()
        .flat_map(|row| row.iter().map(|cell| format!("[{}]", text(cell))))
        .collect();
    s.push_str(&format!(
        "#table(columns: ({}), stroke: 0.5pt + luma(170), inset: 4pt, {}, {})\n",
        r.columns.join(", "),
        header(&titles),
        cells.join(", ")
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_escape_everything_that_matters() {
        assert_eq!(string(r#"a "b" \c"#), r#""a \"b\" \\c""#);
        assert_eq!(text("#let x = 1 // $y$ *z*"), "#\"#let x = 1 // $y$ *z*\";");
        assert_eq!(text(""), "");
    }
}
