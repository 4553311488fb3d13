//! Property tests of the front end (SPEC section 7: no input makes `ladder` panic).
//!
//! Inputs are arbitrary bytes, and valid track pages mutated the way a careless edit
//! or a bad merge would: lines inserted, deleted or duplicated, characters dropped in
//! at random offsets. For each, `parse_track` and `load_files` must return, the lints
//! must run over whatever model came out, the site must render from it, the human
//! renderer must render every
//! diagnostic, and every diagnostic's line and column must agree with its byte offset
//! in the file (otherwise `file:line:col` and the caret would point at different
//! places). Case counts are bounded so that the suite runs in seconds.

use ladder::diagnostic::{render_human, Diagnostic};
use ladder::model::Span;
use ladder::source::{load_files, parse_track, InputFile, InputFiles};
use proptest::prelude::*;
use std::sync::Arc;

/// A track using every authoring form of SPEC section 1.
const VALID: &str = r#"---
title: Managing Engineer Path
id: managing
summary: Leads teams.
order: 2
dimensions:
  - Technical Ability
  - Communication
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
    id: director
    code: M6
    band: 7
    inherits: technical/staff
---

# Managing Engineer Path

Prose before the first level. See [the staff level](technical.md#staff).

## Team Lead / Senior Engineer (Manager 4 / IC 5)

A summary paragraph.

**Technical Ability:** a labelled paragraph.

**Communication**:

- a list under a label
  - nested item

### Technical Scope

An H3 label; its block runs to the next label.

**Responsibilities:**

- Everything a senior engineer does plus:
- ~80% direct contributorship
- run [planning](#engineering-manager)

## Engineering Manager (Manager 5)

| a | b |
|---|---|
| 1 | 2 |

**Responsibilities:** hire the team.

- [ ] a task item[^1]

[^1]: a footnote

## Summary of senior levels

An H2 that matches no level.

## Director {#director}

Runs teams of teams.
"#;

const FOLDER_INDEX: &str = "---\ntitle: Platform\n---\n\nA track folder's introduction.\n";

const OTHER: &str = "---\ntitle: Technical\nlevels:\n  - {title: Staff, id: staff, code: T6, band: 7}\n---\n## Staff\ntext\n";

/// Lines that mean something to the front end, for insertions.
const TRICKY_LINES: &[&str] = &[
    "---",
    "...",
    "## Engineering Manager",
    "## Team Lead / Senior Engineer (IC 5)",
    "## {#nope}",
    "# Title",
    "### Scope",
    "**Responsibilities:**",
    "**Label:**",
    "**Label**:",
    "**:**",
    "- item",
    "  - nested",
    "1. numbered",
    "* [x] done",
    "[x](technical.md#nope)",
    "[y](../../x.md)",
    "  band: 9",
    "    band: five",
    "    code: [A, B]",
    "    title: {a: 1}",
    "order: first",
    "dimensions: Scope",
    "  - just a string",
    "  - title: Extra",
    "    inherits: director",
    "levels:",
    "title: [a",
    "a: &a [*a]",
    "b: *c",
    "```",
    "    indented code",
    "> quote",
    "<div>",
    "</div>",
    "|a|b|",
    "|-|-|",
    "[^1]: note",
    "\t",
    "",
    "\u{feff}",
    "é ü 中 🙂",
    "\r",
    // The shapes of SPEC 8: other ranks, label headings with text, label lists,
    // other generators' keys.
    "### Engineering Manager",
    "# Director",
    "#### Technical Scope: wide",
    "- **Adopts**: learns the tools",
    "- Communication: writes well",
    "__Label__:",
    "date: 2023-01-01",
    "description: a track",
    "weight: 2",
    "    salary: [1, {a: 2}]",
    "dimentions: [x]",
    // A competency matrix header naming levels by title and code, and a row.
    "| Skill | Engineering Manager | M4 | Director |",
    "| Scope | one team | | **all** |",
    // A level file's front matter.
    "band: 3",
    "weight: 2",
];

#[derive(Debug, Clone)]
enum Mutation {
    InsertLine(usize, String),
    DeleteLine(usize),
    DuplicateLine(usize),
    InsertText(usize, String),
    DeleteBytes(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let line = prop_oneof![
        3 => prop::sample::select(TRICKY_LINES).prop_map(str::to_string),
        1 => "\\PC{0,40}",
    ];
    prop_oneof![
        (any::<usize>(), line).prop_map(|(i, l)| Mutation::InsertLine(i, l)),
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), "[-#*:\\[\\]()&{}|`> \n\t\\\\a-z0-9é]{1,6}")
            .prop_map(|(i, s)| Mutation::InsertText(i, s)),
        (any::<usize>(), 1usize..20).prop_map(|(i, n)| Mutation::DeleteBytes(i, n)),
    ]
}

/// Applies mutations to `text`, staying on line and character boundaries.
fn mutate(text: &str, mutations: &[Mutation]) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    let mut out = String::new();
    for m in mutations {
        match m {
            Mutation::InsertLine(i, l) => {
                let at = i % (lines.len() + 1);
                lines.insert(at, l.clone());
            }
            Mutation::DeleteLine(i) if !lines.is_empty() => {
                let at = i % lines.len();
                lines.remove(at);
            }
            Mutation::DuplicateLine(i) if !lines.is_empty() => {
                let at = i % lines.len();
                let l = lines[at].clone();
                lines.insert(at, l);
            }
            Mutation::InsertText(i, s) => {
                let mut joined = lines.join("\n");
                let at = floor_boundary(&joined, i % (joined.len() + 1));
                joined.insert_str(at, s);
                lines = joined.split('\n').map(str::to_string).collect();
            }
            Mutation::DeleteBytes(i, n) => {
                let mut joined = lines.join("\n");
                let at = floor_boundary(&joined, i % (joined.len() + 1));
                let end = floor_boundary(&joined, (at + n).min(joined.len()));
                joined.replace_range(at..end, "");
                lines = joined.split('\n').map(str::to_string).collect();
            }
            _ => {}
        }
    }
    out.push_str(&lines.join("\n"));
    out
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The diagnostic's line and column agree with its byte offset into `text`.
fn assert_span_consistent(d: &Diagnostic, text: &str) {
    let s = &d.span;
    assert!(
        s.start <= s.end && s.end <= text.len(),
        "span {}..{} outside a {}-byte file: {d:?}",
        s.start,
        s.end,
        text.len()
    );
    let recomputed = Span::from_offsets(&s.file, text, s.start, s.end);
    assert_eq!(
        (recomputed.line, recomputed.col),
        (s.line, s.col),
        "line:col disagrees with the byte offset: {d:?}"
    );
}

fn input(path: &str, bytes: &[u8]) -> InputFile {
    InputFile {
        path: Arc::from(path),
        bytes: Arc::from(bytes),
    }
}

/// Runs the whole front end plus the lints and the renderer on one track file (beside a
/// valid second track) and checks every diagnostic that points into it.
fn run_project(track: &[u8], config: Option<&[u8]>) {
    let files = InputFiles {
        config: config.map(|c| input("ladder.yaml", c)),
        content: vec![
            input("content/managing.md", track),
            input("content/technical.md", OTHER.as_bytes()),
            // The same bytes as a file of a track folder (a level file, or a page of
            // the track) and as a page at the root.
            input("content/platform/_index.md", FOLDER_INDEX.as_bytes()),
            input("content/platform/level.md", track),
            input("content/notes.md", track),
        ],
        assets: Vec::new(),
        diagnostics: Vec::new(),
    };
    let project = load_files(&files);
    let all = ladder::check::check_project(&project, true);
    // The site renders from whatever model came out (build renders only a clean one;
    // the renderer must not panic on any): an error is fine, a panic is not.
    if let Some(theme) = theme() {
        if let Ok(site) = ladder::render::render_site(&project.ladder, theme) {
            let _ = site.materialize();
        }
    }
    let _ = render_human(&all, &project.sources, false);
    let _ = ladder::diagnostic::render_json(&all);
    let _ = ladder::diagnostic::render_github(&all);
    for d in &all {
        if let Some(text) = project.sources.get(&d.span.file) {
            assert_span_consistent(d, text);
        }
        for (span, _) in &d.related {
            if let Some(text) = project.sources.get(&span.file) {
                assert!(span.end <= text.len(), "related span outside file: {d:?}");
            }
        }
    }
}

/// The built-in theme, loaded once (a folder with no templates/ uses it).
fn theme() -> Option<&'static ladder::render::Theme> {
    static THEME: std::sync::OnceLock<Option<ladder::render::Theme>> = std::sync::OnceLock::new();
    THEME
        .get_or_init(|| {
            let empty = tempfile::tempdir().ok()?;
            ladder::render::Theme::load(empty.path(), &ladder::config::Config::default()).ok()
        })
        .as_ref()
}

