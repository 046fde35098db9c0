"""Draws the indicator chart that pilote-bench renders, with matplotlib, and times it.

Usage: python matplotlib_indicator.py DATA.json REPEATS

DATA.json is written by pilote-bench from the same stored series Pilote draws: title, unit,
today, width and height in pixels, points [[period start, value], ...] and phase changes
[[date, French label], ...]. Each repetition builds the figure, draws the line, the latest
point, the phase-change markers with their labels and today's line, titles the chart, and
saves it to memory (SVG, then PNG in a second loop), as Pilote does. Importing matplotlib and
parsing the JSON are left out of the timing.

Prints one JSON line: {"svg_ms": ..., "png_ms": ..., "repeats": N, "matplotlib": "3.x"}.
"""

import io
import json
import sys
import time
from datetime import date

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402

BLUE = "#000091"
GREY = "#666666"
RED = "#ce0500"


def draw(data, xs, ys, changes, today, fmt):
    fig, ax = plt.subplots(
        figsize=(data["width"] / 100, data["height"] / 100), dpi=100
    )
    ax.plot(xs, ys, color=BLUE, linewidth=1.5)
    ax.plot([xs[-1]], [ys[-1]], "o", color=BLUE)
    top = max(ys)
    for day, label in changes:
        ax.axvline(day, color=GREY, linestyle="--", linewidth=1)
        ax.annotate(label, (day, top), fontsize=8, color=GREY, rotation=90, va="top")
    ax.axvline(today, color=RED, linewidth=1)
    ax.set_title(data["title"], loc="left")
    ax.set_ylabel(data["unit"])
    ax.grid(True, axis="y", color="#dddddd")
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt)
    plt.close(fig)
    return buffer.getvalue()


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        data = json.load(f)
    repeats = int(sys.argv[2])
    xs = [date.fromisoformat(d) for d, _ in data["points"]]
    ys = [v for _, v in data["points"]]
    changes = [(date.fromisoformat(d), label) for d, label in data["phase_changes"]]
    today = date.fromisoformat(data["today"])
    result = {"repeats": repeats, "matplotlib": matplotlib.__version__}
    for fmt in ("svg", "png"):
        draw(data, xs, ys, changes, today, fmt)  # warm-up: font cache, first figure
        started = time.perf_counter()
        for _ in range(repeats):
            draw(data, xs, ys, changes, today, fmt)
        result[f"{fmt}_ms"] = (time.perf_counter() - started) * 1000 / repeats
    print(json.dumps(result))


if __name__ == "__main__":
    main()
