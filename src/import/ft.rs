//! The FT reader: YAML job families in the shape of the Financial Times'
//! engineering-progression data. A family has a `name`, a `summary`, its `levels`
//! (`id`, `name`, lowest first), its `themes` (`id`, `name`, `summary`) and a flat list
//! of `competencies`, each naming one level and one theme by id.
//!
//! Each family becomes one track file: its themes are the track's dimensions (and,
//! with their summaries, its introduction), and each competency the labelled block of
//! its theme in its level. The format has no grades, so a family's levels get bands
//! 1, 2, 3... in the order they are listed; the summary says so.

use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::path::Path;
use std::sync::Arc;

use super::{bad, decode, is_id, level_note, slug, track_note, Draft, DraftLevel, DraftTrack};
use super::{Failure, FileReport, Imported, Report};
use crate::diagnostic::{Diagnostic, Lint};
use crate::source::yaml;

#[derive(Deserialize)]
struct Family {
    name: Option<String>,
    summary: Option<String>,
    levels: Vec<Spanned<FtLevel>>,
    #[serde(default)]
    themes: Vec<Spanned<Theme>>,
    #[serde(default)]
    competencies: Vec<Spanned<Competency>>,
}

#[derive(Deserialize)]
struct FtLevel {
    id: Spanned<String>,
    name: String,
}

#[derive(Deserialize)]
struct Theme {
    id: Spanned<String>,
    name: String,
    summary: Option<String>,
}

#[derive(Deserialize)]
struct Competency {
    id: Option<IgnoredAny>,
    level: Spanned<String>,
    theme: Spanned<String>,
    summary: Option<String>,
    proficiency: Option<String>,
}

const FAMILY_KEYS: [&str; 5] = ["name", "summary", "levels", "themes", "competencies"];

/// Reads one `.yml`/`.yaml` file, or every one directly inside a folder.
pub fn read(source: &Path) -> Result<Imported, Failure> {
    let paths = super::source_files(source, &["yml", "yaml"])?;
    let mut draft = Draft::default();
    let mut report = Report {
        decided: vec![
            "bands: each job family's levels are numbered 1, 2, 3... in the order they are \
             listed (the format has no grades), so families line up level by level"
                .to_string(),
        ],
        files: Vec::new(),
    };
    for path in paths {
        let bytes = std::fs::read(&path)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        let file: Arc<str> = Arc::from(path.display().to_string().as_str());
        let text = decode(&file, &bytes)?;
        let (track, file_report) = family(&file, &text, draft.tracks.len())?;
        if draft.tracks.iter().any(|t| t.id == track.id) {
            return Err(anyhow::anyhow!(
                "two job families would both be the track `{}`; rename one file",
                track.id
            )
            .into());
        }
        draft.tracks.push(track);
        report.files.push(file_report);
    }
    Ok(Imported { draft, report })
}

