//! Themes: templates and static files, with the default theme embedded in the binary so a site
//! needs no `themes/` folder. Lookup order for a template: the site's `templates/`, then the
//! site's `themes/NAME/templates/`, then the embedded default theme.

use include_dir::{Dir, include_dir};
use std::path::{Path, PathBuf};

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Where templates and theme static files come from.
#[derive(Debug, Clone)]
pub struct Theme {
    pub name: String,
    site_templates: PathBuf,
    theme_dir: PathBuf,
    site_root: PathBuf,
}

/// A static file of the theme or site, to be copied into the output.
#[derive(Debug, Clone)]
pub enum StaticSource {
    Embedded(&'static [u8]),
    Disk(PathBuf),
}

impl Theme {
    pub fn new(site_root: &Path, name: &str) -> Theme {
        Theme {
            name: name.to_string(),
            site_templates: site_root.join("templates"),
            theme_dir: site_root.join("themes").join(name),
            site_root: site_root.to_path_buf(),
        }
    }

    /// Whether a named non-default theme folder is missing.
    pub fn is_missing(&self) -> bool {
        self.name != "default" && !self.theme_dir.is_dir()
    }

    /// Finds a template's source and a display path for messages.
    pub fn template(&self, name: &str) -> Option<(String, String)> {
        if name.contains("..") || name.starts_with('/') || name.contains('\\') {
            return None;
        }
        for (dir, display) in [
            (&self.site_templates, format!("templates/{name}")),
            (&self.theme_dir.join("templates"), format!("themes/{}/templates/{name}", self.name)),
        ] {
            let path = dir.join(name);
            // A template linked from outside the site is not read (see `sitepath`).
            if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink())
                && !crate::sitepath::inside(&self.site_root, &path)
            {
                continue;
            }
            if let Ok(text) = std::fs::read_to_string(&path) {
                return Some((text, display));
            }
        }
        DEFAULT_THEME
            .get_file(format!("templates/{name}"))
            .and_then(|f| f.contents_utf8())
            .map(|t| (t.to_string(), format!("(默认主题) templates/{name}")))
    }

    /// Static files of the theme, as (site-relative output path under `static/`, source).
    /// Files of a site theme override embedded defaults of the same name.
    pub fn static_files(&self) -> Vec<(String, StaticSource)> {
        let mut out = std::collections::BTreeMap::new();
        if let Some(dir) = DEFAULT_THEME.get_dir("static") {
            collect_embedded(dir, &mut out);
        }
        let disk = self.theme_dir.join("static");
        if disk.is_dir() {
            for entry in walkdir::WalkDir::new(&disk).sort_by_file_name().into_iter().flatten() {
                // Links too: the build checks that they stay inside the site.
                if entry.file_type().is_file() || entry.path_is_symlink() {
                    let rel = crate::diagnostic::display_path(&disk, entry.path());
                    out.insert(format!("static/{rel}"), StaticSource::Disk(entry.into_path()));
                }
            }
        }
        out.into_iter().collect()
    }
}

fn collect_embedded(
    dir: &'static Dir<'static>,
    out: &mut std::collections::BTreeMap<String, StaticSource>,
) {
    for f in dir.files() {
        let rel = f.path().to_string_lossy().replace('\\', "/");
        out.insert(rel, StaticSource::Embedded(f.contents()));
    }
    for d in dir.dirs() {
        collect_embedded(d, out);
    }
}

/// The embedded default theme's files, for `gongkai init --theme` style exports and tests.
pub fn default_template_names() -> Vec<String> {
    DEFAULT_THEME
        .get_dir("templates")
        .map(|d| {
            d.files()
                .map(|f| f.path().file_name().unwrap_or_default().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}
