//! Reference lints: `missing-section` (a level named in front matter has no H2 in the
//! body) and `dangling-reference` (`inherits` naming no level, an `inherits` cycle, a
//! link to a missing track file, anchor or content asset, in a track or on the home
//! page).
//!
//! The front end has already resolved every reference it could (`inherits_ref`,
//! `Link::target`); this module explains the ones it could not, with a "did you mean"
//! where a near miss exists. An `{#id}` heading naming no level is reported by the front
//! end, which is where headings are matched.

use std::collections::HashMap;

use super::Unloaded;
use crate::diagnostic::{did_you_mean, edit_distance, Diagnostic, Lint};
use crate::links::{Dangling, Origin, Resolved, Resolver};
use crate::model::{fold_label, Ladder, LevelRef, Link, ProseSection, Track};

/// References into a track file in `unloaded` are left alone: that file's own error
/// has been reported, and whether the reference is right cannot be known.
pub fn lint(ladder: &Ladder, unloaded: &Unloaded, out: &mut Vec<Diagnostic>) {
    let mut hints = Hints { left: 1_000_000 };
    missing_sections(ladder, &mut hints, out);
    dangling_inherits(ladder, unloaded, &mut hints, out);
    inherits_cycles(ladder, out);
    dangling_links(ladder, unloaded, &mut hints, out);
}

/// Names longer than this get no "did you mean".
const MAX_GUESS_LEN: usize = 200;

/// "Did you mean" costs one comparison per candidate. A ladder-wide allowance keeps a
/// pathological project (thousands of broken references into a huge track) linear:
/// once it is spent, diagnostics come without the guess.
struct Hints {
    left: usize,
}

impl Hints {
    fn afford(&mut self, candidates: usize) -> bool {
        let ok = candidates <= self.left;
        if ok {
            self.left -= candidates;
        }
        ok
    }

    fn did_you_mean<'a>(
        &mut self,
        word: &str,
        count: usize,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Option<&'a str> {
        // Edit distance is quadratic in length; nobody mistypes a paragraph.
        if word.len() <= MAX_GUESS_LEN && self.afford(count) {
            did_you_mean(word, candidates)
        } else {
            None
        }
    }
}

fn missing_sections(ladder: &Ladder, hints: &mut Hints, out: &mut Vec<Diagnostic>) {
    for track in &ladder.tracks {
        let mut owners: Option<HashMap<String, usize>> = None;
        let hashes = "#".repeat(usize::from(track.level_rank));
        for level in track.levels.iter().filter(|l| l.section.is_none()) {
            let mut d = Diagnostic::new(
                Lint::MissingSection,
                level.title.span.clone(),
                format!("level `{}` has no section", level.title.value),
            )
            .with_label(format!(
                "declared here, but no `{hashes}` heading has this title"
            ));
            // A heading with this title exists but went to another level: either two
            // levels share the title (the first one takes it), or the heading carries
            // another level's `{#id}`. Looked up in a map, so that a track of missing
            // sections stays linear.
            let owners = owners.get_or_insert_with(|| {
                let mut m: HashMap<String, usize> = HashMap::new();
                for (i, l) in track.levels.iter().enumerate() {
                    if let Some(s) = &l.section {
                        m.entry(fold_label(&s.heading)).or_insert(i);
                    }
                }
                m
            });
            let folded = fold_label(&level.title.value);
            let owner = owners.get(&folded).map(|&i| &track.levels[i]);
            if let Some((owner, section)) = owner.and_then(|o| Some((o, o.section.as_ref()?))) {
                let same_title = fold_label(&owner.title.value) == folded;
                d = if same_title {
                    d.with_label("a second level with this title")
                        .with_related(
                            section.span.clone(),
                            format!("this heading went to `{}`", owner.id.value),
                        )
                        .with_help(if owner.id.value == level.id.value {
                            // `{#id}` cannot tell them apart either: the ids clash too.
                            format!(
                                "two levels are titled `{}` and share the id `{}`; give this level its own `id:` in the front matter and put it on its heading as `{{#...}}`",
                                level.title.value, level.id.value
                            )
                        } else {
                            format!(
                                "two levels are titled `{}`, so a heading cannot tell them apart by title; add a heading for this level with `{{#{}}}` after its title",
                                level.title.value, level.id.value
                            )
                        })
                } else {
                    d.with_label("declared here")
                        .with_related(
                            section.span.clone(),
                            format!(
                                "this heading has this title, but its `{{#{}}}` makes it the section of `{}`",
                                owner.id.value, owner.id.value
                            ),
                        )
                        .with_help(format!(
                            "correct the `{{#...}}` on that heading to `{{#{}}}`, or remove it",
                            level.id.value
                        ))
                };
                out.push(d);
                continue;
            }
            // A prose H2 close to the title is most likely the level's own heading
            // with a typo; name it rather than ask for a new one.
            let near = if hints.afford(track.prose.len()) {
                close_heading(&level.title.value, track)
            } else {
                None
            };
            d = match near {
                Some(p) => d
                    .with_related(p.span.clone(), "this heading is close")
                    .with_help(format!(
                    "make the heading `{hashes} {}` match the level's title, or give it `{{#{}}}`",
                    p.title, level.id.value
                )),
                None => d.with_help(format!(
                    "add the heading `{hashes} {}` to the body of {}",
                    level.title.value, level.title.span.file
                )),
            };
            out.push(d);
        }
    }
}

