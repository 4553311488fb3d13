//! Synthetic ladder generator for the benchmark (SPEC section 6).
//!
//! ```text
//! cargo run --release --example gen -- --levels N --out DIR [--hugo DIR] [--seed S]
//! ```
//!
//! Writes a ladder project of N levels to DIR: ten levels per track (so N/10 track
//! files, rounded up), bands 1..10, each level with a summary, three competencies of
//! about five sentences in the bold-label form and eight responsibilities; every second
//! level `inherits` the one before it. Competency text drifts from level to level
//! (some sentences rewritten, some words swapped) so that "what changes" word diffs
//! look like real edits rather than two unrelated texts.
//!
//! With `--hugo DIR` it also writes the same levels as a Hugo site: one Markdown page
//! per level (front matter `title`, `weight`), one section per track, and minimal
//! layouts (baseof, list, single, index) that render a comparable site.
//!
//! Output is a pure function of N and the seed: the same arguments give byte-identical
//! files. The generator only writes files; timing them is `bench/run.sh`'s job.
//! `benches/stages.rs` includes this file as a module to build corpora in memory.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Levels per track, one per band.
pub const LEVELS_PER_TRACK: usize = 10;

#[rustfmt::skip]
const ADJECTIVES: &[&str] = &[
    "reliable", "scalable", "observable", "secure", "maintainable", "pragmatic", "coherent",
    "measurable", "incremental", "resilient", "consistent", "well-tested", "documented",
    "cross-team", "long-term", "customer-facing", "ambiguous", "critical", "complex",
    "shared", "legacy", "emerging", "high-impact", "performant", "accessible", "auditable",
    "automated", "distributed", "sustainable", "inclusive", "transparent", "focused",
    "risky", "strategic", "operational", "tactical", "modular", "portable", "efficient",
    "predictable",
];

#[rustfmt::skip]
const NOUNS: &[&str] = &[
    "systems", "services", "roadmaps", "designs", "interfaces", "pipelines", "releases",
    "incidents", "migrations", "reviews", "experiments", "metrics", "dashboards",
    "runbooks", "prototypes", "libraries", "schemas", "deployments", "estimates",
    "priorities", "dependencies", "standards", "tools", "workflows", "budgets", "proposals",
    "rollouts", "backlogs", "contracts", "alerts", "capacity plans", "test suites",
    "data models", "APIs", "on-call rotations", "postmortems", "architecture decisions",
    "service levels", "feature flags", "code paths",
];

#[rustfmt::skip]
const VERBS: &[&str] = &[
    "designs", "builds", "reviews", "improves", "simplifies", "owns", "delivers", "plans",
    "measures", "documents", "debugs", "refactors", "operates", "automates", "secures",
    "scales", "clarifies", "negotiates", "prioritises", "unblocks", "coordinates",
    "evaluates", "proposes", "ships", "hardens", "monitors", "estimates", "mentors on",
    "champions", "questions",
];

#[rustfmt::skip]
const BASE_VERBS: &[&str] = &[
    "design", "build", "review", "improve", "simplify", "own", "deliver", "plan", "measure",
    "document", "debug", "refactor", "operate", "automate", "secure", "scale", "clarify",
    "negotiate", "prioritise", "unblock", "coordinate", "evaluate", "propose", "ship",
    "harden", "monitor", "estimate", "champion", "question", "retire",
];

#[rustfmt::skip]
const ADVERBS: &[&str] = &[
    "independently", "consistently", "proactively", "carefully", "deliberately",
    "routinely", "openly", "quickly", "thoughtfully", "regularly", "visibly", "calmly",
    "patiently", "systematically", "pragmatically", "reliably",
];

#[rustfmt::skip]
const SCOPES: &[&str] = &[
    "a single feature", "the team's services", "a product area", "several teams",
    "the whole organisation", "a critical system", "the platform", "a group of teams",
    "the company", "an important customer journey", "the team's backlog",
    "a cross-functional project", "the department", "a shared library",
    "the on-call rotation", "a multi-quarter programme",
];

