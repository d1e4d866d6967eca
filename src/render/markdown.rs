//! Markdown bodies to safe HTML and to typst: CommonMark with GitHub tables, footnotes, task lists
//! and strikethrough (pulldown-cmark), headings given anchor ids, then raw HTML sanitised (ammonia).
//!
//! Nothing a body says can reach outside its document: no `style` attribute but a table cell's
//! alignment, no event handler, no script, no image or other resource loaded from anywhere (an
//! image becomes a link to it), and links only to `http`, `https`, `mailto` or a place in the
//! page. Nesting deeper than [`MAX_DEPTH`] (10,000 `>` in a row, say) is flattened: the text is
//! kept, the structure beyond that depth is not, so no renderer recurses without bound.

/// The deepest nesting of Markdown blocks and spans that is rendered as structure.
pub const MAX_DEPTH: usize = 16;

/// Whether a link target may be followed from a rendered document: `http`, `https` and `mailto`
/// URLs and places in the same document (`#anchor`).
pub fn safe_link(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:")
        || lower.starts_with('#')
}

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

/// Renders a Markdown body as sanitised HTML.
pub fn to_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let events: Vec<Event> = flattened(Parser::new_ext(markdown, options).map(image_as_link));
    let events = with_heading_ids(events);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    sanitizer().clean(&html).to_string()
}

/// An image as a link to it with its text: a rendered document loads nothing.
fn image_as_link(event: Event<'_>) -> Event<'_> {
    match event {
        Event::Start(Tag::Image {
            dest_url,
            title,
            id,
            ..
        }) => Event::Start(Tag::Link {
            link_type: pulldown_cmark::LinkType::Inline,
            dest_url,
            title,
            id,
        }),
        Event::End(TagEnd::Image) => Event::End(TagEnd::Link),
        other => other,
    }
}

/// The events with every start and end tag deeper than [`MAX_DEPTH`] dropped (their text kept),
/// and a space where a dropped block ended so that words do not run together.
fn flattened<'a>(events: impl Iterator<Item = Event<'a>>) -> Vec<Event<'a>> {
    let mut depth = 0usize;
    let mut out = Vec::new();
    for event in events {
        match event {
            Event::Start(tag) => {
                depth += 1;
                if depth <= MAX_DEPTH {
                    out.push(Event::Start(tag));
                }
            }
            Event::End(tag) => {
                if depth <= MAX_DEPTH {
                    out.push(Event::End(tag));
                } else {
                    out.push(Event::Text(CowStr::Borrowed(" ")));
                }
                depth = depth.saturating_sub(1);
            }
            other => out.push(other),
        }
    }
    out
}

/// Gives every heading without an explicit id one made from its text (`## How it is tested` →
/// `how-it-is-tested`), unique within the document.
fn with_heading_ids(mut events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut used: HashMap<String, usize> = HashMap::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { id: None, .. }) = &events[i] {
            let text: String = events[i + 1..]
                .iter()
                .take_while(|e| !matches!(e, Event::End(TagEnd::Heading(_))))
                .filter_map(|e| match e {
                    Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                    _ => None,
                })
                .collect();
            let slug = unique(slug(&text), &mut used);
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                *id = Some(CowStr::from(slug));
            }
        }
        i += 1;
    }
    events
}

fn slug(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "section".into()
    } else {
        slug.into()
    }
}

fn unique(slug: String, used: &mut HashMap<String, usize>) -> String {
    let count = used.entry(slug.clone()).or_insert(0);
    *count += 1;
    if *count == 1 {
        slug
    } else {
        format!("{slug}-{count}")
    }
}