/// The prose heading that looks like `title` with a typo: a few edits apart at most
/// (stricter than the usual "did you mean", since a wrong guess here points the author
/// at an unrelated section).
fn close_heading<'a>(title: &str, track: &'a Track) -> Option<&'a ProseSection> {
    if title.len() > MAX_GUESS_LEN {
        return None;
    }
    let want = fold_label(title);
    let limit = (want.chars().count() / 5).max(2);
    track
        .prose
        .iter()
        .filter(|p| p.title.len() <= 2 * MAX_GUESS_LEN)
        .map(|p| {
            (
                edit_distance(&want, &fold_label(heading_without_note(&p.title))),
                p,
            )
        })
        .filter(|(d, _)| *d > 0 && *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, p)| p)
}

/// "Lead (Manager 4)" → "Lead": level headings may carry a trailing note.
fn heading_without_note(title: &str) -> &str {
    match title.rfind(" (") {
        Some(i) if title.ends_with(')') => title[..i].trim_end(),
        _ => title,
    }
}

fn dangling_inherits(
    ladder: &Ladder,
    unloaded: &Unloaded,
    hints: &mut Hints,
    out: &mut Vec<Diagnostic>,
) {
    // Level id → the first track holding it, for "it is on another track" hints.
    let mut anywhere: HashMap<&str, usize> = HashMap::new();
    for (r, level) in ladder.levels() {
        anywhere.entry(level.id.value.as_str()).or_insert(r.track);
    }
    for (ti, track) in ladder.tracks.iter().enumerate() {
        for level in &track.levels {
            let Some(inherits) = &level.inherits else {
                continue;
            };
            if level.inherits_ref.is_some() {
                continue;
            }
            let target = inherits.value.trim();
            if let Some((tid, _)) = target.split_once('/') {
                if ladder.track_index(tid).is_none() && unloaded.ids.contains(tid) {
                    continue;
                }
            }
            let (message, label, help) = match target.split_once('/') {
                Some((tid, lid)) => match ladder.track_index(tid) {
                    Some(tt) => {
                        let other = &ladder.tracks[tt];
                        let ids = other.levels.iter().map(|l| l.id.value.as_str());
                        (
                            format!("`inherits: {target}` names no level of track `{tid}`"),
                            "no such level",
                            match hints.did_you_mean(lid, other.levels.len(), ids) {
                                Some(s) => format!("did you mean `{tid}/{s}`?"),
                                None => level_list_help(other),
                            },
                        )
                    }
                    None => {
                        let ids = ladder.tracks.iter().map(|t| t.id.value.as_str());
                        (
                            format!("`inherits: {target}` names no track `{tid}`"),
                            "no such track",
                            match hints.did_you_mean(tid, ladder.tracks.len(), ids) {
                                Some(s) => format!("did you mean `{s}/{lid}`?"),
                                None => format!(
                                    "track ids: {}",
                                    ladder
                                        .tracks
                                        .iter()
                                        .map(|t| t.id.value.as_str())
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ),
                            },
                        )
                    }
                },
                None => {
                    let ids = track.levels.iter().map(|l| l.id.value.as_str());
                    let help = match hints.did_you_mean(target, track.levels.len(), ids) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => match anywhere.get(target) {
                            Some(&tt) if tt != ti => format!(
                                "`{target}` is a level of track `{0}`; write `inherits: {0}/{target}`",
                                ladder.tracks[tt].id.value
                            ),
                            _ => level_list_help(track),
                        },
                    };
                    (
                        format!(
                            "`inherits: {target}` names no level of track `{}`",
                            track.id.value
                        ),
                        "no such level",
                        help,
                    )
                }
            };
            out.push(
                Diagnostic::new(Lint::DanglingReference, inherits.span.clone(), message)
                    .with_label(label)
                    .with_help(help),
            );
        }
    }
}