#[rustfmt::skip]
const GROUPS: &[&str] = &[
    "peers", "the team", "product managers", "designers", "senior leaders", "new hires",
    "partner teams", "customers", "the support team", "security reviewers",
    "other engineers", "stakeholders", "interns", "the wider organisation",
];

#[rustfmt::skip]
const SITUATIONS: &[&str] = &[
    "requirements are unclear", "a deadline is at risk", "an incident is open",
    "priorities conflict", "the design is contested", "the data is incomplete",
    "a dependency slips", "the scope grows", "the team is new", "a migration stalls",
    "quality drops", "the budget is tight",
];

#[rustfmt::skip]
const ACTIVITIES: &[&str] = &[
    "direct contribution", "code review", "design work", "mentoring", "planning",
    "operational work", "hiring", "cross-team coordination", "technical writing",
    "incident response",
];

#[rustfmt::skip]
const DIMENSIONS: &[&str] = &[
    "Technical Ability", "Technical Scope", "Communication", "Leadership", "Delivery",
    "Mentorship", "Product Sense", "Operational Excellence", "Collaboration", "Strategy",
    "Architecture", "Ownership",
];

#[rustfmt::skip]
const AREAS: &[&str] = &[
    "Platform", "Data", "Security", "Mobile", "Frontend", "Backend", "Infrastructure",
    "Reliability", "Machine Learning", "Developer Experience", "Payments", "Search",
    "Growth", "Identity", "Storage", "Networking", "Quality", "Analytics", "Embedded",
    "Design Systems",
];

#[rustfmt::skip]
const RANKS: [&str; LEVELS_PER_TRACK] = [
    "Associate", "Engineer", "Senior", "Staff", "Senior Staff", "Principal",
    "Senior Principal", "Distinguished", "Fellow", "Senior Fellow",
];

#[rustfmt::skip]
const BAND_NAMES: [&str; LEVELS_PER_TRACK] = [
    "Entry", "Developing", "Career", "Advanced", "Expert", "Lead", "Senior Lead",
    "Director", "Executive", "Senior Executive",
];

/// SplitMix64: small, fast and good enough to make texts differ; fixed so that the
/// corpus never changes under our feet.
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// One sentence of a competency, from one of several templates.
fn sentence(rng: &mut Rng) -> String {
    let s = match rng.below(10) {
        0 => format!(
            "{} {} {} {} for {}.",
            capitalise(rng.pick(ADVERBS)),
            rng.pick(VERBS),
            rng.pick(ADJECTIVES),
            rng.pick(NOUNS),
            rng.pick(SCOPES)
        ),
        1 => format!(
            "Uses {} and {} to {} {} {} with {}.",
            rng.pick(NOUNS),
            rng.pick(NOUNS),
            rng.pick(BASE_VERBS),
            rng.pick(ADJECTIVES),
            rng.pick(NOUNS),
            rng.pick(GROUPS)
        ),
        2 => format!(
            "Is trusted by {} to {} {} when {}.",
            rng.pick(GROUPS),
            rng.pick(BASE_VERBS),
            rng.pick(NOUNS),
            rng.pick(SITUATIONS)
        ),
        3 => format!(
            "Sets the bar for {} {} across {}.",
            rng.pick(ADJECTIVES),
            rng.pick(NOUNS),
            rng.pick(SCOPES)
        ),
        4 => format!(
            "Balances {} against {} and explains the trade-offs to {}.",
            rng.pick(NOUNS),
            rng.pick(NOUNS),
            rng.pick(GROUPS)
        ),
        5 => format!(
            "When {}, {} {} the {} {} before asking {} for help.",
            rng.pick(SITUATIONS),
            rng.pick(ADVERBS),
            rng.pick(VERBS),
            rng.pick(ADJECTIVES),
            rng.pick(NOUNS),
            rng.pick(GROUPS)
        ),
        6 => format!(
            "Helps {} {} {} {} and shares what worked.",
            rng.pick(GROUPS),
            rng.pick(BASE_VERBS),
            rng.pick(ADJECTIVES),
            rng.pick(NOUNS)
        ),
        7 => format!(
            "Expected to {} {} {} that other engineers can {} without supervision.",
            rng.pick(BASE_VERBS),
            rng.pick(ADJECTIVES),
            rng.pick(NOUNS),
            rng.pick(BASE_VERBS)
        ),
        8 => format!(
            "Spots {} {} early and {} them with {}.",
            rng.pick(ADJECTIVES),
            rng.pick(NOUNS),
            rng.pick(VERBS).trim_end_matches(" on"),
            rng.pick(GROUPS)
        ),
        _ => format!(
            "{} the {} of {} and keeps {} {}.",
            capitalise(rng.pick(VERBS)),
            rng.pick(NOUNS),
            rng.pick(SCOPES),
            rng.pick(NOUNS),
            rng.pick(ADJECTIVES)
        ),
    };
    s
}

