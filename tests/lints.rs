//! Every lint of SPEC section 3, through the real binary: for each lint a fixture
//! project that fires it (`tests/fixtures/lint-<id>-fires/`, its human diagnostics
//! snapshot-tested) and one that does not (`lint-<id>-clean/`, a near miss that must
//! check clean even with `--deny warnings`). Then the knobs: severities from
//! ladder.yaml, `--deny warnings`, `--format json|github` and the GitHub default.

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn ladder_in(root: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::cargo_bin("ladder").expect("the ladder binary is built");
    cmd.env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .timeout(Duration::from_secs(60))
        .arg("check")
        .arg("--root")
        .arg(root)
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("ladder runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn check(name: &str, args: &[&str]) -> Run {
    ladder_in(&fixture(name), args, &[])
}

/// How many diagnostics of `lint` the human output holds (`error[id]` / `warning[id]`).
fn count(stderr: &str, lint: &str) -> usize {
    stderr.matches(&format!("[{lint}]: ")).count()
}

/// A lint with its fixture pair: the firing one's exact output is a reviewed snapshot
/// (and nothing but `lint` and the lints listed in `also` appear in it); the clean
/// one reports nothing at all.
macro_rules! lint_pair {
    ($fires:ident, $clean:ident, $lint:literal, exit $code:literal, fires $n:literal $(, also [$($also:literal),*])?) => {
        #[test]
        fn $fires() {
            let r = check(concat!("lint-", $lint, "-fires"), &[]);
            assert_eq!(r.code, $code, "{}", r.stderr);
            assert_eq!(count(&r.stderr, $lint), $n, "{}", r.stderr);
            let allowed: &[&str] = &[$lint $($(, $also)*)?];
            let total: usize = allowed.iter().map(|l| count(&r.stderr, l)).sum();
            assert_eq!(
                r.stderr.matches("]: ").count(),
                total,
                "unexpected lints: {}",
                r.stderr
            );
            assert!(r.stdout.is_empty(), "human output goes to stderr: {}", r.stdout);
            insta::assert_snapshot!(r.stderr);
        }

        #[test]
        fn $clean() {
            let r = check(concat!("lint-", $lint, "-clean"), &["--deny", "warnings"]);
            assert_eq!(r.code, 0, "{}", r.stderr);
            assert!(r.stderr.starts_with("ok: "), "{}", r.stderr);
        }
    };
}

lint_pair!(front_matter_fires, front_matter_clean, "front-matter", exit 1, fires 4);
lint_pair!(missing_section_fires, missing_section_clean, "missing-section", exit 1, fires 2);
lint_pair!(duplicate_id_fires, duplicate_id_clean, "duplicate-id", exit 1, fires 3);
lint_pair!(band_order_fires, band_order_clean, "band-order", exit 1, fires 2);
lint_pair!(dangling_reference_fires, dangling_reference_clean, "dangling-reference", exit 1, fires 5);
lint_pair!(band_gap_fires, band_gap_clean, "band-gap", exit 0, fires 1);
lint_pair!(missing_dimension_fires, missing_dimension_clean, "missing-dimension", exit 0, fires 2);
lint_pair!(unknown_dimension_fires, unknown_dimension_clean, "unknown-dimension", exit 0, fires 2, also ["missing-dimension"]);
lint_pair!(empty_level_fires, empty_level_clean, "empty-level", exit 0, fires 2);
lint_pair!(redundant_responsibility_fires, redundant_responsibility_clean, "redundant-responsibility", exit 0, fires 3);

#[test]
fn deny_warnings_turns_warnings_into_errors() {
    let plain = check("lint-band-gap-fires", &[]);
    assert_eq!(plain.code, 0);
    assert!(
        plain.stderr.contains("warning[band-gap]"),
        "{}",
        plain.stderr
    );

    let denied = check("lint-band-gap-fires", &["--deny", "warnings"]);
    assert_eq!(denied.code, 1, "{}", denied.stderr);
    assert!(
        denied.stderr.contains("error[band-gap]"),
        "{}",
        denied.stderr
    );
    assert!(!denied.stderr.contains("warning["), "{}", denied.stderr);
    assert!(
        denied.stderr.ends_with("1 error emitted\n"),
        "{}",
        denied.stderr
    );
}

#[test]
fn severities_come_from_ladder_yaml() {
    // ladder.yaml raises band-gap to an error and allows empty-level; the project has
    // one of each.
    let r = check("lint-severities", &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(count(&r.stderr, "band-gap"), 1, "{}", r.stderr);
    assert!(r.stderr.contains("error[band-gap]"), "{}", r.stderr);
    assert_eq!(count(&r.stderr, "empty-level"), 0, "{}", r.stderr);

    // Without the config the same content gives warnings only.
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(
        &fixture("lint-severities/content"),
        &dir.path().join("content"),
    );
    let r = ladder_in(dir.path(), &[], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("warning[band-gap]"), "{}", r.stderr);
    assert_eq!(count(&r.stderr, "empty-level"), 1, "{}", r.stderr);
}

#[test]
fn unknown_lint_in_ladder_yaml_is_reported_with_a_hint() {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(
        &fixture("lint-band-gap-clean/content"),
        &dir.path().join("content"),
    );
    std::fs::write(
        dir.path().join("ladder.yaml"),
        "title: X\nlints:\n  band-gapp: error\n",
    )
    .expect("write ladder.yaml");
    let r = ladder_in(dir.path(), &[], &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("error[front-matter]: unknown lint `band-gapp` in ladder.yaml"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--> ladder.yaml:3:3"), "{}", r.stderr);
    assert!(
        r.stderr.contains("help: did you mean `band-gap`?"),
        "{}",
        r.stderr
    );
}

#[test]
fn every_problem_of_ladder_yaml_is_reported_in_one_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    copy_dir(
        &fixture("lint-band-gap-clean/content"),
        &dir.path().join("content"),
    );
    std::fs::write(
        dir.path().join("ladder.yaml"),
        "titel: X\nbase_ur: /x/\nlints:\n  band-gap: eror\nmarkdown:\n  raw_htm: true\n",
    )
    .expect("write ladder.yaml");
    let r = ladder_in(dir.path(), &[], &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    for (place, message, help) in [
        (
            "ladder.yaml:1:1",
            "unknown key `titel`",
            "did you mean `title`?",
        ),
        (
            "ladder.yaml:2:1",
            "unknown key `base_ur`",
            "did you mean `base_url`?",
        ),
        (
            "ladder.yaml:4:13",
            "`eror` is not one of allow, warning, error",
            "did you mean `error`?",
        ),
        (
            "ladder.yaml:6:3",
            "unknown key `raw_htm`",
            "did you mean `raw_html`?",
        ),
    ] {
        assert!(
            r.stderr.split("\n\n").any(|b| b.contains(message)
                && b.contains(&format!("--> {place}\n"))
                && b.contains(help)),
            "no {message:?} at {place} with {help:?}:\n{}",
            r.stderr
        );
    }
    assert!(r.stderr.contains("4 errors emitted"), "{}", r.stderr);
}

#[test]
fn json_format_lists_every_diagnostic_with_its_place() {
    let r = check("lint-dangling-reference-fires", &["--format", "json"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("valid JSON");
    assert_eq!(v["errors"], 5);
    assert_eq!(v["warnings"], 0);
    let places: Vec<(String, String, u64, u64)> = v["diagnostics"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|d| {
            (
                d["lint"].as_str().unwrap_or_default().to_string(),
                d["file"].as_str().unwrap_or_default().to_string(),
                d["line"].as_u64().unwrap_or_default(),
                d["column"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    let dr = |f: &str, l: u64, c: u64| ("dangling-reference".to_string(), f.to_string(), l, c);
    assert_eq!(
        places,
        vec![
            // the cycle manager -> director -> manager, at manager's `inherits`
            dr("content/managing.md", 10, 15),
            dr("content/technical.md", 10, 15),
            dr("content/technical.md", 14, 15),
            dr("content/technical.md", 23, 37),
            dr("content/technical.md", 27, 30),
        ]
    );
    let typo = &v["diagnostics"][1];
    assert_eq!(typo["severity"], "error");
    assert_eq!(
        typo["message"],
        "`inherits: enginer` names no level of track `technical`"
    );
    assert_eq!(typo["help"], "did you mean `engineer`?");
}

#[test]
fn github_format_is_workflow_commands() {
    let r = check("lint-band-gap-fires", &["--format", "github"]);
    assert_eq!(r.code, 0);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    insta::assert_snapshot!(r.stdout);
}

#[test]
fn github_is_the_default_under_github_actions() {
    let explicit = check("lint-dangling-reference-fires", &["--format", "github"]);
    let default = ladder_in(
        &fixture("lint-dangling-reference-fires"),
        &[],
        &[("GITHUB_ACTIONS", "true")],
    );
    assert_eq!(default.code, 1);
    assert_eq!(default.stdout, explicit.stdout);
    assert_eq!(default.stdout.lines().count(), 5, "{}", default.stdout);
    assert!(default
        .stdout
        .lines()
        .all(|l| l.starts_with("::error file=content/")));
    // An explicit format still wins.
    let human = ladder_in(
        &fixture("lint-dangling-reference-fires"),
        &["--format", "human"],
        &[("GITHUB_ACTIONS", "true")],
    );
    assert!(human.stdout.is_empty());
    assert!(human.stderr.contains("error[dangling-reference]"));
}

#[test]
fn every_problem_in_one_run() {
    // Each file of the dangling-reference fixture has several problems; all come out.
    let r = check("lint-dangling-reference-fires", &[]);
    assert!(r.stderr.contains("content/managing.md:"));
    assert!(r.stderr.contains("content/technical.md:"));
    assert!(r.stderr.ends_with("5 errors emitted\n"), "{}", r.stderr);
}

#[test]
fn no_colour_without_a_terminal_even_if_allowed() {
    // assert_cmd pipes stderr, so even without NO_COLOR there is no escape code.
    let mut cmd = Command::cargo_bin("ladder").expect("binary");
    let out = cmd
        .env_remove("NO_COLOR")
        .env_remove("GITHUB_ACTIONS")
        .timeout(Duration::from_secs(60))
        .args(["check", "--root"])
        .arg(fixture("lint-band-order-fires"))
        .output()
        .expect("runs");
    assert!(!out.stderr.contains(&0x1b), "escape codes in piped output");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// `(file, line, column, message)` of every dangling-reference in `ladder check
/// --format json` on `fixture`.
fn dangling_links(fixture: &str) -> Vec<(String, u64, u64, String)> {
    let r = check(fixture, &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("valid JSON");
    v["diagnostics"]
        .as_array()
        .expect("a list")
        .iter()
        .filter(|d| d["lint"] == "dangling-reference")
        .map(|d| {
            (
                d["file"].as_str().unwrap_or_default().to_string(),
                d["line"].as_u64().unwrap_or_default(),
                d["column"].as_u64().unwrap_or_default(),
                d["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// lint-links-fires has a dangling-reference at `file:line:col` naming `dest`.
fn assert_dangling_at(file: &str, line: u64, col: u64, dest: &str) {
    let found = dangling_links("lint-links-fires");
    assert!(
        found
            .iter()
            .any(|(f, l, c, m)| (f.as_str(), *l, *c) == (file, line, col) && m.contains(dest)),
        "{found:#?}"
    );
}

#[test]
fn percent_encoded_links_are_not_dangling() {
    // `my%20track.md#one` and `%C3%A9quipe.md` are how GitHub and editors write links
    // to files with spaces or accents in their names.
    let found = dangling_links("lint-links-fires");
    assert!(
        found.iter().all(|(_, _, _, m)| !m.contains('%')),
        "{found:#?}"
    );
    let r = check("site-links", &["--deny", "warnings"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn a_link_to_a_missing_content_file_is_dangling() {
    assert_dangling_at("content/technical.md", 14, 28, "img/flow.png");
}

#[test]
fn links_on_the_home_page_are_checked() {
    assert_dangling_at("content/_index.md", 5, 12, "technical.md#staf-engineer");
}

#[test]
fn dangling_links_fires() {
    let r = check("lint-links-fires", &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(count(&r.stderr, "dangling-reference"), 2, "{}", r.stderr);
    assert_eq!(r.stderr.matches("]: ").count(), 2, "{}", r.stderr);
    insta::assert_snapshot!(r.stderr);
}
