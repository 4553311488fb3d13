//! The CSV reader: the shape `ladder export --format csv` writes (one row per level ×
//! competency; the `Summary` row is the level's summary and the `Responsibilities` row
//! its responsibilities, one per line), as a spreadsheet saves it back (a byte-order
//! mark, CRLF line ends, quoted cells holding commas and line breaks).
//!
//! Columns are found by their header, in any order; `track`, `level`, `level_title`,
//! `band`, `competency` and `text` are required. Cells are plain text, so they are
//! written as escaped Markdown: exporting the imported project gives the same CSV.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use super::{
    bad, decode, error_at, escape_text, is_id, line_of, slug, Draft, DraftLevel, DraftTrack,
};
use super::{level_note, track_note, Failure, FileReport, Imported, Report};

const REQUIRED: [&str; 6] = [
    "track",
    "level",
    "level_title",
    "band",
    "competency",
    "text",
];
const OPTIONAL: [&str; 5] = ["track_title", "code", "band_name", "inherits", "item_ids"];

/// Reads the CSV file `source`.
pub fn read(source: &Path) -> Result<Imported, Failure> {
    let bytes = std::fs::read(source)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", source.display()))?;
    let file: Arc<str> = Arc::from(source.display().to_string().as_str());
    let text = decode(&file, &bytes)?;
    from_text(&file, &text)
}

/// Reads CSV `text` of the file named `file`.
pub fn from_text(file: &Arc<str>, text: &str) -> Result<Imported, Failure> {
    let fail =
        |line: u32, message: String| bad(file, text, vec![error_at(file, text, line, message)]);
    if text.trim().is_empty() {
        return Err(fail(
            1,
            format!(
                "{file} is empty; a ladder CSV has a header row ({}) and one row per level and competency",
                REQUIRED.join(",")
            ),
        ));
    }
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| fail(1, format!("cannot read the header row: {e}")))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let missing: Vec<&str> = REQUIRED
        .into_iter()
        .filter(|c| column(c).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(fail(
            1,
            format!(
                "the header row has no column {}; a ladder CSV needs {} (as `ladder export --format csv` writes them)",
                missing
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                REQUIRED.join(", ")
            ),
        ));
    }
    let mut report = FileReport::new(file.to_string());
    for (i, h) in headers.iter().enumerate() {
        let known = REQUIRED
            .iter()
            .chain(&OPTIONAL)
            .any(|c| h.trim().eq_ignore_ascii_case(c));
        if !known {
            report.dropped(
                1,
                format!("column {} `{h}` (not a column ladder reads)", i + 1),
            );
        }
    }
    let cols = Columns {
        required: REQUIRED.map(|c| column(c).unwrap_or_default()),
        optional: OPTIONAL.map(column),
    };
    let mut builder = Builder::default();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(1, |p| line_at(text, p));
            fail(line, format!("cannot read this row: {}", csv_error(&e)))
        })?;
        let line = record.position().map_or(1, |p| line_at(text, p));
        let cell = |i: usize| record.get(i).unwrap_or("").trim();
        let row = Row {
            line,
            track: cell(cols.required[0]),
            level: cell(cols.required[1]),
            level_title: cell(cols.required[2]),
            band: cell(cols.required[3]),
            competency: cell(cols.required[4]),
            text: record.get(cols.required[5]).unwrap_or(""),
            track_title: cols.optional[0].map_or("", cell),
            code: cols.optional[1].map_or("", cell),
            band_name: cols.optional[2].map_or("", cell),
            inherits: cols.optional[3].map_or("", cell),
            item_ids: cols.optional[4].map_or("", cell),
        };
        if row.is_blank() {
            continue;
        }
        builder
            .row(&row, &mut report)
            .map_err(|message| fail(line, message))?;
    }
    if builder.draft.tracks.is_empty() {
        return Err(fail(
            1,
            format!("{file} has a header row but no rows; nothing to import"),
        ));
    }
    builder.report(&mut report);
    let report = Report {
        decided: vec![
            "tracks and levels keep the order of their first rows; the ladder's title is the default (the CSV has none)"
                .to_string(),
        ],
        files: vec![report],
    };
    Ok(Imported {
        draft: builder.draft,
        report,
    })
}