/// A competency's text one level up: most sentences kept, some rewritten, some with
/// one word swapped, sometimes one added or dropped, so word diffs show real edits.
fn evolve(prev: &[String], rng: &mut Rng) -> Vec<String> {
    let mut out = Vec::with_capacity(prev.len() + 1);
    for s in prev {
        if rng.chance(30) {
            out.push(sentence(rng));
        } else if rng.chance(30) {
            // Swap one adjective for another: a one-word edit, as reviewers make them.
            let mut words: Vec<String> = s.split(' ').map(str::to_string).collect();
            let adjectives: Vec<usize> = (0..words.len())
                .filter(|&i| ADJECTIVES.contains(&words[i].as_str()))
                .collect();
            if adjectives.is_empty() {
                out.push(sentence(rng));
                continue;
            }
            let i = adjectives[rng.below(adjectives.len())];
            words[i] = rng.pick(ADJECTIVES).to_string();
            let w = words;
            out.push(w.join(" "));
        } else {
            out.push(s.clone());
        }
    }
    if out.len() > 4 && rng.chance(15) {
        let i = rng.below(out.len());
        out.remove(i);
    }
    if out.len() < 6 && rng.chance(20) {
        out.push(sentence(rng));
    }
    out
}

fn responsibility(rng: &mut Rng) -> String {
    match rng.below(5) {
        0 => format!(
            "{} the {} {} of {}",
            capitalise(rng.pick(BASE_VERBS)),
            rng.pick(ADJECTIVES),
            rng.pick(NOUNS),
            rng.pick(SCOPES)
        ),
        1 => format!("~{}% {}", (rng.below(9) + 1) * 10, rng.pick(ACTIVITIES)),
        2 => format!(
            "{} {} {} with {}",
            capitalise(rng.pick(BASE_VERBS)),
            rng.pick(ADJECTIVES),
            rng.pick(NOUNS),
            rng.pick(GROUPS)
        ),
        3 => format!(
            "Keep {} {} when {}",
            rng.pick(NOUNS),
            rng.pick(ADJECTIVES),
            rng.pick(SITUATIONS)
        ),
        _ => format!(
            "Take part in {} for {}",
            rng.pick(ACTIVITIES),
            rng.pick(SCOPES)
        ),
    }
}

/// One generated level, shared by the ladder and Hugo writers.
pub struct GenLevel {
    pub id: String,
    pub title: String,
    pub code: String,
    pub band: usize,
    pub inherits: Option<String>,
    pub summary: String,
    /// (label, sentences)
    pub competencies: Vec<(String, Vec<String>)>,
    pub responsibilities: Vec<String>,
}

/// One generated track file.
pub struct GenTrack {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub dimensions: Vec<String>,
    pub levels: Vec<GenLevel>,
}

