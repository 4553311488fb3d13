//! The bad inputs of SPEC section 7, each through the real binary: `ladder check` must
//! exit 1 with a diagnostic naming the file and the line, and must never panic or hang
//! (every run is killed after a timeout, which fails the test).
//!
//! Projects are built in temporary folders at run time, since several inputs (symlink
//! loops, unreadable files, multi-megabyte files) cannot live in the repository.

use assert_cmd::Command;
use std::path::Path;
use std::time::{Duration, Instant};
use tempfile::TempDir;

const TIMEOUT: Duration = Duration::from_secs(30);

struct Run {
    code: i32,
    stderr: String,
}

/// A project with `ladder.yaml` (when given) and the named files under content/.
fn project(config: Option<&[u8]>, files: &[(&str, &[u8])]) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("content")).expect("content/");
    if let Some(c) = config {
        std::fs::write(dir.path().join("ladder.yaml"), c).expect("ladder.yaml");
    }
    for (name, bytes) in files {
        let path = dir.path().join("content").join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("folder");
        }
        std::fs::write(path, bytes).expect("write file");
    }
    dir
}

fn check(root: &Path) -> Run {
    let out = Command::cargo_bin("ladder")
        .expect("the ladder binary is built")
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .timeout(TIMEOUT)
        .arg("check")
        .arg("--root")
        .arg(root)
        .output()
        .expect("ladder check finished within the timeout");
    let r = Run {
        code: out.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !r.stderr.contains("panicked"),
        "ladder panicked:\n{}",
        r.stderr
    );
    r
}

/// Exit 1, and a diagnostic of `lint` at `place` (`content/x.md:3:7` or a prefix such
/// as `content/x.md:3:`) whose text contains `message`.
fn assert_reports(r: &Run, lint: &str, place: &str, message: &str) {
    assert_eq!(r.code, 1, "expected exit 1:\n{}", r.stderr);
    let found = r.stderr.split("\n\n").any(|block| {
        block.contains(&format!("error[{lint}]: "))
            && block.contains(&format!("--> {place}"))
            && block.contains(message)
    });
    assert!(
        found,
        "no `{lint}` diagnostic at {place} saying {message:?}:\n{}",
        r.stderr
    );
}

/// A valid track file with front matter `fm` (between the fences) and `body`.
fn track(fm: &str, body: &str) -> Vec<u8> {
    format!("---\n{fm}---\n{body}").into_bytes()
}

const LEVEL: &str = "levels:\n  - title: Engineer\n    code: T1\n    band: 1\n";
const BODY: &str = "\n## Engineer\n\nWrites code.\n";

#[test]
fn no_front_matter() {
    // A file without front matter is a page (SPEC 8.4), not a broken track; alone, the
    // ladder then has no track at all, which is an error naming content/.
    let p = project(
        None,
        &[("a.md", b"# A track\n\n## Engineer\n\nWrites code.\n")],
    );
    let r = check(p.path());
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("no track"), "{}", r.stderr);
    assert!(!r.stderr.contains("front matter"), "{}", r.stderr);
}

#[test]
fn unterminated_front_matter() {
    let p = project(
        None,
        &[("a.md", b"---\ntitle: A\nlevels: []\n\n## Engineer\n")],
    );
    assert_reports(
        &check(p.path()),
        "front-matter",
        "content/a.md:1:1",
        "front matter is not closed",
    );
}

#[test]
fn invalid_yaml() {
    let cases: [(&str, &str, &str); 3] = [
        (
            "title: A\nlevels:\n  - {title: E, code: T1, band: 1\n",
            "content/a.md:4:5",
            "unclosed bracket",
        ),
        (
            "title: A\n  levels: x\n",
            "content/a.md:3:9",
            "mapping values are not allowed",
        ),
        (
            "title: \"unclosed\nlevels: []\n",
            "content/a.md:3:1",
            "quoted scalar",
        ),
    ];
    for (fm, place, message) in cases {
        let p = project(None, &[("a.md", &track(fm, BODY))]);
        assert_reports(&check(p.path()), "front-matter", place, message);
    }
    let p = project(
        Some(b"title: [x\n"),
        &[("a.md", &track(&format!("title: A\n{LEVEL}"), BODY))],
    );
    assert_reports(&check(p.path()), "front-matter", "ladder.yaml:1:8", "");
}

