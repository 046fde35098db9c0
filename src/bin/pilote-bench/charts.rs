//! One indicator chart drawn by Pilote and by matplotlib from the same data: 800×400, the
//! series, the phase changes and today's line, to SVG and to PNG in memory.

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::Instant,
};

use anyhow::{Context, bail};
use pilote_charts::{Format, IndicatorChart, Size};

/// Milliseconds per chart, SVG and PNG.
#[derive(Clone, Copy, Debug)]
pub struct Times {
    pub svg_ms: f64,
    pub png_ms: f64,
}

/// Pilote's own rendering, `repeats` times each format.
pub fn pilote(data: &IndicatorChart, repeats: usize) -> anyhow::Result<Times> {
    let size = Size::new(800, 400)?;
    let time = |format: Format| -> anyhow::Result<f64> {
        // One unmeasured call: lazily built fonts and buffers.
        pilote_charts::indicator_chart(data, size, format)?;
        let started = Instant::now();
        for _ in 0..repeats {
            std::hint::black_box(pilote_charts::indicator_chart(data, size, format)?);
        }
        Ok(started.elapsed().as_secs_f64() * 1000.0 / repeats.max(1) as f64)
    };
    Ok(Times {
        svg_ms: time(Format::Svg)?,
        png_ms: time(Format::Png)?,
    })
}

/// The chart's data as the Python script reads it.
fn data_json(data: &IndicatorChart) -> serde_json::Value {
    serde_json::json!({
        "title": data.title,
        "unit": data.unit,
        "today": data.today,
        "width": 800,
        "height": 400,
        "points": data.points.iter().map(|(p, v)| (p.start(), *v)).collect::<Vec<_>>(),
        "phase_changes": data
            .phase_changes
            .iter()
            .map(|(d, s)| (*d, s.label_fr()))
            .collect::<Vec<_>>(),
    })
}

/// The Python of `scripts/ensure-venv` (which installs the pinned matplotlib), or `python`.
pub fn python(repo: &Path, given: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(python) = given {
        return Ok(python.to_owned());
    }
    let output = Command::new(repo.join("scripts/ensure-venv"))
        .current_dir(repo)
        .output()
        .context("cannot run scripts/ensure-venv")?;
    if !output.status.success() {
        bail!(
            "scripts/ensure-venv failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let bin = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    Ok(Path::new(&bin).join("python"))
}

/// matplotlib's times (import excluded), from `bench/matplotlib_indicator.py`; also its version.
pub fn matplotlib(
    python: &Path,
    repo: &Path,
    workdir: &Path,
    data: &IndicatorChart,
    repeats: usize,
) -> anyhow::Result<(Times, String)> {
    let input = workdir.join("indicator.json");
    std::fs::write(&input, data_json(data).to_string())?;
    let output = Command::new(python)
        .arg(repo.join("bench/matplotlib_indicator.py"))
        .arg(&input)
        .arg(repeats.to_string())
        .output()
        .with_context(|| format!("cannot run {}", python.display()))?;
    if !output.status.success() {
        bail!(
            "the matplotlib script failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let answer: serde_json::Value = serde_json::from_slice(&output.stdout)
        .context("the matplotlib script did not print JSON")?;
    let ms = |key: &str| {
        answer[key]
            .as_f64()
            .with_context(|| format!("no {key} in the script's answer"))
    };
    Ok((
        Times {
            svg_ms: ms("svg_ms")?,
            png_ms: ms("png_ms")?,
        },
        answer["matplotlib"].as_str().unwrap_or("?").to_owned(),
    ))
}