fn run_track(text: &str) {
    let path: Arc<str> = Arc::from("content/managing.md");
    let parsed = parse_track(&path, text);
    for d in &parsed.diagnostics {
        assert_span_consistent(d, text);
    }
}

#[test]
fn the_unmutated_page_has_only_the_expected_warnings() {
    // The base of the mutations parses without a problem, so that mutations explore
    // the neighbourhood of a valid page rather than of a broken one.
    let files = InputFiles {
        config: None,
        content: vec![
            input("content/managing.md", VALID.as_bytes()),
            input("content/technical.md", OTHER.as_bytes()),
        ],
        assets: Vec::new(),
        diagnostics: Vec::new(),
    };
    let project = load_files(&files);
    let all = ladder::check::check_project(&project, false);
    let got: Vec<(&str, u32)> = all.iter().map(|d| (d.lint.id(), d.span.line)).collect();
    // Only the dimension lints, on purpose: the H3 label `Technical Scope` is not a
    // declared dimension, and the two higher levels carry no labels.
    assert_eq!(
        got,
        [
            ("unknown-dimension", 40),
            ("missing-dimension", 50),
            ("missing-dimension", 66),
        ],
        "{all:#?}"
    );
    assert_eq!(project.ladder.tracks.len(), 2);
    assert_eq!(project.ladder.tracks[0].levels.len(), 3);
    // The property tests render what they load: make sure they really do.
    let site = ladder::render::render_site(&project.ladder, theme().expect("the built-in theme"))
        .expect("the valid page renders");
    assert!(site.contains("managing/engineering-manager/index.html"));
}

