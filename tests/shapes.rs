//! Ladders as companies already write them (SPEC 8): each shape has a fixture project
//! under tests/fixtures/shape-*/, written in our own words, and a test that asserts the
//! model it yields (levels, labels, item text), the exact diagnostics, and that the
//! built level pages carry the text.

mod site_support;

use assert_cmd::Command;
use ladder::model::Level;
use site_support::*;
use std::time::Duration;

fn load(name: &str) -> ladder::Project {
    ladder::source::load_project(&fixture(name)).expect("the fixture loads")
}

/// `ladder check` on a fixture: exit code and human output (no colour).
fn check(name: &str) -> (i32, String) {
    let out = Command::cargo_bin("ladder")
        .expect("the ladder binary")
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .timeout(Duration::from_secs(60))
        .args(["check", "--deny", "warnings", "--root"])
        .arg(fixture(name))
        .output()
        .expect("ladder runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout),
    )
}

/// Each competency of a level as (label, plain text).
fn competencies(level: &Level) -> Vec<(&str, &str)> {
    level
        .competencies
        .iter()
        .map(|c| (c.label.as_str(), &*c.body.text))
        .collect()
}

/// The words of a level page's main text.
fn page_text(site: &Site, path: &str) -> String {
    text_of(&site.page(path))
}

#[test]
fn levels_at_h3_under_h2_groups_with_h4_labels() {
    let project = load("shape-heading-ranks");
    let lints = ladder::check::check_project(&project, true);
    assert!(lints.is_empty(), "{lints:#?}");
    let track = &project.ladder.tracks[0];
    assert_eq!(track.level_rank, 3);
    assert_eq!(track.heading.as_deref(), Some("Engineering Levels"));
    let l = &track.levels;
    assert_eq!(
        &*l[0].summary.text,
        "Learns the codebase and ships small changes with guidance."
    );
    assert_eq!(
        competencies(&l[0]),
        [
            ("Impact", "Closes well-defined tickets within a sprint."),
            // `#### Craft: Writes readable code with tests`: the label and its text;
            // the deeper H5 belongs to the label's block.
            (
                "Craft",
                "Writes readable code with tests Asks for review early and acts on the feedback. Habits worth building Reads the changes of others every week."
            ),
            ("Collaboration", "Pairs with a buddy on most tasks."),
        ]
    );
    assert_eq!(
        competencies(&l[2])[2],
        ("Collaboration", "Coaches two or more engineers.")
    );
    // The H2 groups and the closing H1 are prose of the track, where they stand.
    let prose: Vec<(&str, Option<usize>, &str)> = track
        .prose
        .iter()
        .map(|p| (p.title.as_str(), p.after_level, &*p.body.text))
        .collect();
    assert_eq!(
        prose,
        [
            (
                "Early career",
                None,
                "The first two levels are about learning the craft with support."
            ),
            ("Senior career", Some(1), "Leading without managing."),
            (
                "Other pages",
                Some(2),
                "See the promotion guide for how levels are assessed."
            ),
        ]
    );

    let out = build_fixture("shape-heading-ranks", &[]);
    let site = Site::read(out.path());
    let page = page_text(&site, "technical/engineer-i/index.html");
    for words in [
        "Learns the codebase",
        "Writes readable code with tests",
        "Reads the changes of others every week.",
    ] {
        assert!(
            page.contains(words),
            "{words:?} missing from the level page"
        );
    }
    let track_page = page_text(&site, "technical/index.html");
    for words in [
        "Early career",
        "Leading without managing.",
        "See the promotion guide",
    ] {
        assert!(
            track_page.contains(words),
            "{words:?} missing from the track page"
        );
    }
}

#[test]
fn lists_of_labelled_items_give_one_competency_per_item() {
    let project = load("shape-label-lists");
    let lints = ladder::check::check_project(&project, true);
    assert!(lints.is_empty(), "{lints:#?}");
    let l = &project.ladder.tracks[0].levels;
    assert_eq!(
        &*l[0].summary.text,
        "Looks after one team while still building."
    );
    assert_eq!(
        competencies(&l[0]),
        [
            ("Scope", "one team and its services"),
            ("People", "runs weekly one-to-ones"),
            // The last item's block runs on to the next label or heading.
            (
                "Delivery",
                "keeps the team's board honest A note that belongs to delivery: plans fit in a quarter."
            ),
        ]
    );
    // `### Competencies` over the list only groups the items.
    assert_eq!(
        competencies(&l[1]),
        [
            ("Scope", "two or three teams"),
            ("People", "hires and grows managers of the future"),
            ("Delivery", "commits to dates and keeps them"),
        ]
    );
    // Plain `- Scope: ...` items are labels because each is a declared dimension; the
    // `Budget:` list that follows is not, so it stays text of the block it is in.
    assert_eq!(
        competencies(&l[2]),
        [
            ("Scope", "a whole product area"),
            ("People", "builds a bench of managers"),
            (
                "Delivery",
                "sets goals the teams can own Things a director is asked about often: Budget: owns the headcount plan Travel: visits every site twice a year"
            ),
        ]
    );

    let out = build_fixture("shape-label-lists", &[]);
    let site = Site::read(out.path());
    let page = page_text(&site, "managing/director/index.html");
    for words in ["a whole product area", "Budget: owns the headcount plan"] {
        assert!(
            page.contains(words),
            "{words:?} missing from the level page"
        );
    }
}

