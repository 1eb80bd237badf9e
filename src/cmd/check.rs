//! `gongkai check`: every validation of a build, nothing written.

use super::Ctx;
use gongkai::diagnostic::{Diagnostic, Diagnostics, Position, Severity};
use gongkai::pipeline::{self, BuildOptions};
use std::process::ExitCode;

gongkai::messages! {
    /// The last line of `gongkai check`.
    enum Says {
        /// The site would build.
        Finished { errors: usize, warnings: usize, pages: usize } = "check.finished",
            zh: "检查完成：{errors} 个错误，{warnings} 条提醒，可以生成 {pages} 个页面。下一步：运行 gongkai build 发布。",
            en: "Check finished: {errors} errors, {warnings} warnings; {pages} pages would be built.";
        /// The site would not build.
        Failed { errors: usize, warnings: usize } = "check.failed",
            zh: "检查完成：{errors} 个错误，{warnings} 条提醒。请按上面的提示修改后再发布。",
            en: "Check finished: {errors} errors, {warnings} warnings. Fix them before publishing.";
    }
}

pub fn run(ctx: &Ctx, json: bool) -> ExitCode {
    let opts = BuildOptions::new(&ctx.root, ctx.today);
    let (mut diags, pages, catalogue) = match pipeline::generate(&opts) {
        Ok(g) => (g.warnings, Some(g.pages), g.catalogue),
        Err(d) => (d, None, None),
    };
    diags.extend(gongkai::placeholders::find(&ctx.root));
    diags.sort();
    let errors = diags.error_count();
    let warnings = diags.warning_count();
    if json {
        println!("{}", to_json(&diags, ctx));
    } else {
        ctx.report(&diags);
        if let Some(c) = &catalogue {
            // What is due soon and what is overdue, then the counts.
            for line in c.attention_lines() {
                println!("{}", line.text(ctx.lang));
            }
            ctx.say(c.line());
        }
        let summary = match pages {
            Some(pages) => Says::Finished { errors, warnings, pages },
            None => Says::Failed { errors, warnings },
        }
        .text(ctx.lang);
        if errors > 0 {
            eprintln!("{summary}");
        } else if !ctx.quiet {
            println!("{summary}");
        }
    }
    if errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

/// One JSON object per problem, for editors and scripts.
fn to_json(diags: &Diagnostics, ctx: &Ctx) -> String {
    let items: Vec<serde_json::Value> = diags.items.iter().map(|d| item(d, ctx)).collect();
    let doc = serde_json::json!({
        "errors": diags.error_count(),
        "warnings": diags.warning_count(),
        "diagnostics": items,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

fn item(d: &Diagnostic, ctx: &Ctx) -> serde_json::Value {
    let (line, column, sheet, cell) = match &d.position {
        Position::File | Position::Place(_) => (None, None, None, None),
        Position::Text { line, column } => (Some(*line), Some(*column), None, None),
        Position::Cell { sheet, cell } => (None, None, Some(sheet.clone()), Some(cell.clone())),
        Position::CsvCell { cell, line, column } => {
            (Some(*line), Some(*column), None, Some(cell.clone()))
        }
    };
    let place = match &d.position {
        Position::Place(place) => Some(place.clone()),
        _ => None,
    };
    serde_json::json!({
        "severity": if d.severity == Severity::Error { "error" } else { "warning" },
        "code": d.message.code(),
        "path": d.path,
        "line": line,
        "column": column,
        "sheet": sheet,
        "cell": cell,
        "place": place,
        "location": d.location(),
        "message": d.message.text(ctx.lang),
        // The message as data: its fields by name, whatever the language.
        "fields": d.message.fields,
    })
}