/// Track `t` (0-based) with `n_levels` levels, seeded independently of the others so
/// that a track's text does not depend on how many tracks come before it.
pub fn gen_track(seed: u64, t: usize, n_levels: usize) -> GenTrack {
    let mut rng = Rng::new(seed ^ (t as u64).wrapping_mul(0xA24B_AED4_963E_E407));
    let area = AREAS[t % AREAS.len()];
    let id = format!("t{:04}", t + 1);
    let title = format!("{area} Engineering {}", t + 1);
    // Three distinct labels, from a pool shared by all tracks, so that band
    // comparisons line up some labels and not others.
    let mut dimensions: Vec<String> = Vec::new();
    while dimensions.len() < 3 {
        let d = rng.pick(DIMENSIONS).to_string();
        if !dimensions.contains(&d) {
            dimensions.push(d);
        }
    }
    let summary = format!(
        "{} {} {} for {}.",
        capitalise(rng.pick(VERBS)),
        rng.pick(ADJECTIVES),
        rng.pick(NOUNS),
        rng.pick(SCOPES)
    );

    let mut texts: Vec<Vec<String>> = dimensions
        .iter()
        .map(|_| (0..5).map(|_| sentence(&mut rng)).collect())
        .collect();
    let mut seen_resp = std::collections::HashSet::new();
    let mut levels = Vec::with_capacity(n_levels);
    for l in 0..n_levels {
        let band = l + 1;
        let rank = RANKS[l % RANKS.len()];
        let level_title = format!("{area} {rank} {}", t + 1);
        let level_id = format!("l{band:02}");
        if l > 0 {
            texts = texts.iter().map(|s| evolve(s, &mut rng)).collect();
        }
        let mut responsibilities = Vec::with_capacity(8);
        while responsibilities.len() < 8 {
            let r = responsibility(&mut rng);
            // Unique within the track: an inherited duplicate would be a lint warning.
            if seen_resp.insert(r.clone()) {
                responsibilities.push(r);
            }
        }
        levels.push(GenLevel {
            id: level_id,
            code: format!("T{}-{band}", t + 1),
            title: level_title.clone(),
            band,
            inherits: (l % 2 == 1).then(|| format!("l{:02}", band - 1)),
            summary: format!(
                "{level_title} engineers {} {} {} within {}. They {} {} with {} independence.",
                rng.pick(BASE_VERBS),
                rng.pick(ADJECTIVES),
                rng.pick(NOUNS),
                rng.pick(SCOPES),
                rng.pick(BASE_VERBS),
                rng.pick(NOUNS),
                rng.pick(ADJECTIVES)
            ),
            competencies: dimensions
                .iter()
                .cloned()
                .zip(texts.iter().cloned())
                .collect(),
            responsibilities,
        });
    }
    GenTrack {
        id,
        title,
        summary,
        dimensions,
        levels,
    }
}

/// The whole ladder: `ceil(levels / 10)` tracks; the last one may be shorter.
pub fn gen_ladder(seed: u64, levels: usize) -> Vec<GenTrack> {
    let n_tracks = levels.div_ceil(LEVELS_PER_TRACK);
    (0..n_tracks)
        .map(|t| {
            let n = (levels - t * LEVELS_PER_TRACK).min(LEVELS_PER_TRACK);
            gen_track(seed, t, n)
        })
        .collect()
}

/// A level's body, identical for ladder and Hugo: summary, labelled competencies,
/// responsibilities.
fn level_body(level: &GenLevel, out: &mut String) {
    out.push_str(&level.summary);
    out.push_str("\n\n");
    for (label, sentences) in &level.competencies {
        let _ = writeln!(out, "**{label}:** {}\n", sentences.join(" "));
    }
    out.push_str("**Responsibilities:**\n\n");
    for r in &level.responsibilities {
        let _ = writeln!(out, "- {r}");
    }
    out.push('\n');
}

fn yaml_str(s: &str) -> String {
    // Generated text never holds quotes or backslashes; quoting keeps YAML from
    // reading "Senior: x" or "~10%" as something else.
    format!("\"{s}\"")
}