#[test]
fn wrong_types() {
    let fm = "title: A\nlevels:\n  - title: Engineer\n    code: T1\n    band: seven\n";
    let p = project(None, &[("a.md", &track(fm, BODY))]);
    let r = check(p.path());
    assert_reports(
        &r,
        "front-matter",
        "content/a.md:6:11",
        "expected an integer",
    );
    assert!(
        r.stderr.contains("^^^^^"),
        "caret under `seven`:\n{}",
        r.stderr
    );

    let p = project(
        None,
        &[("a.md", &track("title: [not, a, string]\nlevels: 3\n", BODY))],
    );
    assert_reports(&check(p.path()), "front-matter", "content/a.md:2:", "");
}

/// serde stops at the first wrong value; the author must hear of all of them at once,
/// each where it is, and once.
#[test]
fn every_wrong_type_of_a_track_in_one_run() {
    let fm = "title: A\norder: first\ndimensions: Impact\nlevels:\n  - title: One\n    code: A1\n    band: five\n  - title: Two\n    code: [A2]\n    band: 2\n  - {title: Three, code: A3, band: six, inherits: {x: 1}}\n";
    let p = project(None, &[("a.md", &track(fm, BODY))]);
    let r = check(p.path());
    for (place, message) in [
        (
            "content/a.md:3:8",
            "expected an integer, not the string \"first\"",
        ),
        ("content/a.md:4:13", "expected a list"),
        (
            "content/a.md:8:11",
            "expected an integer, not the string \"five\"",
        ),
        ("content/a.md:10:11", "expected a string"),
        (
            "content/a.md:12:36",
            "expected an integer, not the string \"six\"",
        ),
        ("content/a.md:12:51", "expected a string"),
    ] {
        assert_reports(&r, "front-matter", place, message);
    }
    assert!(r.stderr.contains("6 errors emitted"), "{}", r.stderr);

    // A systematic mistake is listed up to a point, and says so.
    let mut fm = String::from("title: A\nlevels:\n");
    for i in 0..150 {
        fm.push_str(&format!(
            "  - title: L{i}\n    code: C{i}\n    band: x{i}\n"
        ));
    }
    let p = project(None, &[("a.md", &track(&fm, BODY))]);
    let r = check(p.path());
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("100 errors emitted"), "{}", r.stderr);
    assert!(
        r.stderr.contains("only the first 100 wrongly typed values"),
        "{}",
        r.stderr
    );
}

#[test]
fn band_written_as_a_quoted_string() {
    // serde would read `"5"` into an integer; the format says `band` is one.
    let fm = "title: A\nlevels:\n  - title: Engineer\n    code: T1\n    band: \"5\"\n";
    let p = project(None, &[("a.md", &track(fm, BODY))]);
    let r = check(p.path());
    assert_reports(
        &r,
        "front-matter",
        "content/a.md:6:11",
        "expected an integer, not the quoted string \"5\"",
    );
    assert!(r.stderr.contains("remove the quotes"), "{}", r.stderr);

    let fm = format!("title: A\norder: \"1\"\n{LEVEL}");
    let p = project(None, &[("a.md", &track(&fm, BODY))]);
    let r = check(p.path());
    assert_reports(
        &r,
        "front-matter",
        "content/a.md:3:8",
        "not the quoted string \"1\"",
    );

    let fm =
        "title: A\nlevels:\n  - title: Engineer\n    code: T1\n    band: 99999999999999999999999\n";
    let p = project(None, &[("a.md", &track(fm, BODY))]);
    let r = check(p.path());
    assert_reports(&r, "front-matter", "content/a.md:6:11", "too large");

    // A whole number written with a decimal point is not "too large": say how to write it.
    let fm = "title: A\nlevels:\n  - title: Engineer\n    code: T1\n    band: 5.0\n";
    let p = project(None, &[("a.md", &track(fm, BODY))]);
    let r = check(p.path());
    assert_reports(
        &r,
        "front-matter",
        "content/a.md:6:11",
        "not the decimal number 5.0; write `5`",
    );
    assert!(!r.stderr.contains("too large"), "{}", r.stderr);
}