/// ammonia's defaults, plus what the Markdown renderer emits (heading anchors, task-list
/// checkboxes, footnote references, a table cell's alignment), less what could load anything or
/// change the page around the body: no images, no `style` but `text-align`, links only as
/// [`safe_link`] allows.
fn sanitizer() -> ammonia::Builder<'static> {
    let mut builder = ammonia::Builder::default();
    for heading in ["h1", "h2", "h3", "h4", "h5", "h6"] {
        builder.add_tag_attributes(heading, ["id"]);
    }
    builder
        .add_tags(["input"])
        .rm_tags(["img"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("div", ["class", "id"])
        .add_tag_attributes("sup", ["class", "id"])
        .add_tag_attributes("td", ["style"])
        .add_tag_attributes("th", ["style"])
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            ("td" | "th", "style") => alignment(value).map(Into::into),
            _ => Some(value.into()),
        });
    builder
}

/// A table cell's `style` as pulldown-cmark writes it for an aligned column, and nothing else.
fn alignment(style: &str) -> Option<&'static str> {
    match style.trim().trim_end_matches(';').trim() {
        "text-align: left" => Some("text-align: left"),
        "text-align: center" => Some("text-align: center"),
        "text-align: right" => Some("text-align: right"),
        _ => None,
    }
}

/// Renders a Markdown body as typst markup. Text goes in as string literals, so nothing in it is
/// read as typst; raw HTML is dropped (the PDF has no HTML to sanitise). Markdown headings move up
/// one level: a body's `##` sections are the document's top-level headings.
pub fn to_typst(markdown: &str) -> String {
    use super::pdf::{string, text};
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH;
    let mut out = String::new();
    let mut code: Option<String> = None;
    let events = flattened(Parser::new_ext(markdown, options).map(image_as_link));
    for event in events {
        if let Some(block) = code.as_mut() {
            match event {
                Event::End(TagEnd::CodeBlock) => {
                    out.push_str(&format!("#raw(block: true, {})\n\n", string(block)));
                    code = None;
                }
                Event::Text(t) => block.push_str(&t),
                _ => {}
            }
            continue;
        }
        let piece = match event {
            Event::Start(tag) => match tag {
                Tag::Heading { level, .. } => {
                    format!("{} ", "=".repeat((level as usize).saturating_sub(1).max(1)))
                }
                Tag::Emphasis => "#emph[".into(),
                Tag::Strong => "#strong[".into(),
                Tag::Strikethrough => "#strike[".into(),
                Tag::List(None) => "#list(tight: true, ".into(),
                Tag::List(Some(start)) => format!("#enum(tight: true, start: {start}, "),
                Tag::Item | Tag::TableCell => "[".into(),
                Tag::Table(alignments) => format!(
                    "#table(columns: {}, stroke: 0.5pt + luma(170), inset: 5pt, ",
                    alignments.len().max(1)
                ),
                Tag::TableHead => "table.header(".into(),
                Tag::Link { dest_url, .. } if safe_link(&dest_url) => {
                    format!("#link({})[", string(&dest_url))
                }
                // A link the PDF may not follow keeps its text, in a span that closes like one.
                Tag::Link { .. } => "#[".into(),
                Tag::BlockQuote(_) => "#quote(block: true)[".into(),
                Tag::FootnoteDefinition(label) => format!("#block[#super[{}] ", text(&label)),
                Tag::CodeBlock(_) => {
                    code = Some(String::new());
                    String::new()
                }
                _ => String::new(),
            },
            Event::End(tag) => match tag {
                TagEnd::Paragraph => "\n\n".into(),
                TagEnd::Heading(_) => "\n\n".into(),
                TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link => {
                    "]".into()
                }
                TagEnd::Item | TagEnd::TableCell => "], ".into(),
                TagEnd::TableHead => "), ".into(),
                TagEnd::List(_) | TagEnd::Table => ")\n\n".into(),
                TagEnd::BlockQuote(_) | TagEnd::FootnoteDefinition => "]\n\n".into(),
                _ => String::new(),
            },
            Event::Text(t) => text(&t),
            Event::Code(t) => format!("#raw({});", string(&t)),
            Event::SoftBreak => " ".into(),
            Event::HardBreak => "#linebreak();".into(),
            Event::Rule => "#line(length: 100%)\n\n".into(),
            Event::TaskListMarker(done) => text(if done { "☒ " } else { "☐ " }),
            Event::FootnoteReference(label) => format!("#super[{}]", text(&label)),
            _ => String::new(),
        };
        out.push_str(&piece);
    }
    out
}

