//! A page in the shape real ladders are written in (one H2 per level with a
//! parenthetical note, bold labels whose content is a bullet list, a "summary of senior
//! levels" H2 that is not a level, a responsibilities list that opens with "Everything a
//! team lead does plus...") must parse into exactly the expected model.

use ladder::source::{load_files, InputFile, InputFiles};
use std::sync::Arc;

const MANAGING: &str = r#"---
title: Managing Engineer Path
summary: Leads teams and organisations.
order: 2
dimensions: [Technical Ability, Technical Scope, Communication, People]
levels:
  - title: Team Lead / Senior Engineer
    id: team-lead
    code: M4
    band: 5
  - title: Engineering Manager
    code: M5
    band: 6
    inherits: team-lead
  - title: Director
    code: M7
    band: 8
    inherits: engineering-manager
---

# Managing Engineer Path

Managers grow people and teams. This path starts where the technical path's
senior level does.

## Team Lead / Senior Engineer (Manager 4 / IC 5)

Leads a small team while still writing code most days.

**Technical Ability:** Strong in the team's stack; reviews the hardest changes.

**Technical Scope:**

- Owns the team's systems end to end
- Plans work a quarter ahead

**Communication**: Writes clearly for the team and its neighbours.

### People

Runs one-to-ones and gives direct, kind feedback.

**Responsibilities:**

- ~80% direct contributorship
- Runs the team's rituals
- Grows one engineer towards senior

## Engineering Manager (Manager 5)

Manages a team of five to eight through other people's work.

**Technical Ability:** Fluent in the team's stack; rarely on the critical path.

**Technical Scope:**

- Owns a product area across two teams

**Communication:** Represents the team to the wider organisation.

**People:** Hires, coaches and manages performance.

**Responsibilities:**

- Everything a team lead does plus...
- Hiring for the team
  - runs the interview loop
- ~20% direct contributorship

## Summary of senior levels