#[test]
fn a_broken_track_does_not_make_links_to_it_dangle() {
    // The managing track's front matter is broken; the technical track links to it and
    // inherits from it. Only the broken file is an error: the references cannot be
    // checked, and calling them dangling would bury the real error.
    let managing = track(
        "title: M\nlevels:\n  - title: Lead\n    code: M1\n    band: [1\n",
        "\n## Lead\n\nLeads.\n",
    );
    let technical = track(
        "title: T\nlevels:\n  - title: Engineer\n    code: T1\n    band: 1\n    inherits: managing/lead\n",
        "\n## Engineer\n\nSee [the lead](managing.md#lead) and [x](nowhere.md).\n",
    );
    let p = project(
        None,
        &[("managing.md", &managing), ("technical.md", &technical)],
    );
    let r = check(p.path());
    assert_reports(&r, "front-matter", "content/managing.md:", "");
    assert!(
        !r.stderr
            .split("\n\n")
            .filter_map(|b| b.lines().next())
            .any(|head| head.starts_with("error[dangling-reference]") && head.contains("managing")),
        "references into the broken file reported as dangling:\n{}",
        r.stderr
    );
    // A link to a file that does not exist at all is still dangling.
    assert_reports(
        &r,
        "dangling-reference",
        "content/technical.md:",
        "no track file `nowhere.md`",
    );
}

#[test]
fn unknown_keys_with_did_you_mean() {
    let fm = format!("title: A\nsumary: x\n{LEVEL}    bnad: 2\n");
    let p = project(None, &[("a.md", &track(&fm, BODY))]);
    let r = check(p.path());
    assert_reports(
        &r,
        "front-matter",
        "content/a.md:3:1",
        "unknown key `sumary`",
    );
    assert_reports(&r, "front-matter", "content/a.md:8:5", "unknown key `bnad`");
    assert!(r.stderr.contains("did you mean `summary`?"), "{}", r.stderr);
    assert!(r.stderr.contains("did you mean `band`?"), "{}", r.stderr);

    let p = project(
        Some(b"title: X\ntheem: dark\n"),
        &[("a.md", &track(&format!("title: A\n{LEVEL}"), BODY))],
    );
    let r = check(p.path());
    assert_reports(&r, "front-matter", "ladder.yaml:2:1", "unknown key `theem`");
    assert!(r.stderr.contains("did you mean `theme`?"), "{}", r.stderr);
}

#[test]
fn duplicate_keys() {
    let fm = format!("title: A\n{LEVEL}title: B\n");
    let p = project(None, &[("a.md", &track(&fm, BODY))]);
    assert_reports(
        &check(p.path()),
        "front-matter",
        "content/a.md:7:",
        "duplicate key",
    );
}

#[test]
fn empty_file() {
    let p = project(None, &[("a.md", b"")]);
    assert_reports(
        &check(p.path()),
        "front-matter",
        "content/a.md:1:1",
        "empty",
    );
    let p = project(None, &[("a.md", b"---\n---\n")]);
    assert_reports(
        &check(p.path()),
        "front-matter",
        "content/a.md:1:1",
        "empty",
    );
}

#[test]
fn non_utf8_bytes() {
    let mut bytes = track(&format!("title: A\n{LEVEL}"), BODY);
    bytes.extend_from_slice(b"\nSome text \xff\xfe here.\n");
    let p = project(None, &[("a.md", &bytes)]);
    let r = check(p.path());
    assert_reports(&r, "io", "content/a.md:13:11", "not valid UTF-8");
    // The caret sits on the bad byte's line, not on line 1.
    assert!(r.stderr.contains("13 | Some text"), "{}", r.stderr);

    let p = project(
        Some(b"title: \xc3\x28\n"),
        &[("a.md", &track(&format!("title: A\n{LEVEL}"), BODY))],
    );
    assert_reports(&check(p.path()), "io", "ladder.yaml:1:8", "not valid UTF-8");
}

