//! Settings of ladder.yaml (and `--base-url`) that would hide part of the ladder or
//! break the site's links are refused where they are written: `check`, `build` and
//! `serve` all report them at the value, and `check`/`build` exit 1 (a usage error,
//! exit 2, for the command line).

mod serve_support;

use assert_cmd::Command;
use serve_support::{eventually, Project, Server, TECHNICAL};

struct Run {
    code: i32,
    stderr: String,
}

fn ladder(project: &Project, args: &[&str]) -> Run {
    let out = Command::cargo_bin("ladder")
        .expect("the ladder binary")
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .args(args)
        .arg("--root")
        .arg(project.root())
        .output()
        .expect("run ladder");
    Run {
        code: out.status.code().unwrap_or(-1),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A project whose ladder.yaml is `yaml`.
fn with_settings(yaml: &str) -> Project {
    let p = Project::new();
    p.write("ladder.yaml", yaml);
    p
}

/// Exit 1 with an error at `place` of ladder.yaml whose text holds each of `says`.
fn assert_refused(r: &Run, place: &str, says: &[&str]) {
    assert_eq!(r.code, 1, "expected exit 1:\n{}", r.stderr);
    let found = r.stderr.split("\n\n").any(|block| {
        block.contains("error[front-matter]: ")
            && block.contains(&format!("--> ladder.yaml:{place}"))
            && says.iter().all(|s| block.contains(s))
    });
    assert!(
        found,
        "no error at ladder.yaml:{place} saying {says:?}:\n{}",
        r.stderr
    );
}

#[test]
fn front_matter_cannot_be_lowered_so_a_broken_track_is_never_dropped() {
    // Lowered to a warning, a broken track used to vanish from a build that succeeded.
    for severity in ["allow", "warning"] {
        let p = with_settings(&format!("title: X\nlints:\n  front-matter: {severity}\n"));
        p.write("content/broken.md", "---\ntitle: [oops\n---\n# Broken\n");
        for cmd in ["check", "build"] {
            let r = ladder(&p, &[cmd]);
            assert_refused(
                &r,
                "3:17",
                &[
                    &format!("`front-matter` cannot be `{severity}`: it is always an error"),
                    "help: ",
                ],
            );
            assert!(
                r.stderr.contains("content/broken.md"),
                "{cmd}: the broken track is still reported:\n{}",
                r.stderr
            );
        }
    }
    let p = with_settings("title: X\nlints:\n  front-matter: error\n");
    assert_eq!(ladder(&p, &["check"]).code, 0);
}

#[test]
fn io_is_always_an_error() {
    for severity in ["allow", "warning"] {
        let p = with_settings(&format!("lints:\n  io: {severity}\n"));
        let r = ladder(&p, &["check"]);
        assert_refused(
            &r,
            "2:7",
            &[&format!("`io` cannot be `{severity}`"), "help: "],
        );
    }
    let p = with_settings("lints:\n  io: error\n");
    assert_eq!(ladder(&p, &["check"]).code, 0);
}

#[test]
fn an_output_that_is_or_holds_the_project_is_refused() {
    for (output, says) in [
        (".", "is the project folder itself"),
        ("./", "is the project folder itself"),
        ("site/..", "is the project folder itself"),
        ("..", "is a folder that holds the project"),
        ("../..", "is a folder that holds the project"),
        ("/", "root of the file system"),
        ("content", "inside the project's content/ folder"),
        ("content/site", "inside the project's content/ folder"),
        ("static/out", "inside the project's static/ folder"),
    ] {
        let p = with_settings(&format!("title: X\noutput: \"{output}\"\n"));
        for cmd in ["check", "build"] {
            let r = ladder(&p, &[cmd]);
            assert_refused(&r, "2:9", &[says, "help: "]);
        }
        assert!(!p.path("content/site").exists());
    }
    for fine in ["site", "public/", "../elsewhere", "out/site"] {
        let p = with_settings(&format!("output: \"{fine}\"\n"));
        assert_eq!(ladder(&p, &["check"]).code, 0, "{fine}");
    }
}

#[test]
fn serve_reports_a_refused_output_and_still_sees_edits() {
    let p = with_settings("title: X\nbase_url: /careers/ladder/\noutput: .\n");
    let server = Server::start(&p);
    let reported = eventually(|| {
        server
            .stderr_lines()
            .iter()
            .any(|l| l.contains("ladder.yaml:3:9"))
            .then_some(())
    });
    assert!(reported.is_some(), "{:?}", server.stderr_lines());
    assert_eq!(server.get("/careers/ladder/").status, 500, "the error page");
    p.write("ladder.yaml", "title: X\nbase_url: /careers/ladder/\n");
    let fixed = eventually(|| {
        let r = server.get("/careers/ladder/technical/");
        (r.status == 200 && r.body.contains("Writes code with help.")).then_some(())
    });
    assert!(fixed.is_some(), "{:?}", server.stdout_lines());
    p.atomic_save(
        "content/technical.md",
        &TECHNICAL.replace("Writes code with help.", "Writes code with care."),
    );
    let edited = eventually(|| {
        let r = server.get("/careers/ladder/technical/");
        r.body.contains("Writes code with care.").then_some(())
    });
    assert!(edited.is_some(), "{:?}", server.stdout_lines());
}

#[test]
fn a_base_url_that_is_not_a_path_is_refused_saying_how_to_write_it() {
    for (url, says) in [
        ("/x?y=1", "holds a query"),
        ("/x/#top", "holds a fragment"),
        ("../..", "has a `..` segment"),
        ("/a/./b/", "has a `.` segment"),
        ("/a/%2e%2e/", "has a `..` segment"),
        ("//cdn.example.com/x", "starts with `//`"),
        ("ftp://example.com/x/", "scheme `ftp`"),
        ("https:///x/", "has no host"),
        ("/a\\b/", "backslash"),
    ] {
        let p = with_settings(&format!("title: X\nbase_url: '{url}'\n"));
        let r = ladder(&p, &["check"]);
        assert_refused(
            &r,
            "2:11",
            &[says, "help: write the path the site is served under"],
        );
        let r = ladder(&Project::new(), &["build", "--base-url", url]);
        assert_eq!(r.code, 2, "--base-url {url}:\n{}", r.stderr);
        assert!(
            r.stderr.contains(says) && r.stderr.contains("e.g. `/careers/ladder/`"),
            "{}",
            r.stderr
        );
    }
    for fine in [
        "/",
        "eng",
        "/careers/ladder/",
        "https://example.com/eng/",
        "/carrières/",
    ] {
        let p = with_settings(&format!("base_url: \"{fine}\"\n"));
        assert_eq!(ladder(&p, &["check"]).code, 0, "{fine}");
    }
}

#[test]
fn a_version_that_is_not_semver_is_refused_at_its_value() {
    for (version, says) in [
        ("'2.3'", "three numbers"),
        ("v2.3.0", "without the `v`"),
        ("'2.03.0'", "leading zero"),
        ("two", "not a version"),
        ("'1.0.0-'", "not a version"),
    ] {
        let p = with_settings(&format!("title: X\nversion: {version}\n"));
        let r = ladder(&p, &["check"]);
        assert_refused(&r, "2:10", &[says, "help: write a semantic version"]);
    }
    for fine in ["2.3.0", "0.1.0", "10.20.30", "1.0.0-rc.1", "1.0.0+build.5"] {
        let p = with_settings(&format!("version: {fine}\n"));
        let r = ladder(&p, &["check"]);
        assert_eq!(r.code, 0, "{fine}:\n{}", r.stderr);
    }
}

#[test]
fn the_version_is_in_the_footer_and_in_ladder_json_only_when_set() {
    let p = with_settings("title: X\nversion: 2.3.0\n");
    let r = ladder(&p, &["build"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let home = p.read("site/index.html");
    let footer = home.split("<footer").nth(1).unwrap_or_default();
    assert!(footer.contains("Version 2.3.0"), "{footer}");
    let json: serde_json::Value =
        serde_json::from_str(&p.read("site/ladder.json")).expect("ladder.json parses");
    assert_eq!(json["version"], "2.3.0");

    let p = with_settings("title: X\n");
    assert_eq!(ladder(&p, &["build"]).code, 0);
    let home = p.read("site/index.html");
    let footer = home.split("<footer").nth(1).unwrap_or_default();
    assert!(!footer.contains("Version"), "{footer}");
    let json: serde_json::Value =
        serde_json::from_str(&p.read("site/ladder.json")).expect("ladder.json parses");
    assert_eq!(json["version"], serde_json::Value::Null);
}