#[test]
fn responsibilities_not_in_a_list_keep_their_first_character() {
    // Found by `mutated_valid_pages`: text after `**Responsibilities:**` and paragraphs
    // in the block lost their first character, and a non-ASCII one made a panic.
    let text = "---\ntitle: A\nlevels:\n  - {title: E, code: T1, band: 1}\n---\n## E\n\n**Responsibilities:** hire the team.\n\nÉverything a lead does plus:\n\n- ship it\n-   four spaces\n";
    let parsed = parse_track(&Arc::from("content/a.md"), text);
    assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
    let track = parsed.track.expect("a track");
    let got: Vec<&str> = track.levels[0]
        .responsibilities
        .iter()
        .map(|r| &*r.body.text)
        .collect();
    assert_eq!(
        got,
        [
            "hire the team.",
            "Éverything a lead does plus:",
            "ship it",
            "four spaces"
        ]
    );
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 200,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..1500)) {
        if let Ok(text) = std::str::from_utf8(&bytes) {
            run_track(text);
        }
        run_project(&bytes, None);
    }

    #[test]
    fn arbitrary_bytes_after_a_fence(bytes in prop::collection::vec(any::<u8>(), 0..1500)) {
        let mut with_fence = b"---\n".to_vec();
        with_fence.extend_from_slice(&bytes);
        run_project(&with_fence, Some(&bytes));
    }

    #[test]
    fn arbitrary_markdownish_text(text in "(---\n)?[-#*:\\[\\]()&{}|`>!_ \n\ta-z0-9é]{0,800}") {
        run_track(&text);
        run_project(text.as_bytes(), Some(text.as_bytes()));
    }

    #[test]
    fn mutated_valid_pages(mutations in prop::collection::vec(mutation(), 1..8)) {
        let text = mutate(VALID, &mutations);
        run_track(&text);
        run_project(text.as_bytes(), None);
    }
}
