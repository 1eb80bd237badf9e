//! Placeholders that `gongkai init` writes and a clerk must replace before the site goes online:
//! "某某" names in site.toml, the phone `0000-0000000`, init's address `https://example.org/mouzhuang/`,
//! and the postings whose file names start with `示例-`.
//!
//! `check` and `build` show them as warnings; `publish` refuses while [`find`] returns any.
//! Other example.org addresses are not flagged: the example site and the test sites use them.

use crate::diagnostic::Diagnostic;
use std::path::Path;

/// File-name prefix of the example postings `gongkai init` writes.
pub const SAMPLE_PREFIX: &str = "示例-";

/// The placeholder phone number `gongkai init` writes.
pub const PHONE: &str = "0000-0000000";

/// The placeholder address `gongkai init` writes as base_url (any scheme or sub-path after it).
pub const URL: &str = "example.org/mouzhuang";

crate::messages! {
    #[derive(Eq)]
    pub enum Placeholder {
        /// A site.toml value still holding `found`.
        Setting { key: String, found: String, kind: Kind } = "placeholder.setting",
            zh: {
                let what = match kind {
                    Kind::Name => "请把“某某”改成本村、本镇的真实名称",
                    Kind::Phone => "请改成真实的监督电话，例如 0571-88886666",
                    Kind::Url => {
                        "请改成网站正式的网址，例如 https://www.qingshi.gov.cn/gongkai/（不知道时问管理网站的人）"
                    }
                };
                format!("{key} 还是示例内容“{found}”：{what}。改好之前网站不能发布。")
            },
            en: {
                let what = match kind {
                    Kind::Name => "replace 某某 with the real names",
                    Kind::Phone => "use the real supervision phone number",
                    Kind::Url => "use the site's real address",
                };
                format!(
                    "{key} still holds the placeholder `{found}`: {what}. The site cannot be published until then."
                )
            };
        /// An example posting from `gongkai init`.
        SamplePosting { title: String } = "placeholder.sample-posting",
            zh: "这是 gongkai init 生成的示例内容“{title}”：请删除这个文件，或者改写成真实的公开内容，\
                并把文件名开头的“{SAMPLE_PREFIX}”去掉。改好之前网站不能发布。",
            en: "example posting `{title}` from gongkai init: delete the file, or rewrite it and drop \
                the `{SAMPLE_PREFIX}` from its name. The site cannot be published until then.";
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Kind {
    Name,
    Phone,
    Url,
}

/// Every placeholder left in the site at `root`, as warnings located at the line to change, in
/// a stable order (site.toml first, then postings by path). Unreadable files are left to the
/// build's own errors.
pub fn find(root: &Path) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if let Ok(text) = std::fs::read_to_string(root.join("site.toml")) {
        out.extend(in_site_toml(&text));
    }
    let mut samples: Vec<(String, std::path::PathBuf)> =
        walkdir::WalkDir::new(root.join("content"))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .filter(|e| {
                let name = e.file_name().to_string_lossy();
                name.ends_with(".md") && name.starts_with(SAMPLE_PREFIX)
            })
            .map(|e| (crate::diagnostic::display_path(root, e.path()), e.path().to_path_buf()))
            .collect();
    samples.sort();
    for (rel, path) in samples {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        out.push(sample_posting(&rel, &text));
    }
    out
}

/// The placeholders of a site.toml's text, one warning per line.
pub fn in_site_toml(text: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut table = String::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let code = line.split('#').next().unwrap_or("");
        let trimmed = code.trim();
        if trimmed.starts_with('[') {
            table = trimmed.trim_matches(['[', ']', ' ']).to_string();
            continue;
        }
        let Some((key, value)) = code.split_once('=') else { continue };
        let value_at = key.len() + 1;
        let Some((at, found, kind)) = first_placeholder(value) else { continue };
        let key = key.trim();
        let key = if table.is_empty() { key.to_string() } else { format!("[{table}] {key}") };
        let begin = start + value_at + at;
        out.push(
            Diagnostic::warning(
                "site.toml",
                Placeholder::Setting { key, found: found.clone(), kind },
            )
            .at_span(text, begin..begin + found.len()),
        );
    }
    out
}

