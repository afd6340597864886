//! The results file and the README's copy of its table: a full release run writes
//! `bench/results.md` and puts the same rows into README.md between markers, and a test holds
//! the two equal, so the figures the README states are the ones a run measured.

use std::path::Path;

/// Where a full release run records its figures (relative to the repository root).
pub const RECORDED: &str = "bench/results.md";
const TABLE_HEAD: &str = "| measure | Offload | raw Temporal | ratio |\n|---|---|---|---|\n";
const BEGIN: &str = "<!-- bench/results.md: begin -->\n";
const END: &str = "<!-- bench/results.md: end -->";

fn table(lines: &[String]) -> String {
    let mut text = TABLE_HEAD.to_string();
    for line in lines {
        text.push_str(line);
        text.push('\n');
    }
    text
}

pub fn write(out: &Path, lines: &[String], full: bool) -> anyhow::Result<()> {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .map(|v| v.trim_start_matches([' ', '\t', ':']).to_string())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .next()
        .unwrap_or("")
        .to_string();
    let date = std::process::Command::new("date")
        .arg("-u")
        .arg("+%Y-%m-%d %H:%M UTC")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let text = format!(
        "# Benchmark results\n\nWritten by `scripts/bench.sh{}` on {date}: {cores} cores ({cpu}), {memory}. \
         Release build; Temporal dev server (SQLite, in memory); outbox mailer; rules agent. \
         \"raw\" is the same Rust client and SDK against a workflow that runs one no-op activity, \
         measured in the same run.\n\n{}",
        if full { " --full" } else { "" },
        table(lines)
    );
    std::fs::write(out, text)?;
    Ok(())
}

/// Replaces the table between the README's markers with these rows.
pub fn show_in_readme(readme: &Path, lines: &[String]) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(readme)?;
    let (Some(begin), Some(end)) = (text.find(BEGIN), text.find(END)) else {
        anyhow::bail!("{} has no benchmark markers", readme.display());
    };
    let updated = format!("{}{BEGIN}{}{}", &text[..begin], table(lines), &text[end..]);
    std::fs::write(readme, updated)?;
    Ok(())
}

/// The table a text holds: the README's between its markers, the results file's at its end.
#[cfg(test)]
fn table_in(text: &str) -> Option<&str> {
    let start = text.find(TABLE_HEAD)?;
    let rest = &text[start..];
    Some(rest.find(END).map_or(rest, |end| &rest[..end]).trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_states_the_recorded_benchmark_figures() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
        let recorded = std::fs::read_to_string(root.join(RECORDED)).unwrap();
        assert!(
            recorded.contains("scripts/bench.sh --full"),
            "a full run is recorded"
        );
        let shown = readme
            .find(BEGIN)
            .and_then(|begin| table_in(&readme[begin..]));
        assert_eq!(
            shown,
            table_in(&recorded),
            "README.md's benchmark table must be the one in {RECORDED} (a full run updates both)"
        );
    }
}
