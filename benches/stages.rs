//! Stage benchmark: how long each stage of `ladder build` takes on the synthetic ladder
//! of `examples/gen.rs`, at several sizes, so that a regression shows up in the stage
//! that caused it rather than only in the end-to-end figure of `bench/run.sh`.
//!
//! ```text
//! cargo bench --bench stages                 # 100, 1000 and 10000 levels
//! cargo bench --bench stages -- 1000 5000    # other sizes
//! ```
//!
//! A plain `harness = false` binary timed with `std::time::Instant` (no extra
//! dependency): for each size it writes the corpus to a temporary folder (on /dev/shm
//! when there is one), runs every stage at least five times and for at least about a
//! second, and prints the median and the fastest wall time of each stage, the mean CPU
//! time per run (all threads, from /proc/self/stat, so 10 ms resolution) and the median
//! wall cost per level. Stages, in pipeline order: `read` (files from disk), `parse` (front matter,
//! sections, assembling the model), `check` (lints), `theme` (loading and compiling the
//! templates), `render` (every page in memory) and `write` (the site to a fresh folder),
//! then `build`: render and write together, each file streamed to disk as `ladder
//! build` does.

#[allow(dead_code)]
#[path = "../examples/gen.rs"]
mod gen;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ladder::check::check_project;
use ladder::render::{build_site, render_site, write_site, Theme};
use ladder::source::{load_files, read_project_files};

const MIN_SAMPLES: usize = 5;
const MAX_SAMPLES: usize = 50;
const MIN_TOTAL: Duration = Duration::from_secs(1);

/// CPU time (user + system, all threads) of this process so far, from /proc/self/stat
/// in clock ticks (usually 10 ms); `None` where there is no /proc.
fn process_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // Linux reports these fields in USER_HZ, which is 100 on every platform it runs on.
    Some(Duration::from_millis(ticks * 10))
}

/// Timings of one stage: wall time of every run, sorted, and mean CPU time per run.
struct Samples {
    wall: Vec<Duration>,
    cpu: Option<Duration>,
}

/// Runs `f` until there are enough samples.
fn sample<T>(mut f: impl FnMut() -> T) -> Samples {
    let mut times = Vec::new();
    let cpu_before = process_cpu();
    let started = Instant::now();
    while times.len() < MIN_SAMPLES || (started.elapsed() < MIN_TOTAL && times.len() < MAX_SAMPLES)
    {
        let t = Instant::now();
        black_box(f());
        times.push(t.elapsed());
    }
    let cpu = match (cpu_before, process_cpu()) {
        (Some(a), Some(b)) => Some((b.saturating_sub(a)) / times.len() as u32),
        _ => None,
    };
    times.sort();
    Samples { wall: times, cpu }
}

fn median(sorted: &[Duration]) -> Duration {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }
}

fn report(levels: usize, stage: &str, s: &Samples) {
    let med = median(&s.wall);
    let cpu = s
        .cpu
        .map_or("-".to_string(), |c| format!("{:.1}", c.as_secs_f64() * 1e3));
    println!(
        "{levels:>7} {stage:<7} {:>10.2} {:>10.2} {:>10} {:>10.1} {:>6}",
        med.as_secs_f64() * 1e3,
        s.wall[0].as_secs_f64() * 1e3,
        cpu,
        med.as_secs_f64() * 1e6 / levels as f64,
        s.wall.len()
    );
}

fn scratch_dir() -> PathBuf {
    let shm = Path::new("/dev/shm");
    let base = if shm.is_dir() {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    };
    base.join(format!("ladder-stages-{}", std::process::id()))
}

fn write_corpus(root: &Path, levels: usize) -> std::io::Result<()> {
    let tracks = gen::gen_ladder(42, levels);
    for (rel, text) in gen::ladder_files(&tracks, levels) {
        let path = root.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, text)?;
    }
    Ok(())
}

fn bench_size(scratch: &Path, levels: usize) -> anyhow::Result<()> {
    let root = scratch.join(format!("n{levels}"));
    write_corpus(&root, levels)?;

    let files = read_project_files(&root)?;
    report(levels, "read", &sample(|| read_project_files(&root)));

    let project = load_files(&files);
    anyhow::ensure!(
        project.ladder.levels().count() == levels,
        "the corpus should hold {levels} levels, the model has {}",
        project.ladder.levels().count()
    );
    report(levels, "parse", &sample(|| load_files(&files)));

    let diagnostics = check_project(&project, false);
    anyhow::ensure!(
        !ladder::diagnostic::has_errors(&diagnostics),
        "the generated ladder should have no errors"
    );
    report(levels, "check", &sample(|| check_project(&project, false)));

    let theme = Theme::load(&root, &project.ladder.config)
        .map_err(|d| anyhow::anyhow!("the default theme should load: {d:?}"))?;
    report(
        levels,
        "theme",
        &sample(|| Theme::load(&root, &project.ladder.config).is_ok()),
    );

    let site = render_site(&project.ladder, &theme)?;
    report(
        levels,
        "render",
        &sample(|| render_site(&project.ladder, &theme)),
    );

    // Every run writes into a fresh folder and nothing is deleted until the end
    // (SPEC section 6: deleting thousands of files skews the next writes).
    let out = scratch.join(format!("n{levels}-out"));
    let mut run = 0;
    report(
        levels,
        "write",
        &sample(|| {
            run += 1;
            write_site(&root, &out.join(run.to_string()), &site)
        }),
    );
    // What `ladder build` does: render and write together, each file written as it
    // is rendered (render + write above are the in-memory path `serve` keeps).
    report(
        levels,
        "build",
        &sample(|| {
            run += 1;
            build_site(&project.ladder, &theme, &root, &out.join(run.to_string()))
        }),
    );
    let _ = std::fs::remove_dir_all(&out);
    Ok(())
}

fn main() -> anyhow::Result<()> {
    // cargo passes `--bench`; every other argument is a size.
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .map(|a| a.parse())
        .collect::<Result<_, _>>()
        .map_err(|e| anyhow::anyhow!("sizes must be numbers of levels: {e}"))?;
    let sizes = if sizes.is_empty() {
        vec![100, 1_000, 10_000]
    } else {
        sizes
    };
    let scratch = scratch_dir();
    println!(
        "{:>7} {:<7} {:>10} {:>10} {:>10} {:>10} {:>6}",
        "levels", "stage", "median ms", "min ms", "cpu ms", "µs/level", "runs"
    );
    let result = sizes
        .iter()
        .try_for_each(|&levels| bench_size(&scratch, levels));
    let _ = std::fs::remove_dir_all(&scratch);
    result
}