/// A Markdown body as plain typst paragraphs: its text only, every block a paragraph, for a body
/// typst cannot typeset as written.
pub fn to_plain_typst(markdown: &str) -> String {
    let mut out = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&super::pdf::text(&t)),
            Event::SoftBreak => out.push(' '),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_)
                | TagEnd::TableHead
                | TagEnd::TableRow,
            )
            | Event::HardBreak
            | Event::Rule
                if !out.ends_with("\n\n") =>
            {
                out.push_str("\n\n");
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_get_unique_anchors() {
        let html = to_html("## How it is tested\n\n## How it is tested\n\n## Über `AC-03`!\n");
        assert!(html.contains("<h2 id=\"how-it-is-tested\">"), "{html}");
        assert!(html.contains("<h2 id=\"how-it-is-tested-2\">"), "{html}");
        assert!(html.contains("<h2 id=\"über-ac-03\">"), "{html}");
    }

    #[test]
    fn raw_html_is_sanitised_and_tables_render() {
        let html = to_html(
            "<script>alert(1)</script><img src=x onerror=alert(1)>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n",
        );
        assert!(
            !html.contains("<script") && !html.contains("onerror"),
            "{html}"
        );
        assert!(
            html.contains("<table>") && html.contains("<td>2</td>"),
            "{html}"
        );
        assert!(html.contains("type=\"checkbox\""), "{html}");
    }

    #[test]
    fn nothing_in_a_body_overlays_the_page_or_loads_anything() {
        let html = to_html(concat!(
            "| a | b |\n|:-:|---|\n| 1 | <span style=\"position:fixed\">x</span> |\n\n",
            "<table><tr><td style=\"position:fixed;top:0\">APPROVED</td></tr></table>\n\n",
            "![logo](https://evil.example/pixel.png) <img src=\"https://evil.example/x.png\">\n\n",
            "[run](javascript:alert(1)) [data](data:text/html,x) [ok](https://acme.example/) [here](#scope)\n",
        ));
        assert!(
            html.contains("<td style=\"text-align: center\">1</td>"),
            "{html}"
        );
        assert!(!html.contains("position"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains(
                "<a href=\"https://evil.example/pixel.png\" rel=\"noopener noreferrer\">logo</a>"
            ),
            "an image becomes a link: {html}"
        );
        assert!(
            !html.contains("javascript:") && !html.contains("data:"),
            "{html}"
        );
        assert!(html.contains("href=\"https://acme.example/\""), "{html}");
        assert!(html.contains("href=\"#scope\""), "{html}");
    }

    #[test]
    fn typst_links_only_to_the_web_mail_and_anchors() {
        let typst = to_typst(
            "[run](javascript:alert(1)) [data](data:text/html,x) [ok](https://acme.example/)\n",
        );
        assert!(
            !typst.contains("javascript") && !typst.contains("data:"),
            "{typst}"
        );
        assert!(
            typst.contains("#link(\"https://acme.example/\")["),
            "{typst}"
        );
        assert_eq!(
            typst.matches("#link(").count(),
            1,
            "only the https link is one: {typst}"
        );
        assert!(typst.contains("run"), "the text stays: {typst}");
    }

    #[test]
    fn deep_nesting_is_flattened_not_recursed() {
        let body = format!(
            "{}deep\n\n{}item\n",
            "> ".repeat(10_000),
            "- ".repeat(10_000)
        );
        let html = to_html(&body);
        assert!(
            html.matches("<blockquote>").count() <= MAX_DEPTH,
            "{}",
            html.len()
        );
        assert!(html.contains("deep") && html.contains("item"));
        let typst = to_typst(&body);
        assert!(typst.matches("#quote(").count() <= MAX_DEPTH);
        assert!(typst.contains("deep"));
        let plain = to_plain_typst(&body);
        assert!(plain.contains("deep") && !plain.contains("#quote"));
    }
}