#[test]
fn a_level_heading_at_another_rank_is_one_error_at_that_heading() {
    let (code, out) = check("shape-odd-rank");
    assert_eq!(code, 1, "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn an_empty_level_says_which_headings_ended_it() {
    let (code, out) = check("shape-empty-level-why");
    assert_eq!(code, 1, "{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn other_generators_keys_are_kept_under_extra() {
    let (code, out) = check("shape-extra-keys");
    assert_eq!(code, 0, "{out}");
    let project = load("shape-extra-keys");
    let track = &project.ladder.tracks[0];
    // `description` and `weight` are read as `summary` and `order`.
    assert_eq!(
        track.summary.as_deref(),
        Some("The path for people who build the product.")
    );
    assert_eq!(track.order, Some(3));
    let keys: Vec<&str> = track.extra.keys().map(String::as_str).collect();
    assert_eq!(keys, ["date", "draft", "layout", "menu", "tags"]);
    assert_eq!(
        track.extra["tags"],
        serde_json::json!(["careers", "engineering"])
    );
    assert_eq!(
        track.levels[0].extra["salary_range"],
        serde_json::json!("B1")
    );
    assert_eq!(
        track.levels[1].extra["aliases"],
        serde_json::json!(["senior"])
    );

    // In ladder.json, and for templates as `track.extra` and `level.extra`.
    let root = copy_fixture("shape-extra-keys");
    std::fs::create_dir_all(root.path().join("templates")).expect("templates folder");
    let theme = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("themes/default/templates/level.html"),
    )
    .expect("the theme's level template");
    let marked = theme.replacen(
        "{{ level.title }}</li>",
        "{{ level.title }} (pay range {{ level.extra.salary_range | default(value=\"none\") }})</li>",
        1,
    );
    assert_ne!(
        marked, theme,
        "the theme's breadcrumb changed; update this test"
    );
    std::fs::write(root.path().join("templates/level.html"), marked).expect("write template");
    let out = build_project(root.path(), &[]);
    let site = Site::read(out.path());
    let json: serde_json::Value =
        serde_json::from_slice(&site.files["ladder.json"]).expect("ladder.json");
    assert_eq!(json["tracks"][0]["extra"]["layout"], "ladder-page");
    assert_eq!(
        json["tracks"][0]["levels"][0]["extra"]["salary_range"],
        "B1"
    );
    assert!(page_text(&site, "engineering/engineer/index.html").contains("Engineer (pay range B1)"));
    assert!(page_text(&site, "engineering/senior-engineer/index.html")
        .contains("Senior Engineer (pay range none)"));
}

#[test]
fn a_near_miss_of_a_known_key_is_still_an_error() {
    let (code, out) = check("shape-extra-keys-typo");
    assert_eq!(code, 1, "{out}");
    insta::assert_snapshot!(out);
}

/// The words of a Markdown file's text (front matter, markup and link targets left
/// out), lowercased.
fn source_words(markdown: &str) -> std::collections::BTreeSet<String> {
    use pulldown_cmark::{Event, Parser};
    let body = match markdown.strip_prefix("---\n") {
        Some(rest) => rest.split_once("\n---\n").map_or(rest, |(_, b)| b),
        None => markdown,
    };
    let mut text = String::new();
    for event in Parser::new_ext(body, ladder::model::Markdown::options()) {
        if let Event::Text(t) | Event::Code(t) = event {
            text.push_str(&t);
            text.push(' ');
        }
    }
    words(&text)
}

fn words(text: &str) -> std::collections::BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// A ladder mixing the shapes of SPEC 8 as a company would bring it: README.md as the
/// home page, a page without front matter, H3 levels under H2 groups with H4 labels
/// (one written `Label: text`), bold-label lists, GitHub anchors, another generator's
/// keys, no codes on one track and a level spanning two bands. It checks with only
/// the one true warning, every link of the site resolves, and no word of any source
/// file is missing from the page that shows it.
#[test]
fn a_ladder_mixing_every_shape_builds_without_losing_text() {
    let (code, out) = check("shape-mixed");
    assert_eq!(
        code, 1,
        "--deny warnings: the outside link is a warning\n{out}"
    );
    assert_eq!(
        out.matches("warning[").count() + out.matches("error[").count(),
        1,
        "{out}"
    );
    assert!(
        out.contains("link to `../CHARTER.md` (CHARTER.md, outside content/)"),
        "{out}"
    );

    let project = load("shape-mixed");
    let technical = &project.ladder.tracks[0];
    assert_eq!(technical.id.value, "technical");
    assert_eq!(technical.level_rank, 3);
    assert_eq!(technical.levels[2].band_label(), "3–4");
    assert_eq!(technical.extra["date"], serde_json::json!("2022-09-01"));
    assert_eq!(
        technical.levels[0].extra["hiring_band"],
        serde_json::json!("A")
    );
    assert_eq!(
        competencies(&technical.levels[1]),
        [
            ("Craft", "Designs features end to end."),
            (
                "Impact",
                "Ships work customers notice Measures it after release."
            ),
        ]
    );
    assert_eq!(project.ladder.home.path, "README.md");
    let pages: Vec<(&str, &str)> = project
        .ladder
        .pages
        .iter()
        .map(|p| (p.id.as_str(), p.title.as_str()))
        .collect();
    assert_eq!(
        pages,
        [
            ("promotions", "How promotions work"),
            // In a track's folder: a page of that track, under its URL.
            ("technical/faq", "Technical path questions"),
        ]
    );

    let base = "/careers/ladder/";
    let out = build_fixture("shape-mixed", &["--base-url", base]);
    let site = Site::read(out.path());
    site.check_links(base);

    // Links written for GitHub land where they meant to.
    let home = site.page("index.html");
    for href in [
        "/careers/ladder/technical/d2-developer-2/",
        "/careers/ladder/promotions/#frequently-asked-questions",
        "/careers/ladder/managing/",
    ] {
        assert!(
            home.contains(&format!("href=\"{href}\"")),
            "{href} missing from the home page"
        );
    }
    let promotions = site.page("promotions/index.html");
    for href in [
        "/careers/ladder/technical/d3-senior-developer/",
        "/careers/ladder/managing/team-lead/",
        "href=\"/careers/ladder/\"",
    ] {
        assert!(
            promotions.contains(href),
            "{href} missing from the promotions page"
        );
    }
    // The page is in every page's navigation.
    assert!(site
        .page("technical/index.html")
        .contains("href=\"/careers/ladder/promotions/\""));
    // And searchable.
    let search = String::from_utf8_lossy(&site.files["data/search.json"]).into_owned();
    assert!(search.contains("How promotions work"), "{search}");

    // No word of a source is missing from the page that shows it.
    for (source, page) in [
        ("README.md", "index.html"),
        ("promotions.md", "promotions/index.html"),
        ("technical.md", "technical/index.html"),
        ("managing.md", "managing/index.html"),
        ("technical/faq.md", "technical/faq/index.html"),
    ] {
        let text = std::fs::read_to_string(fixture("shape-mixed").join("content").join(source))
            .expect("the fixture's file");
        let shown = words(&page_text(&site, page));
        let missing: Vec<String> = source_words(&text).difference(&shown).cloned().collect();
        assert!(
            missing.is_empty(),
            "{source}: words missing from {page}: {missing:?}"
        );
    }
}

/// Pages are checked like tracks: their keys, their links, links into them, and the
/// place they are published at.
#[test]
fn pages_are_checked_like_tracks() {
    let (code, out) = check("shape-pages-fires");
    assert_eq!(code, 1, "{out}");
    insta::assert_snapshot!(out);
}

/// A competency matrix (SPEC 8.9): a table whose header names the track's levels (by
/// title or code) gives each of them one competency per row, beside what their own
/// sections say; the table itself stays on the track page.
#[test]
fn a_competency_matrix_gives_each_level_a_competency_per_row() {
    let (code, out) = check("shape-matrix");
    assert_eq!(code, 0, "{out}");
    let project = load("shape-matrix");
    let l = &project.ladder.tracks[0].levels;
    assert_eq!(
        competencies(&l[0]),
        [
            ("SQL", "Writes queries with joins"),
            ("Pipelines", "Reruns failed jobs")
        ]
    );
    // The header names this level by its code, `D2`.
    assert_eq!(
        competencies(&l[1]),
        [
            ("SQL", "Tunes slow queries"),
            ("Pipelines", "Builds batch pipelines")
        ]
    );
    assert_eq!(
        competencies(&l[2])[0],
        ("SQL", "Sets the query style guide")
    );
    assert_eq!(
        &*l[2].summary.text,
        "Leads the data platform. It also coaches two engineers."
    );

    let out = build_fixture("shape-matrix", &[]);
    let site = Site::read(out.path());
    let lead = page_text(&site, "warehouse/lead-data-engineer/index.html");
    assert!(lead.contains("Sets the query style guide"), "{lead}");
    assert!(lead.contains("Designs streaming systems"), "{lead}");
    assert!(site.page("warehouse/index.html").contains("<table"));
}

#[test]
fn a_label_in_a_matrix_and_in_a_section_is_a_duplicate() {
    let (code, out) = check("shape-matrix-fires");
    assert_eq!(code, 1, "{out}");
    insta::assert_snapshot!(out);
}

/// A track folder (SPEC 8.5): `_index.md` with the track's front matter and
/// introduction, one file per level (its id the file's name, its order `weight`), the
/// headings of a level file its labels (one rank below its own title when it opens
/// with it), and a file without `band` a page of the track.
#[test]
fn a_track_folder_is_a_track_with_a_file_per_level() {
    let (code, out) = check("shape-track-folder");
    assert_eq!(code, 0, "{out}");
    let project = load("shape-track-folder");
    let track = project
        .ladder
        .tracks
        .iter()
        .find(|t| t.id.value == "platform")
        .expect("the folder's track");
    assert_eq!(track.path, "platform/_index.md");
    assert_eq!(track.title.value, "Platform Path");
    assert_eq!(track.extra["type"], serde_json::json!("docs"));
    assert_eq!(
        &*track.intro.text,
        "Each level of this path is a page of its own, as our old handbook had it."
    );
    let levels: Vec<(&str, &str, &str)> = track
        .levels
        .iter()
        .map(|l| {
            (
                l.id.value.as_str(),
                l.title.value.as_str(),
                &*l.summary.text,
            )
        })
        .collect();
    assert_eq!(
        levels,
        [
            (
                "engineer",
                "Platform Engineer",
                "Keeps one internal service healthy."
            ),
            (
                "senior",
                "Senior Platform Engineer",
                "Owns a platform area across several services."
            ),
        ]
    );
    assert_eq!(
        competencies(&track.levels[0]),
        [
            (
                "Reliability",
                "Answers pages for the service and writes the follow-up."
            ),
            ("Enablement", "Documents how other teams use the service."),
        ]
    );
    assert_eq!(
        competencies(&track.levels[1])[0],
        (
            "Reliability",
            "Sets the on-call rotation Leads incident reviews, see the first level."
        )
    );
    let senior = &track.levels[1];
    assert_eq!(
        &*senior.responsibilities[0].body.text,
        "Plans the area's roadmap"
    );
    assert_eq!(senior.extra.len(), 0);
    assert_eq!(
        track.levels[0].extra["sidebar_position"],
        serde_json::json!(1)
    );
    assert!(senior.inherits_ref.is_some(), "inherits: engineer resolves");

    let base = "/careers/ladder/";
    let out = build_fixture("shape-track-folder", &["--base-url", base]);
    let site = Site::read(out.path());
    site.check_links(base);
    let page = page_text(&site, "platform/senior/index.html");
    for words in [
        "Owns a platform area",
        "Runs office hours",
        "Plans the area's roadmap",
    ] {
        assert!(
            page.contains(words),
            "{words:?} missing from the level page"
        );
    }
    let faq = site.page("platform/faq/index.html");
    assert!(
        faq.contains("Do platform engineers carry a pager?"),
        "{faq}"
    );
    assert!(
        faq.contains("href=\"/careers/ladder/platform/engineer/\""),
        "{faq}"
    );
    let product = site.page("product/index.html");
    assert!(
        product.contains("href=\"/careers/ladder/platform/senior/\""),
        "{product}"
    );
    assert!(
        product.contains("href=\"/careers/ladder/platform/\""),
        "{product}"
    );
}

#[test]
fn a_level_file_outside_a_track_folder_is_an_error() {
    let (code, out) = check("shape-track-folder-fires");
    assert_eq!(code, 1, "{out}");
    insta::assert_snapshot!(out);
}