#[test]
fn a_file_of_several_megabytes() {
    // 4 MB of prose, then a link to a missing level on the last line.
    let mut body = String::from(BODY);
    let para = "Long prose about the level, repeated to make a big file. ".repeat(16) + "\n\n";
    // BODY ends on line 11; each paragraph takes two lines.
    let mut lines = 12;
    while body.len() < 4 << 20 {
        body.push_str(&para);
        lines += 2;
    }
    body.push_str("See [the lead](#lead).\n");
    let p = project(
        None,
        &[("a.md", &track(&format!("title: A\n{LEVEL}"), &body))],
    );
    let start = Instant::now();
    let r = check(p.path());
    assert_reports(
        &r,
        "dangling-reference",
        &format!("content/a.md:{lines}:5"),
        "no level or section `lead`",
    );
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "took {:?}",
        start.elapsed()
    );

    // Several megabytes of front matter: 60,000 levels exceed the parser's budget.
    let mut fm = String::from("title: A\nlevels:\n");
    for i in 0..60_000 {
        fm.push_str(&format!("  - {{title: L{i}, code: C{i}, band: {i}}}\n"));
    }
    assert!(fm.len() > 2 << 20);
    let p = project(None, &[("a.md", &track(&fm, BODY))]);
    assert_reports(
        &check(p.path()),
        "front-matter",
        "content/a.md:",
        "the YAML is too large",
    );
}

#[test]
fn a_level_with_a_hundred_thousand_labels() {
    // Several megabytes of labels under one level, one per line: each label is looked
    // up once (this took 35 s in a release build when every label scanned the ones
    // before it). The last line is a link to a missing level, reported at its place.
    let mut body = String::from("\n## Engineer\n\n");
    for i in 0..100_000 {
        body.push_str(&format!("**Label {i}:** text\n"));
    }
    body.push_str("\nSee [the lead](#lead).\n");
    let p = project(
        None,
        &[("a.md", &track(&format!("title: A\n{LEVEL}"), &body))],
    );
    let start = Instant::now();
    let r = check(p.path());
    assert_reports(
        &r,
        "dangling-reference",
        "content/a.md:100012:5",
        "no level or section `lead`",
    );
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "took {:?}",
        start.elapsed()
    );
}

#[test]
fn deeply_nested_yaml() {
    let deep = format!(
        "title: A\nsummary: {}{}\n{LEVEL}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let p = project(None, &[("a.md", &track(&deep, BODY))]);
    assert_reports(&check(p.path()), "front-matter", "content/a.md:3:", "");

    let mut nested = String::from("title: A\nsummary:\n");
    for depth in 0..500 {
        nested.push_str(&"  ".repeat(depth + 1));
        nested.push_str("k:\n");
    }
    let p = project(None, &[("a.md", &track(&nested, BODY))]);
    assert_reports(&check(p.path()), "front-matter", "content/a.md:", "");
}

#[test]
fn yaml_alias_bomb() {
    // "Billion laughs": each anchor holds ten of the one before, 10^10 strings in all.
    let laughs = |indent: &str, key: &dyn Fn(usize) -> String| {
        let mut out = format!("{indent}{}&a0 [{}]\n", key(0), ["lol"; 10].join(", "));
        for i in 1..10 {
            let p = format!("*a{}", i - 1);
            out.push_str(&format!(
                "{indent}{}&a{i} [{}]\n",
                key(i),
                [p.as_str(); 10].join(", ")
            ));
        }
        out
    };
    // At the top level, under keys of its own (unknown keys are skipped, not expanded).
    let top = laughs("", &|i| format!("a{i}: ")) + "title: A\n" + LEVEL;
    // Inside a known key.
    let inside = format!(
        "title: A\ndimensions:\n{}{LEVEL}",
        laughs("  ", &|_| "- ".into())
    );
    for (fm, message) in [
        (top, "the YAML is too large"),
        (inside, "expected a string"),
    ] {
        let p = project(None, &[("a.md", &track(&fm, BODY))]);
        let start = Instant::now();
        let r = check(p.path());
        assert_reports(&r, "front-matter", "content/a.md:", message);
        let line = place_line(&r.stderr, "content/a.md");
        assert!((2..=16).contains(&line), "line {line}:\n{}", r.stderr);
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "took {:?}",
            start.elapsed()
        );
    }
}

