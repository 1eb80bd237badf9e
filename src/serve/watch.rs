//! Watching the site's sources: which folders, which events count, and debouncing.
//!
//! Only `site.toml`, `content/`, `templates/`, `themes/` and `static/` are sources; `public/`,
//! `.git/` and anything else in the site folder never trigger a rebuild. Editors' side files
//! (swap, backup, lock and temp files, vim's `4913` probe) are ignored by name with the same rule
//! the loader uses, and `Access` events are ignored because reading a file (as every build does)
//! emits them: counting them would make every build trigger the next.

use crate::load::is_ignored_name;
use notify::event::{MetadataKind, ModifyKind};
use notify::{EventKind, PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{
    DebounceEventResult, Debouncer, NoCache, RecommendedCache, new_debouncer, new_debouncer_opt,
};
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

/// Folders under the site root whose contents are sources.
pub const SOURCE_DIRS: [&str; 4] = ["content", "templates", "themes", "static"];

/// How long the debouncer waits for a file's events to settle. An editor's save is over in a
/// millisecond or two (the workbench's is one rename); a rebuild that still catches a file
/// half-written is followed by another once the rest of it is written (and rebuilds of one
/// file are cheap: see `pipeline::preview`). Part of every save's wait for its reload, with
/// [`TICK`] and the server's settle time.
pub const DEBOUNCE: Duration = Duration::from_millis(10);

/// How often the debouncer looks for settled events (its thread wakes this often, idle or
/// not; ~0.25 % of one core, measured idle).
pub const TICK: Duration = Duration::from_millis(2);

/// A running watcher; dropping it stops watching.
pub enum Watcher {
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    Poll(Debouncer<PollWatcher, NoCache>),
}

impl Watcher {
    /// Watches `root` (for `site.toml` and new source folders) and each source folder in it.
    /// Debounced batches of events are sent to `tx`.
    pub fn start(root: &Path, poll: bool, tx: Sender<DebounceEventResult>) -> notify::Result<Self> {
        let mut w = if poll {
            let config = notify::Config::default().with_poll_interval(Duration::from_millis(500));
            Watcher::Poll(new_debouncer_opt(DEBOUNCE, Some(TICK), tx, NoCache, config)?)
        } else {
            Watcher::Native(new_debouncer(DEBOUNCE, Some(TICK), tx)?)
        };
        w.watch(root, RecursiveMode::NonRecursive)?;
        for d in SOURCE_DIRS {
            let dir = root.join(d);
            if dir.is_dir() {
                w.watch(&dir, RecursiveMode::Recursive)?;
            }
        }
        Ok(w)
    }

    pub fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match self {
            Watcher::Native(d) => d.watch(path, mode),
            Watcher::Poll(d) => d.watch(path, mode),
        }
    }
}

/// A source folder created after the server started (`templates/` added by the clerk), which
/// needs a recursive watch of its own.
pub fn new_source_dir(root: &Path, event: &notify::Event) -> Option<PathBuf> {
    if !matches!(event.kind, EventKind::Create(_) | EventKind::Modify(ModifyKind::Name(_))) {
        return None;
    }
    event.paths.iter().find_map(|p| {
        let rel = p.strip_prefix(root).ok()?;
        let mut c = rel.components();
        let first = c.next()?.as_os_str().to_str()?;
        (c.next().is_none() && SOURCE_DIRS.contains(&first) && p.is_dir()).then(|| p.clone())
    })
}

/// Whether an event should cause a rebuild.
pub fn is_relevant(root: &Path, event: &notify::Event) -> bool {
    let kind_counts = match event.kind {
        EventKind::Access(_) => false,
        // Reading updates the access time; permissions and owners do not change the site.
        EventKind::Modify(ModifyKind::Metadata(
            MetadataKind::AccessTime
            | MetadataKind::Permissions
            | MetadataKind::Ownership
            | MetadataKind::Extended,
        )) => false,
        _ => true,
    };
    kind_counts && event.paths.iter().any(|p| is_source_path(root, p))
}

/// Whether `path` is a source of the site: `site.toml` or a file or folder under a source folder,
/// with no ignored component (hidden folders, editor side files) on the way.
pub fn is_source_path(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else { return false };
    let names: Vec<&str> = match rel.components().map(|c| c.as_os_str().to_str()).collect() {
        Some(n) => n,
        None => return false,
    };
    match names.as_slice() {
        [] => false,
        ["site.toml"] => true,
        [first, rest @ ..] => {
            SOURCE_DIRS.contains(first) && rest.iter().all(|n| !is_editor_side_file(n))
        }
    }
}

/// Side files editors write next to the real one while saving.
fn is_editor_side_file(name: &str) -> bool {
    is_ignored_name(name)
        || name.ends_with(".swo")
        || name.ends_with(".crswap")
        || name.ends_with(".part")
        || name.ends_with(".kate-swp")
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, CreateKind, DataChange, RenameMode};

    fn ev(kind: EventKind, paths: &[&str]) -> notify::Event {
        let mut e = notify::Event::new(kind);
        for p in paths {
            e = e.add_path(PathBuf::from(p));
        }
        e
    }

    #[test]
    fn sources_and_side_files() {
        let root = Path::new("/s");
        for yes in
            ["/s/site.toml", "/s/content/village/a.md", "/s/templates/base.html", "/s/static/x.png"]
        {
            assert!(is_source_path(root, Path::new(yes)), "{yes}");
        }
        for no in [
            "/s/public/index.html",
            "/s/.git/index",
            "/s/content/village/.a.md.swp",
            "/s/content/village/a.md~",
            "/s/content/village/4913",
            "/s/content/village/a.md.tmp",
            "/s/content/village/.#a.md",
            "/s/content/village/#a.md#",
            "/s/content/.git/x",
            "/s/other.toml",
            "/elsewhere/content/a.md",
        ] {
            assert!(!is_source_path(root, Path::new(no)), "{no}");
        }
    }

    #[test]
    fn access_never_counts_and_renames_do() {
        let root = Path::new("/s");
        let md = "/s/content/village/a.md";
        assert!(!is_relevant(root, &ev(EventKind::Access(AccessKind::Any), &[md])));
        assert!(!is_relevant(
            root,
            &ev(EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)), &[md])
        ));
        assert!(is_relevant(
            root,
            &ev(EventKind::Modify(ModifyKind::Data(DataChange::Any)), &[md])
        ));
        assert!(is_relevant(root, &ev(EventKind::Create(CreateKind::File), &[md])));
        // An atomic save: temp file renamed over the real one.
        assert!(is_relevant(
            root,
            &ev(
                EventKind::Modify(ModifyKind::Name(RenameMode::Both)),
                &["/s/content/village/a.md.tmp", md]
            )
        ));
        assert!(!is_relevant(
            root,
            &ev(EventKind::Create(CreateKind::File), &["/s/content/village/a.md.tmp"])
        ));
    }
}
