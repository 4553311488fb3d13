//! Documents per level (SPEC 10): a job description and a promotion-case template,
//! written as Markdown from the level's own text through the theme's
//! `job-description.md` and `promotion-case.md` templates, which a project overrides
//! like the site's (`templates/job-description.md`). The site publishes both beside
//! each level page (`/<track>/<level>/job-description.md`); `ladder export --format
//! job-description --level ID` prints one.
//!
//! Every line that states an expectation ends with an HTML comment naming the item's
//! id (`<!-- item: r-mentors-engineers -->`): invisible wherever the Markdown is shown,
//! and enough to trace a line of a document back to the ladder. The Markdown of the
//! ladder is passed through as written (links between ladder files stay relative).

use serde::Serialize;

use super::theme::Theme;
use crate::model::{Ladder, LevelRef};

/// The documents each level has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Document {
    JobDescription,
    PromotionCase,
}

impl Document {
    pub const ALL: [Document; 2] = [Document::JobDescription, Document::PromotionCase];

    /// The file name beside the level page, which is also the template's name.
    pub fn file_name(self) -> &'static str {
        match self {
            Document::JobDescription => "job-description.md",
            Document::PromotionCase => "promotion-case.md",
        }
    }
}

#[derive(Serialize)]
struct Context<'a> {
    ladder: LadderInfo<'a>,
    level: LevelInfo<'a>,
    /// The level's summary, Markdown as written.
    summary: &'a str,
    competencies: Vec<CompetencyItem<'a>>,
    /// Own responsibilities, then inherited ones.
    responsibilities: Vec<ResponsibilityItem<'a>>,
}

#[derive(Serialize)]
struct LadderInfo<'a> {
    title: &'a str,
    version: Option<&'a str>,
}

#[derive(Serialize)]
struct LevelInfo<'a> {
    id: &'a str,
    /// `track/level`.
    key: String,
    title: &'a str,
    code: Option<&'a str>,
    /// `5`, or `4–5` for a level spanning bands.
    band: String,
    band_name: Option<&'a str>,
    track: &'a str,
    track_id: &'a str,
    inherits: Option<&'a str>,
}

#[derive(Serialize)]
struct CompetencyItem<'a> {
    label: &'a str,
    id: &'a str,
    /// Markdown as written.
    text: &'a str,
    /// Every line of the text behind `> `, to quote it.
    quoted: String,
}

#[derive(Serialize)]
struct ResponsibilityItem<'a> {
    id: String,
    /// Markdown as written, its second and later lines indented by two spaces so that
    /// it stays one list item behind `- `.
    text: String,
    /// Title of the level that states it, for an inherited one.
    inherited_from: Option<&'a str>,
}

/// Renders `document` for the level `r` into `out`.
pub fn render_document(
    ladder: &Ladder,
    theme: &Theme,
    r: LevelRef,
    document: Document,
    out: &mut dyn std::io::Write,
) -> anyhow::Result<()> {
    let context = tera::Context::from_serialize(&context(ladder, r))?;
    theme.render_to(document.file_name(), &context, out)
}

fn context(ladder: &Ladder, r: LevelRef) -> Context<'_> {
    let track = &ladder.tracks[r.track];
    let level = ladder.level(r);
    let own = level
        .responsibilities
        .iter()
        .map(|x| (x, x.id.id.clone(), None));
    // An inherited item is named by the level that states it, as the level page's
    // `data-item` names it.
    let inherited = level.inherited.iter().map(|i| {
        let from = ladder.level(i.from);
        (
            &from.responsibilities[i.index],
            format!(
                "{}/{}",
                ladder.level_key(i.from),
                from.responsibilities[i.index].id.id
            ),
            Some(from.title.value.as_str()),
        )
    });
    Context {
        ladder: LadderInfo {
            title: &ladder.config.title,
            version: ladder.config.version.as_ref().map(|v| v.as_str()),
        },
        level: LevelInfo {
            id: &level.id.value,
            key: ladder.level_key(r),
            title: &level.title.value,
            code: level.code(),
            band: level.band_label(),
            band_name: ladder.band_name(level.band.value),
            track: &track.title.value,
            track_id: &track.id.value,
            inherits: level
                .inherits_ref
                .map(|i| ladder.level(i).title.value.as_str()),
        },
        summary: &level.summary.source,
        competencies: level
            .competencies
            .iter()
            .map(|c| CompetencyItem {
                label: &c.label,
                id: &c.id.id,
                text: &c.body.source,
                quoted: quote(&c.body.source),
            })
            .collect(),
        responsibilities: own
            .chain(inherited)
            .map(|(x, id, from)| ResponsibilityItem {
                id,
                text: indent(&x.body.source),
                inherited_from: from,
            })
            .collect(),
    }
}

/// `text` with every line after the first indented by two spaces (blank lines kept
/// blank).
fn indent(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
            if !line.trim().is_empty() {
                out.push_str("  ");
            }
        }
        out.push_str(line);
    }
    out
}

/// `text` as a Markdown block quote.
fn quote(text: &str) -> String {
    text.lines()
        .map(|l| {
            if l.trim().is_empty() {
                ">".to_string()
            } else {
                format!("> {l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_multi_line_item_stays_one_list_item() {
        assert_eq!(
            indent("Lead the response\nto incidents.\n\n- nested"),
            "Lead the response\n  to incidents.\n\n  - nested"
        );
        assert_eq!(quote("One\n\nTwo"), "> One\n>\n> Two");
    }
}
