//! Rendering times against the targets of issue 4 (indicator SVG < 1 ms, PNG < 10 ms at
//! 800×400; timeline of 1 000 products < 50 ms): `cargo bench -p pilote-charts`.

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use pilote_charts::{Format, Size};

fn indicator(c: &mut Criterion) {
    let data = common::indicator_260();
    let size = Size::DEFAULT;
    c.bench_function("indicator 260 weeks svg 800x400", |b| {
        b.iter(|| pilote_charts::indicator_chart(black_box(&data), size, Format::Svg))
    });
    c.bench_function("indicator 260 weeks png 800x400", |b| {
        b.iter(|| pilote_charts::indicator_chart(black_box(&data), size, Format::Png))
    });
}

fn timeline(c: &mut Criterion) {
    let data = common::timeline(1000);
    // Tall enough to show every row (4 px each); the names are left out at that height.
    let size = Size::new(1200, 4000).expect("size in range");
    c.bench_function("timeline 1000 products svg 1200x4000", |b| {
        b.iter(|| pilote_charts::timeline_chart(black_box(&data), size, Format::Svg))
    });
    c.bench_function("timeline 1000 products png 1200x4000", |b| {
        b.iter(|| pilote_charts::timeline_chart(black_box(&data), size, Format::Png))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = indicator, timeline
}
criterion_main!(benches);