/// "level ids in this track: a, b, c" (the first few, for a long track).
fn level_list_help(track: &Track) -> String {
    const SHOWN: usize = 12;
    if track.levels.is_empty() {
        return format!("track `{}` has no levels yet", track.id.value);
    }
    let ids: Vec<&str> = track
        .levels
        .iter()
        .take(SHOWN)
        .map(|l| l.id.value.as_str())
        .collect();
    let more = if track.levels.len() > SHOWN {
        ", ..."
    } else {
        ""
    };
    format!(
        "level ids in track `{}`: {}{more}",
        track.id.value,
        ids.join(", ")
    )
}

/// Every `inherits` chain that loops. Each level has at most one `inherits`, so the
/// chains form a functional graph: one pass with three colours finds every cycle once.
fn inherits_cycles(ladder: &Ladder, out: &mut Vec<Diagnostic>) {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        OnPath,
        Done,
    }
    let mut state: Vec<Vec<State>> = ladder
        .tracks
        .iter()
        .map(|t| vec![State::New; t.levels.len()])
        .collect();
    let mut path: Vec<LevelRef> = Vec::new();
    for (start, _) in ladder.levels() {
        if state[start.track][start.level] != State::New {
            continue;
        }
        path.clear();
        let mut cur = Some(start);
        while let Some(r) = cur {
            match state[r.track][r.level] {
                State::Done => break,
                State::OnPath => {
                    let at = path.iter().position(|p| *p == r).unwrap_or(0);
                    out.push(cycle_diagnostic(ladder, &path[at..]));
                    break;
                }
                State::New => {
                    state[r.track][r.level] = State::OnPath;
                    path.push(r);
                    cur = ladder.level(r).inherits_ref;
                }
            }
        }
        for r in &path {
            state[r.track][r.level] = State::Done;
        }
    }
}

fn cycle_diagnostic(ladder: &Ladder, cycle: &[LevelRef]) -> Diagnostic {
    // Report at the member that comes first in the source, naming the loop from there.
    let key = |r: &LevelRef| (&ladder.tracks[r.track].path, r.level);
    let first = (0..cycle.len())
        .min_by(|&a, &b| key(&cycle[a]).cmp(&key(&cycle[b])))
        .unwrap_or(0);
    let ordered: Vec<LevelRef> = cycle[first..]
        .iter()
        .chain(&cycle[..first])
        .copied()
        .collect();
    let cross_track = ordered.iter().any(|r| r.track != ordered[0].track);
    let name = |r: &LevelRef| {
        let id = &ladder.level(*r).id.value;
        if cross_track {
            format!("`{}/{id}`", ladder.tracks[r.track].id.value)
        } else {
            format!("`{id}`")
        }
    };
    let head = ladder.level(ordered[0]);
    let span = |r: &LevelRef| {
        let l = ladder.level(*r);
        l.inherits
            .as_ref()
            .map_or_else(|| l.span.clone(), |i| i.span.clone())
    };
    if ordered.len() == 1 {
        return Diagnostic::new(
            Lint::DanglingReference,
            span(&ordered[0]),
            format!("level `{}` inherits itself", head.id.value),
        )
        .with_label("inherits its own level")
        .with_help("remove this `inherits`, or name the level below it");
    }
    let mut chain: Vec<String> = ordered.iter().map(&name).collect();
    chain.push(name(&ordered[0]));
    let mut d = Diagnostic::new(
        Lint::DanglingReference,
        span(&ordered[0]),
        format!("`inherits` forms a cycle: {}", chain.join(" -> ")),
    )
    .with_label("the cycle starts here");
    for r in &ordered[1..] {
        d = d.with_related(span(r), format!("{} inherits from here", name(r)));
    }
    d.with_help("a level can only inherit from a level that does not inherit it back; remove one `inherits`")
}

