//! The title block shared by the portfolio charts.

use plotters::prelude::*;

use crate::{
    ChartError, palette,
    render::{Area, Backend},
    text::{self, style},
};

/// Draws `title` and `subtitle` at the top of `area` and returns the area below them.
pub(crate) fn draw<DB: Backend>(
    area: &Area<DB>,
    title: &str,
    subtitle: &str,
    scale: f64,
) -> Result<Area<DB>, ChartError> {
    draw_lines(area, title, subtitle, 35.0, scale)?;
    let (_, h) = area.dim_in_pixel();
    let (_, rest) = area.split_vertically(((56.0 * scale) as u32).min(h / 3));
    Ok(rest)
}

/// Draws `title` at the top left of `area`, fitted to its width, and `subtitle` below it at
/// `subtitle_top` (before scaling). The indicator chart's title block shares it.
pub(crate) fn draw_lines<DB: Backend>(
    area: &Area<DB>,
    title: &str,
    subtitle: &str,
    subtitle_top: f64,
    scale: f64,
) -> Result<(), ChartError> {
    let (w, _) = area.dim_in_pixel();
    let left = (12.0 * scale) as i32;
    let max = w.saturating_sub(2 * left as u32);
    let title_style = style(20.0 * scale, palette::TEXT);
    let title = text::fit(area, title, &title_style, max);
    area.draw(&Text::new(
        title,
        (left, (10.0 * scale) as i32),
        title_style,
    ))?;
    let sub_style = style(13.0 * scale, palette::TEXT_MUTED);
    let sub = text::fit(area, subtitle, &sub_style, max);
    area.draw(&Text::new(
        sub,
        (left, (subtitle_top * scale) as i32),
        sub_style,
    ))?;
    Ok(())
}