#[test]
fn symlink_loop_in_content() {
    let p = project(
        None,
        &[("a.md", &track(&format!("title: A\n{LEVEL}"), BODY))],
    );
    let content = p.path().join("content");
    // A link to content/ itself, one to the project above it, and two links that
    // point at each other.
    std::os::unix::fs::symlink(".", content.join("self")).expect("symlink");
    std::os::unix::fs::symlink("..", content.join("up")).expect("symlink");
    std::os::unix::fs::symlink("b", content.join("a-b")).expect("symlink");
    std::os::unix::fs::symlink("a-b", content.join("b")).expect("symlink");
    let r = check(p.path());
    assert_reports(&r, "io", "content/self:1:1", "symbolic link loop");
    assert_reports(&r, "io", "content/up:1:1", "symbolic link loop");
    assert_reports(&r, "io", "content/a-b:1:1", "symbolic links");
    assert_reports(&r, "io", "content/b:1:1", "symbolic links");
    // Each link is reported once and nothing is read twice through it.
    assert!(r.stderr.ends_with("4 errors emitted\n"), "{}", r.stderr);
}

#[test]
fn unreadable_file() {
    let p = project(
        None,
        &[("a.md", &track(&format!("title: A\n{LEVEL}"), BODY))],
    );
    let secret = p.path().join("content/secret.md");
    std::fs::write(&secret, track(&format!("title: S\n{LEVEL}"), BODY)).expect("write");
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000))
            .expect("chmod 000");
    }
    if std::fs::read(&secret).is_ok() {
        // Running as root: permissions do not stop reads. Make the file unreadable
        // another way, a symbolic link whose target does not exist.
        std::fs::remove_file(&secret).expect("remove");
        std::os::unix::fs::symlink("gone.md", &secret).expect("symlink");
    }
    assert_reports(
        &check(p.path()),
        "io",
        "content/secret.md:1:1",
        "cannot read",
    );
}

#[test]
fn unreadable_ladder_yaml() {
    // A folder named ladder.yaml, and a link to nowhere: both are settings the author
    // meant to be read, so they are diagnostics with a place, not a silent default.
    let valid = track(&format!("title: A\n{LEVEL}"), BODY);
    let p = project(None, &[("a.md", &valid)]);
    std::fs::create_dir(p.path().join("ladder.yaml")).expect("mkdir");
    assert_reports(
        &check(p.path()),
        "io",
        "ladder.yaml:1:1",
        "cannot read ladder.yaml",
    );

    let p = project(None, &[("a.md", &valid)]);
    std::os::unix::fs::symlink("gone.yaml", p.path().join("ladder.yaml")).expect("symlink");
    assert_reports(
        &check(p.path()),
        "io",
        "ladder.yaml:1:1",
        "cannot read ladder.yaml",
    );
}

#[test]
fn a_project_without_content() {
    // ladder.yaml makes it a ladder project: its missing tracks are a diagnostic with
    // a place. A folder with neither is no project at all (exit 2).
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("ladder.yaml"), "title: X\n").expect("write");
    assert_reports(
        &check(dir.path()),
        "io",
        "ladder.yaml:1:1",
        "there is no content/ folder",
    );
    std::fs::write(dir.path().join("content"), "not a folder").expect("write");
    assert_reports(
        &check(dir.path()),
        "io",
        "ladder.yaml:1:1",
        "content is not a folder",
    );
    let empty = tempfile::tempdir().expect("temp dir");
    let r = check(empty.path());
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("not a ladder project"), "{}", r.stderr);
}