/// The line a record starts on. The csv crate's own line count runs one behind after a
/// CRLF, so the line is found from the byte offset (past the line end it may point at).
fn line_at(text: &str, p: &::csv::Position) -> u32 {
    let at = (p.byte() as usize).min(text.len());
    let skipped = text[at..].len() - text[at..].trim_start_matches(['\r', '\n']).len();
    line_of(text, at + skipped)
}

fn csv_error(e: &::csv::Error) -> String {
    match e.kind() {
        ::csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("it has {len} cells where the header row has {expected_len}"),
        _ => e.to_string(),
    }
}

struct Columns {
    required: [usize; 6],
    optional: [Option<usize>; 5],
}

struct Row<'a> {
    line: u32,
    track: &'a str,
    level: &'a str,
    level_title: &'a str,
    band: &'a str,
    competency: &'a str,
    text: &'a str,
    track_title: &'a str,
    code: &'a str,
    band_name: &'a str,
    inherits: &'a str,
    /// Explicit item ids: the competency's, or one line per responsibility.
    item_ids: &'a str,
}

impl Row<'_> {
    fn is_blank(&self) -> bool {
        [
            self.track,
            self.level,
            self.level_title,
            self.band,
            self.competency,
        ]
        .iter()
        .all(|c| c.is_empty())
            && self.text.trim().is_empty()
    }
}

#[derive(Default)]
struct Builder {
    draft: Draft,
    /// The line of each track's first row.
    track_lines: Vec<u32>,
    /// Each track's cell as written (its id may be a slug of it).
    track_cells: Vec<String>,
    /// (track, level cell) → the level's index, the line of its first row, its band cell.
    levels: BTreeMap<(usize, String), (usize, u32, String)>,
}

impl Builder {
    fn row(&mut self, row: &Row, report: &mut FileReport) -> Result<(), String> {
        for (name, value) in [
            ("track", row.track),
            ("level", row.level),
            ("band", row.band),
            ("competency", row.competency),
        ] {
            if value.is_empty() {
                return Err(format!("the `{name}` cell of this row is empty"));
            }
        }
        let band = parse_band(row.band)?;
        let ti = match self.track_cells.iter().position(|t| t == row.track) {
            Some(ti) => ti,
            None => {
                let id = id_of(row.track, "track", row.line, report);
                let title = if row.track_title.is_empty() {
                    row.track.to_string()
                } else {
                    row.track_title.to_string()
                };
                self.track_lines.push(row.line);
                self.track_cells.push(row.track.to_string());
                self.draft.tracks.push(DraftTrack {
                    id,
                    title,
                    ..DraftTrack::default()
                });
                self.draft.tracks.len() - 1
            }
        };
        let track = &mut self.draft.tracks[ti];
        let li = match self.levels.get(&(ti, row.level.to_string())) {
            Some((li, first, first_band)) => {
                if *first_band != row.band {
                    return Err(format!(
                        "level `{}` has band {} here but {first_band} on line {first}",
                        row.level, row.band
                    ));
                }
                let li = *li;
                let level = &mut track.levels[li];
                if level.inherits.is_none() && !row.inherits.is_empty() {
                    level.inherits = Some(row.inherits.to_string());
                }
                li
            }
            None => {
                let id = id_of(row.level, "level", row.line, report);
                let title = if row.level_title.is_empty() {
                    row.level.to_string()
                } else {
                    row.level_title.to_string()
                };
                track.levels.push(DraftLevel {
                    id,
                    title,
                    code: (!row.code.is_empty()).then(|| row.code.to_string()),
                    band,
                    inherits: (!row.inherits.is_empty()).then(|| row.inherits.to_string()),
                    ..DraftLevel::default()
                });
                self.levels.insert(
                    (ti, row.level.to_string()),
                    (track.levels.len() - 1, row.line, row.band.to_string()),
                );
                if !row.band_name.is_empty() {
                    self.draft
                        .band_names
                        .entry(band.0)
                        .or_insert_with(|| row.band_name.to_string());
                }
                track.levels.len() - 1
            }
        };
        let level = &mut track.levels[li];
        let key = format!("{}/{}", track.id, level.id);
        if row.competency.eq_ignore_ascii_case("summary") {
            level.summary = escape_text(row.text);
        } else if row.competency.eq_ignore_ascii_case("responsibilities") {
            let items: Vec<String> = row
                .text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(escape_text)
                .collect();
            let mut ids = row.item_ids.lines().map(str::trim);
            for item in items {
                if let Some(id) = ids.next().filter(|id| !id.is_empty()) {
                    level
                        .responsibility_ids
                        .insert(level.responsibilities.len(), id.to_string());
                }
                level.responsibilities.push(item);
            }
        } else {
            if level.competencies.iter().any(|(l, _)| l == row.competency) {
                return Err(format!(
                    "level `{key}` already has a competency `{}`; each label appears once per level",
                    row.competency
                ));
            }
            if !row.item_ids.is_empty() {
                level
                    .competency_ids
                    .insert(level.competencies.len(), row.item_ids.to_string());
            }
            level
                .competencies
                .push((row.competency.to_string(), escape_text(row.text)));
        }
        Ok(())
    }
}