Senior levels trade personal output for the output of others; see
[the staff engineer](technical.md#staff) for the parallel technical step.

## Director (Manager 7) {#director}

Leads several teams through their managers.

**Technical Ability:** Sets technical direction with staff engineers.

**Technical Scope:** An engineering group.

**Communication:** Speaks for engineering to the company.

**People:** Manages managers.
"#;

const TECHNICAL: &str = r#"---
title: Technical Path
order: 1
levels:
  - title: Senior Engineer
    code: IC5
    band: 5
  - title: Staff Engineer
    id: staff
    code: IC6
    band: 6
---

## Senior Engineer

Delivers hard things. Leads by example, not by title: see
[team lead](managing.md#team-lead).

## Staff Engineer

Leads technical work across teams.
"#;

fn load() -> ladder::Project {
    let file = |path: &str, text: &str| InputFile {
        path: Arc::from(path),
        bytes: Arc::from(text.as_bytes()),
    };
    load_files(&InputFiles {
        config: None,
        content: vec![
            file("content/managing.md", MANAGING),
            file("content/technical.md", TECHNICAL),
        ],
        assets: vec![],
        diagnostics: vec![],
    })
}

#[test]
fn real_world_page_parses_into_the_expected_model() {
    let project = load();
    assert!(
        project.diagnostics.is_empty(),
        "front end complained: {:#?}",
        project.diagnostics
    );
    let ladder = &project.ladder;
    // `order` puts the technical track first even though its file sorts second.
    let ids: Vec<&str> = ladder.tracks.iter().map(|t| t.id.value.as_str()).collect();
    assert_eq!(ids, ["technical", "managing"]);

    let m = &ladder.tracks[1];
    assert_eq!(m.title.value, "Managing Engineer Path");
    assert_eq!(m.heading.as_deref(), Some("Managing Engineer Path"));
    assert!(m.intro.text.starts_with("Managers grow people and teams."));
    assert_eq!(m.dimensions.len(), 4);

    // Levels: ids, codes, bands, headings and notes.
    let levels: Vec<(&str, &str, i64, Option<&str>)> = m
        .levels
        .iter()
        .map(|l| {
            (
                l.id.value.as_str(),
                l.code().unwrap_or_default(),
                l.band.value,
                l.section.as_ref().and_then(|s| s.note.as_deref()),
            )
        })
        .collect();
    assert_eq!(
        levels,
        [
            ("team-lead", "M4", 5, Some("Manager 4 / IC 5")),
            ("engineering-manager", "M5", 6, Some("Manager 5")),
            ("director", "M7", 8, Some("Manager 7")),
        ]
    );
    let lead = &m.levels[0];
    let section = lead.section.as_ref().expect("team lead has a section");
    assert_eq!(section.heading, "Team Lead / Senior Engineer");
    assert_eq!(section.span.line, 26);

    // Summary, then the four labelled blocks in all three forms, in source order.
    assert_eq!(
        &*lead.summary.text,
        "Leads a small team while still writing code most days."
    );
    let labels: Vec<(&str, &str)> = lead
        .competencies
        .iter()
        .map(|c| (c.label.as_str(), &*c.body.text))
        .collect();
    assert_eq!(
        labels,
        [
            (
                "Technical Ability",
                "Strong in the team's stack; reviews the hardest changes."
            ),
            (
                "Technical Scope",
                "Owns the team's systems end to end Plans work a quarter ahead"
            ),
            (
                "Communication",
                "Writes clearly for the team and its neighbours."
            ),
            (
                "People",
                "Runs one-to-ones and gives direct, kind feedback."
            ),
        ]
    );
    // The bullet list under a lone bold label stays a list.
    assert_eq!(
        &*lead.competencies[1].body.source,
        "- Owns the team's systems end to end\n- Plans work a quarter ahead"
    );
    // Label spans point at the label itself.
    assert_eq!(
        (
            lead.competencies[0].span.line,
            lead.competencies[0].span.col
        ),
        (30, 1)
    );
    assert_eq!(lead.competencies[3].span.line, 39);
    let own: Vec<&str> = lead
        .responsibilities
        .iter()
        .map(|r| &*r.body.text)
        .collect();
    assert_eq!(
        own,
        [
            "~80% direct contributorship",
            "Runs the team's rituals",
            "Grows one engineer towards senior"
        ]
    );

    // The engineering manager's list opens with the "Everything ... plus" line, which
    // stays an item of its own; nested items belong to their parent item.
    let em = &m.levels[1];
    let own: Vec<&str> = em
        .responsibilities
        .iter()
        .map(|r| &*r.body.source)
        .collect();
    assert_eq!(
        own,
        [
            "Everything a team lead does plus...",
            "Hiring for the team\n- runs the interview loop",
            "~20% direct contributorship"
        ]
    );
    // Inherited responsibilities come through `inherits`, transitively.
    let effective: Vec<&str> = m.levels[2]
        .effective_responsibilities(ladder)
        .map(|r| &*r.body.text)
        .collect();
    assert_eq!(effective.len(), 6);
    assert_eq!(effective[0], "Everything a team lead does plus...");
    assert_eq!(effective[3], "~80% direct contributorship");

    // The summary H2 is prose, placed after the engineering manager, not a level.
    assert_eq!(m.prose.len(), 1);
    assert_eq!(m.prose[0].title, "Summary of senior levels");
    assert_eq!(m.prose[0].anchor, "summary-of-senior-levels");
    assert_eq!(m.prose[0].after_level, Some(1));
    // `{#director}` matched the director, whose last label runs to the end of file.
    assert_eq!(m.levels[2].competencies.len(), 4);
    assert_eq!(&*m.levels[2].competencies[3].body.text, "Manages managers.");

    // Links between tracks are resolved to levels.
    let link = m
        .links
        .iter()
        .find(|l| l.dest == "technical.md#staff")
        .expect("link kept");
    assert_eq!(
        link.target,
        Some(ladder::model::LinkTarget::Level(ladder::model::LevelRef {
            track: 0,
            level: 1
        }))
    );

    // Band alignment: team lead sits beside the senior engineer.
    let peers: Vec<&str> = ladder
        .band_peers(ladder::model::LevelRef { track: 1, level: 0 })
        .map(|r| ladder.level(r).id.value.as_str())
        .collect();
    assert_eq!(peers, ["senior-engineer"]);
    let matrix = ladder.band_matrix();
    let bands: Vec<i64> = matrix.iter().map(|(b, _)| *b).collect();
    assert_eq!(bands, [8, 6, 5]);
    assert_eq!(matrix[0].1[0], None, "no technical level at band 8: a gap");
}

/// Many ladders write one label per line with no blank line between them. That is a
/// single CommonMark paragraph, but each line is a labelled block of its own: no
/// dimension may go missing and no text may move to the wrong label.
#[test]
fn labels_on_consecutive_lines_are_each_a_competency() {
    const PAGE: &str = "---\ntitle: T\ndimensions: [Impact, People, Craft]\nlevels:\n  - {title: Engineer, code: E1, band: 1}\n---\n\n## Engineer (IC 1)\n\nShips features.\n\n**Impact:** a feature,\nsometimes two.\n**People**: helps peers.\n**Craft:**\n\n- writes tests\n";
    let project = load_page("content/t.md", PAGE);
    let level = &project.ladder.tracks[0].levels[0];
    let labels: Vec<(&str, &str, u32)> = level
        .competencies
        .iter()
        .map(|c| (c.label.as_str(), &*c.body.text, c.span.line))
        .collect();
    assert_eq!(
        labels,
        [
            ("Impact", "a feature, sometimes two.", 12),
            ("People", "helps peers.", 14),
            ("Craft", "writes tests", 15),
        ]
    );
    let lints = ladder::check::check_project(&project, true);
    assert!(lints.is_empty(), "{lints:#?}");
}

/// Headings are matched to titles with case and spacing folded, also around
/// punctuation, and the note may be emphasised.
#[test]
fn headings_match_titles_whatever_their_spacing_and_case() {
    const PAGE: &str = "---\ntitle: M\nlevels:\n  - {title: Team Lead / Senior Engineer, id: team-lead, code: M4, band: 4}\n  - {title: Senior Engineering Manager, code: M6, band: 6}\n---\n\n## Team Lead/Senior Engineer *(Manager 4 / IC 5)*\n\nLeads.\n\n## SENIOR  engineering Manager (Manager 6)\n\nManages managers.\n";
    let project = load_page("content/m.md", PAGE);
    let lints = ladder::check::check_project(&project, true);
    assert!(lints.is_empty(), "{lints:#?}");
    let sections: Vec<(u32, Option<&str>)> = project.ladder.tracks[0]
        .levels
        .iter()
        .map(|l| {
            let s = l.section.as_ref().expect("every level has its section");
            (s.span.line, s.note.as_deref())
        })
        .collect();
    assert_eq!(
        sections,
        [(8, Some("Manager 4 / IC 5")), (12, Some("Manager 6"))]
    );
}

/// A heading may carry more than one note ("(Manager 4) (IC 5)"), and a title may
/// itself end in parentheses: notes are taken off one at a time until the title matches.
#[test]
fn headings_with_several_notes_and_titles_with_parentheses() {
    const PAGE: &str = "---\ntitle: M\nlevels:\n  - {title: Engineer (Platform), id: platform, code: P3, band: 3}\n  - {title: Team Lead, code: M4, band: 4}\n  - {title: Director, code: M7, band: 7}\n---\n\n## Engineer (Platform) (IC 3)\n\nBuilds the platform.\n\n## Team Lead (Manager 4) (IC 5)\n\nLeads.\n\n## Director (Manager 7) (IC 8) {#director}\n\nDirects.\n";
    let project = load_page("content/m.md", PAGE);
    let lints = ladder::check::check_project(&project, true);
    assert!(lints.is_empty(), "{lints:#?}");
    let track = &project.ladder.tracks[0];
    assert!(track.prose.is_empty(), "{:#?}", track.prose);
    let sections: Vec<(&str, Option<&str>, &str)> = track
        .levels
        .iter()
        .map(|l| {
            let s = l.section.as_ref().expect("every level has its section");
            (s.heading.as_str(), s.note.as_deref(), &*l.summary.text)
        })
        .collect();
    assert_eq!(
        sections,
        [
            ("Engineer (Platform)", Some("IC 3"), "Builds the platform."),
            ("Team Lead", Some("Manager 4 · IC 5"), "Leads."),
            // With `{#id}`, the notes come off the same way.
            ("Director", Some("Manager 7 · IC 8"), "Directs."),
        ]
    );
}

/// The project made of one track file at `path` holding `page`.
fn load_page(path: &str, page: &str) -> ladder::Project {
    load_files(&InputFiles {
        config: None,
        content: vec![InputFile {
            path: Arc::from(path),
            bytes: Arc::from(page.as_bytes()),
        }],
        assets: vec![],
        diagnostics: vec![],
    })
}

/// Text that opens with what looks like a list marker is still text when it is not in
/// a list: `*Always*` (emphasis), `+1`, `2024.` after the label or in a paragraph of
/// their own. Only list items lose their marker.
#[test]
fn responsibilities_written_as_paragraphs_keep_their_first_characters() {
    const PAGE: &str = "---\ntitle: T\nlevels:\n  - {title: One, code: E1, band: 1}\n  - {title: Two, code: E2, band: 2}\n  - {title: Three, code: E3, band: 3}\n---\n\n## One\n\n**Responsibilities:** *Always* on call.\n\n+1 for pairing.\n\n- a listed item\n* another\n\n## Two\n\n**Responsibilities:** +1 for pairing.\n\n## Three\n\n**Responsibilities:** 2024. A year of steady delivery.\n\n3. a numbered one\n";
    let project = load_page("content/t.md", PAGE);
    let items: Vec<Vec<(&str, &str)>> = project.ladder.tracks[0]
        .levels
        .iter()
        .map(|l| {
            l.responsibilities
                .iter()
                .map(|r| (&*r.body.source, &*r.body.text))
                .collect()
        })
        .collect();
    assert_eq!(
        items,
        [
            vec![
                ("*Always* on call.", "Always on call."),
                ("+1 for pairing.", "+1 for pairing."),
                ("a listed item", "a listed item"),
                ("another", "another"),
            ],
            vec![("+1 for pairing.", "+1 for pairing.")],
            vec![
                // Escaped, so that it reads as text wherever it is rendered alone.
                (
                    "2024\\. A year of steady delivery.",
                    "2024. A year of steady delivery."
                ),
                ("a numbered one", "a numbered one"),
            ],
        ]
    );
}

/// An editor may save a title composed (NFC `é`) and its heading decomposed (NFD `e` +
/// U+0301): a reader sees one word, and so does the front end.
#[test]
fn composed_and_decomposed_accents_match() {
    const PAGE: &str = "---\ntitle: T\nlevels:\n  - {title: Ingénieure principale, code: E1, band: 1}\n---\n\n## Inge\u{301}nieure principale\n\nConçoit.\n";
    let project = load_page("content/t.md", PAGE);
    let lints = ladder::check::check_project(&project, true);
    assert!(lints.is_empty(), "{lints:#?}");
    let level = &project.ladder.tracks[0].levels[0];
    assert_eq!(&*level.summary.text, "Conçoit.");
    // The default id is a readable transliteration, not code points.
    assert_eq!(level.id.value, "ingenieure-principale");
}

/// Two levels whose titles differ only in case: the headings go to them in order, and
/// the one real problem (their ids, both `senior`) is reported once, with a fix that
/// does not suggest the clashing id.
#[test]
fn titles_that_differ_in_case_get_one_clear_error() {
    const PAGE: &str = "---\ntitle: T\nlevels:\n  - {title: Senior, code: S1, band: 1}\n  - {title: senior, code: S2, band: 2}\n---\n\n## Senior\n\nOne.\n\n## senior\n\nTwo.\n";
    let project = load_page("content/t.md", PAGE);
    let summaries: Vec<&str> = project.ladder.tracks[0]
        .levels
        .iter()
        .map(|l| &*l.summary.text)
        .collect();
    assert_eq!(summaries, ["One.", "Two."]);
    let lints = ladder::check::check_project(&project, true);
    let found: Vec<(&str, u32, &str)> = lints
        .iter()
        .map(|d| (d.lint.id(), d.span.line, d.message.as_str()))
        .collect();
    assert_eq!(
        found,
        [(
            "duplicate-id",
            5,
            "level id `senior` is used twice in track `t`"
        )]
    );
    let help = lints[0].help.as_deref().unwrap_or("");
    assert!(help.contains("explicit `id:`"), "{help}");
}

/// A track file named in another script gets a readable URL.
#[test]
fn non_latin_file_names_give_readable_ids() {
    const PAGE: &str = "---\ntitle: Путь инженера\nlevels:\n  - {title: Инженер, code: E1, band: 1}\n---\n\n## Инженер\n\nПишет код.\n";
    let project = load_page("content/инженер.md", PAGE);
    let track = &project.ladder.tracks[0];
    assert_eq!(track.id.value, "inzhener");
    assert_eq!(track.levels[0].id.value, "inzhener");
}