fn dangling_links(
    ladder: &Ladder,
    unloaded: &Unloaded,
    hints: &mut Hints,
    out: &mut Vec<Diagnostic>,
) {
    // The resolver the front end stored the targets with, asked again for the reason
    // of the ones that name nothing.
    let resolver = Resolver::new(&ladder.tracks, &ladder.assets);
    let home = ladder.home.links.iter().map(|l| (Origin::home(), l));
    let tracks = ladder.tracks.iter().enumerate().flat_map(|(ti, t)| {
        t.links
            .iter()
            .map(move |l| (Origin::track(&ladder.tracks, ti), l))
    });
    for (from, link) in home.chain(tracks).filter(|(_, l)| l.target.is_none()) {
        let Resolved::Dangling(why) = resolver.resolve(from, &link.dest) else {
            continue;
        };
        out.push(match why {
            Dangling::NoFile { path } if unloaded.paths.contains(&path) => continue,
            Dangling::NoFile { path } => missing_file(ladder, hints, link, &path),
            Dangling::Outside => outside(link),
            Dangling::NoAnchor { track, anchor } => {
                missing_anchor(ladder, hints, link, from.track, track, &anchor)
            }
        });
    }
}

fn missing_file(ladder: &Ladder, hints: &mut Hints, link: &Link, path: &str) -> Diagnostic {
    let file = written_file(link);
    if !path.ends_with(".md") {
        let assets = ladder.assets.keys().map(String::as_str);
        let help = match hints.did_you_mean(path, ladder.assets.len(), assets) {
            Some(s) => format!(
                "did you mean `{s}`? (paths are relative to {})",
                folder_of(link)
            ),
            None => format!(
                "put the file at content/{path}, or correct the path (relative to {})",
                folder_of(link)
            ),
        };
        return Diagnostic::new(
            Lint::DanglingReference,
            link.span.clone(),
            format!("link to `{}`: there is no file content/{path}", link.dest),
        )
        .with_label("no such file")
        .with_help(help);
    }
    let paths = ladder.tracks.iter().map(|t| t.path.as_str());
    let help = match hints.did_you_mean(path, ladder.tracks.len(), paths) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!(
            "track files: {}",
            ladder
                .tracks
                .iter()
                .map(|t| t.path.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Diagnostic::new(
        Lint::DanglingReference,
        link.span.clone(),
        format!("link to `{}`: there is no track file `{file}`", link.dest),
    )
    .with_label("no such file")
    .with_help(help)
}

fn outside(link: &Link) -> Diagnostic {
    Diagnostic::new(
        Lint::DanglingReference,
        link.span.clone(),
        format!(
            "link to `{}`: the path leaves content/, and the site publishes only what content/ holds",
            link.dest
        ),
    )
    .with_label("outside content/")
    .with_help("move the file into content/, or link to it with a full web address")
}

/// The file part of a link as written (`managing.md` of `managing.md#lead`).
fn written_file(link: &Link) -> &str {
    let file = link
        .dest
        .split_once('#')
        .map_or(link.dest.as_str(), |(f, _)| f);
    file.split_once('?').map_or(file, |(f, _)| f)
}

/// "content/teams/" for a link written in content/teams/backend.md.
fn folder_of(link: &Link) -> String {
    match link.span.file.rsplit_once('/') {
        Some((dir, _)) => format!("{dir}/"),
        None => "content/".into(),
    }
}

fn missing_anchor(
    ladder: &Ladder,
    hints: &mut Hints,
    link: &Link,
    from: Option<usize>,
    to: usize,
    anchor: &str,
) -> Diagnostic {
    let track = &ladder.tracks[to];
    let where_ = if from == Some(to) {
        "this track".to_string()
    } else {
        format!("`{}`", track.path)
    };
    let candidates = track
        .levels
        .iter()
        .map(|l| l.id.value.as_str())
        .chain(track.prose.iter().map(|p| p.anchor.as_str()));
    let prefix = written_file(link);
    let count = track.levels.len() + track.prose.len();
    let help = match hints.did_you_mean(anchor, count, candidates) {
        Some(s) => format!("did you mean `{prefix}#{s}`?"),
        None => level_list_help(track),
    };
    Diagnostic::new(
        Lint::DanglingReference,
        link.span.clone(),
        format!(
            "link to `{}`: no level or section `{anchor}` in {where_}",
            link.dest
        ),
    )
    .with_label("no such anchor")
    .with_help(help)
}

#[cfg(test)]
mod tests {
    use crate::check::testing::{lints, project};

    const T: &str = "---\ntitle: T\nlevels:\n  - {title: Junior, code: T1, band: 1}\n  - {title: Senior, code: T2, band: 2, inherits: junoir}\n  - {title: Staff, code: T3, band: 3, inherits: m/lead}\n---\n## Junior\ns\n## Senior\ns [x](m.md#leed) [y](nope.md) [z](#staff)\n## Staf\ns\n";
    const M: &str = "---\ntitle: M\nlevels:\n  - {title: Lead, code: M1, band: 1, inherits: boss}\n  - {title: Boss, code: M2, band: 2, inherits: lead}\n---\n## Lead\ns\n## Boss\ns\n";

    #[test]
    fn every_dangling_reference_is_found() {
        let p = project(&[("t.md", T), ("m.md", M)]);
        let mut d = crate::check::lint_ladder(&p.ladder);
        d.sort_by(|a, b| a.span.cmp(&b.span));
        let got: Vec<(&str, &str, u32, Option<&str>)> = d
            .iter()
            .map(|d| (d.lint.id(), &*d.span.file, d.span.line, d.help.as_deref()))
            .collect();
        assert!(got.contains(&(
            "dangling-reference",
            "content/t.md",
            5,
            Some("did you mean `junior`?")
        )));
        assert!(got.contains(&(
            "dangling-reference",
            "content/t.md",
            11,
            Some("did you mean `m.md#lead`?")
        )));
        // The cycle lead -> boss -> lead is reported once, at `lead`'s inherits.
        let cycles: Vec<_> = d.iter().filter(|d| d.message.contains("cycle")).collect();
        assert_eq!(cycles.len(), 1);
        assert_eq!(cycles[0].span.line, 4);
        // Staff's heading is misspelt: missing-section names the close heading.
        let ms: Vec<_> = d
            .iter()
            .filter(|d| d.lint.id() == "missing-section")
            .collect();
        assert_eq!(ms.len(), 1);
        assert_eq!(ms[0].related[0].0.line, 12);
        // `[y](nope.md)` and `[z](#staff)` (Staff has no section, but its id is an
        // anchor all the same) : only the first is dangling.
        let links = d
            .iter()
            .filter(|d| d.lint.id() == "dangling-reference" && d.span.line == 11)
            .count();
        assert_eq!(links, 2, "{got:?}");
    }

    #[test]
    fn two_levels_with_one_title_ask_for_an_explicit_id() {
        let t = "---\ntitle: T\nlevels:\n  - {title: Senior, id: senior, code: T1, band: 1}\n  - {title: Senior, id: senior-2, code: T2, band: 2}\n---\n## Senior (IC 5)\ns\n";
        let p = project(&[("t.md", t)]);
        let d = crate::check::lint_ladder(&p.ladder);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!((d[0].lint.id(), d[0].span.line), ("missing-section", 5));
        assert_eq!(
            d[0].related[0].0.line, 7,
            "points at the heading that was taken"
        );
        assert!(
            d[0].help
                .as_deref()
                .is_some_and(|h| h.contains("`{#senior-2}`")),
            "{:?}",
            d[0].help
        );
        // With the id on a second heading, both levels have their section.
        let fixed = format!("{t}## Senior (IC 6) {{#senior-2}}\ns\n");
        assert!(crate::check::lint_ladder(&project(&[("t.md", &fixed)]).ladder).is_empty());
    }

    #[test]
    fn a_heading_taken_by_another_levels_id_is_named() {
        let t = "---\ntitle: T\nlevels:\n  - {title: Engineer, code: T1, band: 1}\n  - {title: Staff, code: T2, band: 2}\n---\n## Engineer {#staff}\ns\n";
        let p = project(&[("t.md", t)]);
        let d = crate::check::lint_ladder(&p.ladder);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!((d[0].lint.id(), d[0].span.line), ("missing-section", 4));
        assert_eq!(d[0].related[0].0.line, 7);
        assert!(
            d[0].related[0].1.contains("`{#staff}`"),
            "{:?}",
            d[0].related
        );
        assert_eq!(
            d[0].help.as_deref(),
            Some("correct the `{#...}` on that heading to `{#engineer}`, or remove it")
        );
    }

    #[test]
    fn self_inheritance_is_a_cycle() {
        let s = "---\ntitle: S\nlevels:\n  - {title: A, code: S1, band: 1, inherits: a}\n---\n## A\ns\n";
        let got = lints(&[("s.md", s)]);
        assert_eq!(
            got,
            vec![("dangling-reference".into(), "content/s.md".into(), 4, 45)]
        );
    }
}