/// The first placeholder in a value: byte offset, the text found, and what it stands for.
fn first_placeholder(value: &str) -> Option<(usize, String, Kind)> {
    let mut hits: Vec<(usize, String, Kind)> = Vec::new();
    if let Some(i) = value.find("某某") {
        hits.push((i, "某某".into(), Kind::Name));
    }
    if let Some(i) = value.find(PHONE) {
        hits.push((i, PHONE.into(), Kind::Phone));
    }
    if let Some(i) = value.find(URL) {
        // Underline the whole address it is part of.
        let from = value[..i].rfind(['"', '\'', ' ']).map(|q| q + 1).unwrap_or(i);
        let to = value[i..].find(['"', '\'', ' ']).map(|q| i + q).unwrap_or(value.len());
        hits.push((from, value[from..to].to_string(), Kind::Url));
    }
    hits.into_iter().min_by_key(|h| h.0)
}

fn sample_posting(rel: &str, text: &str) -> Diagnostic {
    // Point at the title line: that is what the clerk sees first when opening the file.
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("title") {
            if let Some(value) = rest.trim_start().strip_prefix('=') {
                let title = value.trim().trim_matches('"').to_string();
                let at = offset + (line.len() - trimmed.len());
                return Diagnostic::warning(rel, Placeholder::SamplePosting { title })
                    .at_span(text, at..at + line.trim_end().len() - (line.len() - trimmed.len()));
            }
        }
        offset += line.len();
    }
    let title = rel.rsplit('/').next().unwrap_or(rel).to_string();
    Diagnostic::warning(rel, Placeholder::SamplePosting { title }).at(1, 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Lang;

    #[test]
    fn each_placeholder_line_is_named() {
        let text = "# 某某 in a comment is fine\ntitle = \"某某村三务公开栏\"\nunit = \"青石村\"\n\
                    base_url = \"https://example.org/mouzhuang/\"\n\n[contact]\nphone = \"0000-0000000\"\n\
                    address = \"某某镇人民政府纪检办\"\ncommittee = \"青石村村务监督委员会\"\n";
        let d = in_site_toml(text);
        let shown: Vec<String> = d.iter().map(|d| d.render(Lang::Zh)).collect();
        assert_eq!(d.len(), 4, "{shown:#?}");
        assert_eq!(d[0].location(), "site.toml:2:10");
        assert!(shown[0].contains("title 还是示例内容“某某”"), "{}", shown[0]);
        assert_eq!(d[1].location(), "site.toml:4:13");
        assert!(shown[1].contains("“https://example.org/mouzhuang/”"), "{}", shown[1]);
        assert_eq!(d[2].location(), "site.toml:7:10");
        assert!(shown[2].contains("[contact] phone 还是示例内容“0000-0000000”"), "{}", shown[2]);
        assert_eq!(d[3].location(), "site.toml:8:12");
        assert!(shown[0].contains("^^^^"), "{}", shown[0]);
    }

    #[test]
    fn real_values_are_not_placeholders() {
        // The example site's own settings (example.org/qingshi is its fictitious address).
        let example = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/site.toml"));
        let d = in_site_toml(&example.unwrap());
        assert!(d.is_empty(), "{:?}", d.iter().map(|d| d.render(Lang::Zh)).collect::<Vec<_>>());
        let text = "title = \"青石村三务公开栏\"\n[contact]\nphone = \"0571-88886666\"\n";
        assert!(in_site_toml(text).is_empty());
        let http = in_site_toml("base_url = \"http://example.org/mouzhuang/sub/\"\n");
        assert_eq!(http.len(), 1);
        assert!(http[0].render(Lang::Zh).contains("“http://example.org/mouzhuang/sub/”"));
    }

    #[test]
    fn sample_postings_point_at_their_title() {
        let t = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(t.path().join("content/village")).unwrap();
        std::fs::write(
            t.path().join("content/village/示例-决议.md"),
            "+++\ntitle = \"关于村内道路维修的决议公开\"\ndate = 2026-10-09\n+++\n",
        )
        .unwrap();
        std::fs::write(t.path().join("content/village/真实.md"), "+++\ntitle = \"x\"\n+++\n")
            .unwrap();
        let d = find(t.path());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].location(), "content/village/示例-决议.md:2:1");
        assert!(d[0].render(Lang::Zh).contains("“关于村内道路维修的决议公开”"));
    }
}