#[test]
fn a_content_folder_without_track_files() {
    // It would pass check and publish a site of empty tables. A page saved as
    // .markdown is not a track file, so this is the same project.
    let p = project(
        Some(b"title: X\n"),
        &[("technical.markdown", BODY.as_bytes())],
    );
    assert_reports(
        &check(p.path()),
        "io",
        "ladder.yaml:1:1",
        "content/ holds no track files",
    );
    std::fs::remove_file(p.path().join("ladder.yaml")).expect("remove");
    assert_reports(
        &check(p.path()),
        "io",
        "content/:1:1",
        "content/ holds no track files",
    );
    // A home page is not a track.
    std::fs::write(p.path().join("content/_index.md"), "# Our ladder\n").expect("write");
    assert_reports(
        &check(p.path()),
        "io",
        "content/:1:1",
        "content/ holds no track files",
    );
    // One track file is enough.
    std::fs::write(
        p.path().join("content/a.md"),
        track(
            "title: A\nlevels:\n  - title: One\n    code: A1\n    band: 1\n",
            "## One\n\nText.\n",
        ),
    )
    .expect("write");
    let r = check(p.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("holds no track files"), "{}", r.stderr);
}

#[test]
fn an_empty_level_list() {
    let p = project(None, &[("a.md", &track("title: A\nlevels: []\n", BODY))]);
    assert_reports(
        &check(p.path()),
        "front-matter",
        "content/a.md:3:1",
        "`levels` is empty",
    );
}

#[test]
fn bad_ids_and_codes() {
    let fm = "title: A\nid: ../etc\nlevels:\n  - {title: One, id: a/b, code: M/4, band: 1}\n  - {title: Two, id: senior engineer, code: '..', band: 2}\n  - {title: Three, id: ünï, code: É4, band: 3}\n  - {title: Four, code: M 4, band: 4}\n";
    let body = "\n## One\nx\n## Two\nx\n## Three\nx\n## Four\nx\n";
    let p = project(None, &[("a.md", &track(fm, body))]);
    let r = check(p.path());
    assert_reports(
        &r,
        "front-matter",
        "content/a.md:3:5",
        "track id `../etc` is not a valid id",
    );
    assert_reports(&r, "front-matter", "content/a.md:5:22", "level id `a/b`");
    assert_reports(&r, "front-matter", "content/a.md:5:33", "level code `M/4`");
    assert_reports(
        &r,
        "front-matter",
        "content/a.md:6:22",
        "level id `senior engineer`",
    );
    assert_reports(&r, "front-matter", "content/a.md:6:45", "level code `..`");
    assert_reports(&r, "front-matter", "content/a.md:7:24", "level id `ünï`");
    assert_reports(&r, "front-matter", "content/a.md:7:35", "level code `É4`");
    assert_reports(&r, "front-matter", "content/a.md:8:25", "level code `M 4`");
}

#[test]
fn script_in_titles_and_labels() {
    let fm = "title: <script>alert('t')</script>\ndimensions: [Scope, <i>Craft</i>]\nlevels:\n  - title: <script>alert(1)</script> Lead\n    code: M1\n    band: 1\n";
    let body =
        "\n## <script>alert(1)</script> Lead\n\n**Scope:** text\n\n### <i>Craft</i>\n\nmore\n";
    let p = project(None, &[("a.md", &track(fm, body))]);
    let r = check(p.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.starts_with("ok: 1 tracks, 1 levels"),
        "{}",
        r.stderr
    );

    // With problems, titles and labels are quoted as written, in plain text.
    let body = body.replace("**Scope:**", "**<script>alert(2)</script>:**");
    let fm = fm.replace("code: M1", "code: <b>");
    let p = project(None, &[("a.md", &track(&fm, &body))]);
    let r = check(p.path());
    assert_reports(
        &r,
        "front-matter",
        "content/a.md:6:11",
        "level code `<b>` is not a valid code",
    );
    assert!(
        r.stderr.contains("warning[unknown-dimension]: label `<script>alert(2)</script>` is not one of the dimensions"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--> content/a.md:12:1"), "{}", r.stderr);
}

/// The line of the first `--> {file}:L:C` in `stderr`.
fn place_line(stderr: &str, file: &str) -> u32 {
    let marker = format!("--> {file}:");
    let at = stderr.find(&marker).map(|i| i + marker.len());
    at.and_then(|i| stderr[i..].split(':').next())
        .and_then(|l| l.parse().ok())
        .unwrap_or(0)
}