fn family(file: &Arc<str>, text: &str, index: usize) -> Result<(DraftTrack, FileReport), Failure> {
    let fail = |d: Vec<Diagnostic>| bad(file, text, d);
    let family: Family = yaml::from_str(file, text, 0).map_err(|d| fail(vec![d]))?;
    let line = |loc: &serde_saphyr::Location| yaml::span_of(file, text, 0, loc).line;
    let mut report = FileReport::new(file.to_string());
    let stem = Path::new(&**file).file_stem().map_or_else(
        || format!("family-{}", index + 1),
        |s| s.to_string_lossy().into_owned(),
    );
    let mut track = DraftTrack {
        id: slug(&stem),
        title: family.name.clone().unwrap_or_else(|| stem.clone()),
        summary: family
            .summary
            .as_deref()
            .map(crate::source::markdown::collapse)
            .filter(|s| !s.is_empty()),
        dimensions: family.themes.iter().map(|t| t.value.name.clone()).collect(),
        ..DraftTrack::default()
    };
    if let Ok(keys) = yaml::from_str::<yaml::Keys>(file, text, 0) {
        for key in keys
            .0
            .iter()
            .filter(|k| !FAMILY_KEYS.contains(&k.value.as_str()))
        {
            report.dropped(
                line(&key.referenced),
                format!("key `{}` (ladder has no place for it)", key.value),
            );
        }
    }
    let mut errors = Vec::new();
    for (i, level) in family.levels.iter().enumerate() {
        let l = &level.value;
        let id = if is_id(&l.id.value) {
            l.id.value.clone()
        } else {
            slug(&l.id.value)
        };
        if track.levels.iter().any(|x| x.id == id) {
            errors.push(error(
                file,
                text,
                &l.id.referenced,
                format!("a second level with the id `{}`", l.id.value),
            ));
            continue;
        }
        track.levels.push(DraftLevel {
            id,
            title: l.name.clone(),
            band: (i as i64 + 1, None),
            ..DraftLevel::default()
        });
    }
    let mut intro = Vec::new();
    for theme in &family.themes {
        let t = &theme.value;
        match &t.summary {
            Some(s) if !s.trim().is_empty() => intro.push(format!(
                "- *{}*: {}",
                super::escape_text(&t.name),
                crate::source::markdown::collapse(s)
            )),
            _ => intro.push(format!("- *{}*", super::escape_text(&t.name))),
        }
    }
    if !intro.is_empty() {
        track.intro = format!("Themes:\n\n{}", intro.join("\n"));
    }
    // (level, theme) → Markdown blocks, in the order of the file.
    let mut blocks: Vec<Vec<Vec<String>>> =
        vec![vec![Vec::new(); family.themes.len()]; track.levels.len()];
    let mut ids = 0;
    for c in &family.competencies {
        let c = &c.value;
        let li = family
            .levels
            .iter()
            .position(|l| l.value.id.value == c.level.value);
        let ti = family
            .themes
            .iter()
            .position(|t| t.value.id.value == c.theme.value);
        let Some(li) = li.filter(|&li| li < track.levels.len()) else {
            let known: Vec<&str> = family
                .levels
                .iter()
                .map(|l| l.value.id.value.as_str())
                .collect();
            errors.push(error(
                file,
                text,
                &c.level.referenced,
                format!(
                    "this competency names the level `{}`, which is not among the levels of this file ({})",
                    c.level.value,
                    known.join(", ")
                ),
            ));
            continue;
        };
        let Some(ti) = ti else {
            let known: Vec<&str> = family
                .themes
                .iter()
                .map(|t| t.value.id.value.as_str())
                .collect();
            errors.push(error(
                file,
                text,
                &c.theme.referenced,
                format!(
                    "this competency names the theme `{}`, which is not among the themes of this file ({})",
                    c.theme.value,
                    known.join(", ")
                ),
            ));
            continue;
        };
        if c.id.is_some() {
            ids += 1;
        }
        let mut body = c.summary.as_deref().unwrap_or("").trim().to_string();
        if let Some(p) = c.proficiency.as_deref().filter(|p| !p.trim().is_empty()) {
            body = format!("{body}\n\n*Proficiency: {}*", super::escape_text(p.trim()));
        }
        blocks[li][ti].push(body);
    }
    if !errors.is_empty() {
        return Err(fail(errors));
    }
    for (li, level) in track.levels.iter_mut().enumerate() {
        for (ti, theme) in family.themes.iter().enumerate() {
            let parts = &blocks[li][ti];
            if !parts.is_empty() {
                level
                    .competencies
                    .push((theme.value.name.clone(), parts.join("\n\n")));
            }
        }
    }
    report.mapped(1, track_note(&track));
    for (level, raw) in track.levels.iter().zip(&family.levels) {
        report.mapped(line(&raw.referenced), level_note(&track, level));
    }
    if ids > 0 {
        report.dropped(
            family
                .competencies
                .first()
                .map_or(1, |c| line(&c.referenced)),
            format!(
                "the `id` of {ids} competencies (a competency is known by its level and theme)"
            ),
        );
    }
    Ok((track, report))
}

fn error(file: &Arc<str>, text: &str, loc: &serde_saphyr::Location, message: String) -> Diagnostic {
    Diagnostic::new(
        Lint::FrontMatter,
        yaml::span_of(file, text, 0, loc),
        message,
    )
}