/// The ladder track file: front matter with every level, then one H2 per level.
pub fn track_markdown(track: &GenTrack, next: Option<&GenTrack>) -> String {
    let mut out = String::with_capacity(4096 * track.levels.len().max(1));
    out.push_str("---\n");
    let _ = writeln!(out, "title: {}", yaml_str(&track.title));
    let _ = writeln!(out, "id: {}", track.id);
    let _ = writeln!(out, "summary: {}", yaml_str(&track.summary));
    out.push_str("dimensions:\n");
    for d in &track.dimensions {
        let _ = writeln!(out, "  - {}", yaml_str(d));
    }
    out.push_str("levels:\n");
    for l in &track.levels {
        let _ = writeln!(out, "  - title: {}", yaml_str(&l.title));
        let _ = writeln!(out, "    id: {}", l.id);
        let _ = writeln!(out, "    code: {}", l.code);
        let _ = writeln!(out, "    band: {}", l.band);
        if let Some(i) = &l.inherits {
            let _ = writeln!(out, "    inherits: {i}");
        }
    }
    out.push_str("---\n\n");
    let _ = writeln!(out, "# {}\n", track.title);
    let _ = write!(out, "{}", track.summary);
    if let Some(n) = next {
        let _ = write!(out, " See also [{}]({}.md).", n.title, n.id);
    }
    out.push_str("\n\n");
    for (i, l) in track.levels.iter().enumerate() {
        let _ = writeln!(out, "## {} (Band {})\n", l.title, l.band);
        level_body(l, &mut out);
        if i + 1 == track.levels.len() / 2 {
            out.push_str("## Notes on the middle of the track\n\n");
            out.push_str("Levels above this point are expected to work across teams.\n\n");
        }
    }
    out
}

fn ladder_yaml(levels: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "title: Synthetic Ladder ({levels} levels)");
    out.push_str("base_url: /\nbands:\n");
    for (i, name) in BAND_NAMES.iter().enumerate() {
        let _ = writeln!(out, "  {}: {name}", i + 1);
    }
    out
}

const HOME_PROSE: &str = "A synthetic ladder written by `examples/gen.rs` for the benchmark. \
Every track has ten levels, one per band.\n";

/// Every file of the ladder project, as (relative path, text).
pub fn ladder_files(tracks: &[GenTrack], levels: usize) -> Vec<(String, String)> {
    let mut files = vec![
        ("ladder.yaml".to_string(), ladder_yaml(levels)),
        (
            "content/_index.md".to_string(),
            format!("---\ntitle: Synthetic Ladder\n---\n\n{HOME_PROSE}"),
        ),
    ];
    for (i, t) in tracks.iter().enumerate() {
        files.push((
            format!("content/{}.md", t.id),
            track_markdown(t, tracks.get(i + 1)),
        ));
    }
    files
}

const HUGO_BASEOF: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ .Site.Title }}</title>
<link rel="stylesheet" href="{{ "style.css" | relURL }}">
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a></header>
<main>
{{ block "main" . }}{{ end }}
</main>
</body>
</html>
"#;

const HUGO_INDEX: &str = r#"{{ define "main" }}
<h1>{{ .Site.Title }}</h1>
{{ .Content }}
<table>
<thead><tr><th scope="col">Track</th><th scope="col">Levels</th></tr></thead>
<tbody>
{{ range .Site.Sections }}
<tr><th scope="row"><a href="{{ .RelPermalink }}">{{ .Title }}</a></th>
<td>{{ range .Pages }}<a href="{{ .RelPermalink }}">{{ .Title }} ({{ .Params.code }})</a> {{ end }}</td></tr>
{{ end }}
</tbody>
</table>
{{ end }}
"#;

const HUGO_LIST: &str = r#"{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
{{ range .Pages }}
<section id="{{ .File.BaseFileName }}">
<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a> <small>{{ .Params.code }} · band {{ .Params.band }}</small></h2>
{{ .Content }}
</section>
{{ end }}
{{ end }}
"#;

const HUGO_SINGLE: &str = r#"{{ define "main" }}
<nav><a href="{{ .CurrentSection.RelPermalink }}">{{ .CurrentSection.Title }}</a></nav>
<h1>{{ .Title }}</h1>
<p>Code {{ .Params.code }} · band {{ .Params.band }}</p>
{{ .Content }}
<nav>
{{ with .NextInSection }}<a rel="prev" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .PrevInSection }}<a rel="next" href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
</nav>
{{ end }}
"#;

const HUGO_CSS: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:auto}\n";