impl Builder {
    /// Notes what each track and level became, at the line of its first row.
    fn report(&self, report: &mut FileReport) {
        let mut levels: Vec<&(usize, u32, String)> = self.levels.values().collect();
        levels.sort_by_key(|(_, line, _)| *line);
        for (ti, track) in self.draft.tracks.iter().enumerate() {
            report.mapped(self.track_lines[ti], track_note(track));
            for (li, line, _) in self
                .levels
                .iter()
                .filter(|((t, _), _)| *t == ti)
                .map(|(_, v)| v)
            {
                report.mapped(*line, level_note(track, &track.levels[*li]));
            }
        }
        report.mapped.sort_by_key(|n| n.line);
    }
}

/// `text` when it is an id; an id made from it otherwise (and the report says so).
fn id_of(text: &str, what: &str, line: u32, report: &mut FileReport) -> String {
    if is_id(text) {
        text.to_string()
    } else {
        let id = slug(text);
        report.mapped(
            line,
            format!("{what} `{text}` is written with the id `{id}`"),
        );
        id
    }
}

/// A band cell: `5`, or a range `4–5` / `4-5` as the export writes a level spanning
/// grades.
fn parse_band(cell: &str) -> Result<(i64, Option<i64>), String> {
    let int = |s: &str| s.trim().parse::<i64>().ok();
    if let Some(b) = int(cell) {
        return Ok((b, None));
    }
    let split = cell.split_once('–').or_else(|| {
        cell.get(1..)
            .and_then(|rest| rest.split_once('-'))
            .map(|(a, b)| (&cell[..a.len() + 1], b))
    });
    match split.and_then(|(a, b)| Some((int(a)?, int(b)?))) {
        Some((low, high)) if low < high => Ok((low, Some(high))),
        _ => Err(format!(
            "the band `{cell}` is not a whole number (or a range such as 4–5)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{load_files, InputFile, InputFiles};
    use proptest::prelude::*;

    fn load(draft: &Draft) -> crate::model::Ladder {
        let files = draft.files();
        let file = |(p, t): &(String, String)| InputFile {
            path: Arc::from(p.as_str()),
            bytes: Arc::from(t.as_bytes()),
        };
        let mut content: Vec<InputFile> = files
            .iter()
            .filter(|(p, _)| p.starts_with("content/"))
            .map(file)
            .collect();
        content.sort_by(|a, b| a.path.cmp(&b.path));
        let project = load_files(&InputFiles {
            config: files.iter().find(|(p, _)| p == "ladder.yaml").map(file),
            content,
            ..InputFiles::default()
        });
        let errors: Vec<_> = crate::check::check_project(&project, false)
            .into_iter()
            .filter(|d| d.severity == crate::diagnostic::Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{errors:?}\n{files:?}");
        project.ladder
    }

    fn reimport(csv: &str) -> Draft {
        match from_text(&Arc::from("ladder.csv"), csv) {
            Ok(imported) => imported.draft,
            Err(Failure::Bad { diagnostics, .. }) => panic!("{diagnostics:?}\n{csv}"),
            Err(Failure::Io(e)) => panic!("{e}"),
        }
    }

    fn text() -> impl Strategy<Value = String> {
        "[A-Za-z0-9 ,.;:'\"*_\\[\\]()<>#&!|~`{}=+-]{1,40}"
            .prop_map(|s| crate::source::markdown::collapse(&s))
            .prop_filter("some text", |s| !s.is_empty())
    }

    fn level() -> impl Strategy<Value = (String, String, Vec<String>, Vec<String>)> {
        (
            "[A-Z][a-z]{2,8}( [A-Za-z0-9,&]{1,6})?",
            proptest::option::of(text()),
            proptest::collection::vec(text(), 0..3),
            proptest::collection::vec(text(), 0..3),
        )
            .prop_map(|(title, summary, bodies, resps)| {
                (title, summary.unwrap_or_default(), bodies, resps)
            })
    }

    fn draft() -> impl Strategy<Value = Draft> {
        proptest::collection::vec(proptest::collection::vec(level(), 1..4), 1..3).prop_map(
            |tracks| Draft {
                tracks: tracks
                    .into_iter()
                    .enumerate()
                    .map(|(ti, levels)| DraftTrack {
                        id: format!("t{ti}"),
                        title: format!("Track {ti}"),
                        levels: levels
                            .into_iter()
                            .enumerate()
                            .map(|(li, (title, summary, bodies, resps))| DraftLevel {
                                id: format!("l{li}"),
                                title,
                                code: Some(format!("T{ti}L{li}")),
                                band: (li as i64 + 1, None),
                                summary: escape_text(&summary),
                                competencies: bodies
                                    .iter()
                                    .enumerate()
                                    .map(|(ci, b)| (format!("Skill {ci}, & more"), escape_text(b)))
                                    .collect(),
                                responsibilities: resps.iter().map(|r| escape_text(r)).collect(),
                                ..DraftLevel::default()
                            })
                            .collect(),
                        ..DraftTrack::default()
                    })
                    .collect(),
                ..Draft::default()
            },
        )
    }

    /// What the CSV carries of each level: its track, id, title, code, band, summary,
    /// competencies (label and text) and responsibilities, as plain text.
    fn carried(ladder: &crate::model::Ladder) -> Vec<String> {
        ladder
            .levels()
            .map(|(r, l)| {
                let competencies: Vec<(&str, &str)> = l
                    .competencies
                    .iter()
                    .map(|c| (c.label.as_str(), &*c.body.text))
                    .collect();
                let responsibilities: Vec<&str> =
                    l.responsibilities.iter().map(|x| &*x.body.text).collect();
                format!(
                    "{} {} {:?} {:?} {} {:?} {competencies:?} {responsibilities:?}",
                    ladder.tracks[r.track].id.value,
                    l.id.value,
                    l.title.value,
                    l.code(),
                    l.band.value,
                    &*l.summary.text,
                )
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(150))]

        /// Export, import, export again: the same CSV and the same model, and that
        /// model holds what the CSV carries of the ladder it was exported from.
        #[test]
        fn export_import_export_is_the_same_csv_and_model(draft in draft()) {
            let first = crate::export::to_csv(&load(&draft));
            let imported = load(&reimport(&first));
            let second = crate::export::to_csv(&imported);
            prop_assert_eq!(&first, &second);
            let again = load(&reimport(&second));
            prop_assert_eq!(crate::export::to_json(&imported), crate::export::to_json(&again));
            let original = load(&draft);
            prop_assert!(original.levels().count() > 0);
            prop_assert_eq!(carried(&imported), carried(&original));
        }
    }
}