/// The same levels as a Hugo site: a section per track, a page per level.
pub fn hugo_files(tracks: &[GenTrack], levels: usize) -> Vec<(String, String)> {
    let mut files = vec![
        (
            "hugo.toml".to_string(),
            format!(
                "baseURL = \"/\"\ntitle = \"Synthetic Ladder ({levels} levels)\"\n\
                 disableKinds = [\"taxonomy\", \"term\", \"RSS\", \"sitemap\", \"robotsTXT\"]\n\
                 enableRobotsTXT = false\n"
            ),
        ),
        (
            "content/_index.md".to_string(),
            format!("---\ntitle: Synthetic Ladder\n---\n\n{HOME_PROSE}"),
        ),
        ("layouts/_default/baseof.html".into(), HUGO_BASEOF.into()),
        ("layouts/_default/list.html".into(), HUGO_LIST.into()),
        ("layouts/_default/single.html".into(), HUGO_SINGLE.into()),
        ("layouts/index.html".into(), HUGO_INDEX.into()),
        ("static/style.css".into(), HUGO_CSS.into()),
    ];
    for (i, t) in tracks.iter().enumerate() {
        let mut intro = format!(
            "---\ntitle: {}\nweight: {}\n---\n\n{}",
            yaml_str(&t.title),
            i + 1,
            t.summary
        );
        if let Some(n) = tracks.get(i + 1) {
            let _ = write!(intro, " See also [{}](../{}/).", n.title, n.id);
        }
        intro.push('\n');
        files.push((format!("content/{}/_index.md", t.id), intro));
        for l in &t.levels {
            let mut page = format!(
                "---\ntitle: {}\nweight: {}\ncode: {}\nband: {}\n---\n\n",
                yaml_str(&l.title),
                l.band,
                l.code,
                l.band
            );
            level_body(l, &mut page);
            files.push((format!("content/{}/{}.md", t.id, l.id), page));
        }
    }
    files
}

fn write_all(root: &Path, files: &[(String, String)]) -> std::io::Result<()> {
    for (rel, text) in files {
        let path = root.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&path, text)?;
    }
    Ok(())
}

struct Args {
    levels: usize,
    out: PathBuf,
    hugo: Option<PathBuf>,
    seed: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut levels = None;
    let mut out = None;
    let mut hugo = None;
    let mut seed = 42u64;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            "--levels" => {
                let v = value("--levels")?;
                levels = Some(
                    v.parse()
                        .map_err(|_| format!("--levels: not a number: {v}"))?,
                );
            }
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            "--hugo" => hugo = Some(PathBuf::from(value("--hugo")?)),
            "--seed" => {
                let v = value("--seed")?;
                seed = v
                    .parse()
                    .map_err(|_| format!("--seed: not a number: {v}"))?;
            }
            "-h" | "--help" => {
                return Err("usage: gen --levels N --out DIR [--hugo DIR] [--seed S]".to_string())
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(Args {
        levels: levels.ok_or("--levels N is required")?,
        out: out.ok_or("--out DIR is required")?,
        hugo,
        seed,
    })
}

fn refuse_non_empty(dir: &Path) -> Result<(), String> {
    let non_empty = std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
    if non_empty {
        return Err(format!(
            "{} is not empty; the generator only writes into a new or empty folder",
            dir.display()
        ));
    }
    Ok(())
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    if args.levels == 0 {
        return Err("--levels must be at least 1".into());
    }
    refuse_non_empty(&args.out)?;
    let tracks = gen_ladder(args.seed, args.levels);
    write_all(&args.out, &ladder_files(&tracks, args.levels))
        .map_err(|e| format!("writing {}: {e}", args.out.display()))?;
    if let Some(h) = &args.hugo {
        refuse_non_empty(h)?;
        write_all(h, &hugo_files(&tracks, args.levels))
            .map_err(|e| format!("writing {}: {e}", h.display()))?;
    }
    eprintln!(
        "wrote {} levels in {} tracks to {}{}",
        args.levels,
        tracks.len(),
        args.out.display(),
        args.hugo
            .as_ref()
            .map(|h| format!(" and the Hugo site to {}", h.display()))
            .unwrap_or_default()
    );
    Ok(())
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen: {e}");
            std::process::ExitCode::from(2)
        }
    }
}
