//! The module layering rule of issue 14: no import cycle between top-level modules of `src/`.
//!
//! A cycle means a lower layer reaches up into a higher one (a stage importing the pipeline that
//! calls it), which is how a codebase stops being readable from the bottom up. This test reads
//! every source file, collects the `crate::module` paths it names (in `use` lines and in code,
//! comments and strings excluded), and fails naming each cycle with one file:line per edge.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The top-level module a file under `src/` belongs to (`src/ledger/read_csv.rs` -> `ledger`).
fn owner(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(name, "lib" | "main")).then(|| name.to_string())
}

/// Drops `//` comments and string literals, keeping line numbers, so that docs naming a module
/// (`[`crate::pipeline`]`) do not count as imports.
fn code_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_test = false;
    for line in text.lines() {
        // Unit tests may reach anywhere; they are not part of the layering.
        if line.starts_with("#[cfg(test)]") {
            in_test = true;
        }
        if in_test {
            out.push(String::new());
            continue;
        }
        let mut s = String::new();
        let mut chars = line.chars().peekable();
        let mut in_str = false;
        while let Some(c) = chars.next() {
            if in_str {
                if c == '\\' {
                    chars.next();
                } else if c == '"' {
                    in_str = false;
                }
                continue;
            }
            if c == '"' {
                in_str = true;
                continue;
            }
            if c == '/' && chars.peek() == Some(&'/') {
                break;
            }
            s.push(c);
        }
        out.push(s);
    }
    out
}

/// Module names referenced as `crate::name`, including inside `use crate::{a, b::c}` groups.
fn referenced(line: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = line;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        let names: Vec<&str> = if let Some(group) = after.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            group[..end].split(',').map(|x| x.trim().split("::").next().unwrap_or("")).collect()
        } else {
            vec![after.split(|c: char| !c.is_alphanumeric() && c != '_').next().unwrap_or("")]
        };
        for n in names {
            if modules.contains(n) {
                found.insert(n.to_string());
            }
        }
        rest = after;
    }
    found
}

#[test]
fn top_level_modules_import_each_other_without_cycles() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = root.join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let modules: BTreeSet<String> = files.iter().filter_map(|f| owner(&src, f)).collect();
    // edge (from, to) -> first place it is made
    let mut edges: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut multi_line_group = false;
    for f in &files {
        let Some(from) = owner(&src, f) else { continue };
        let text = std::fs::read_to_string(f).unwrap();
        for (n, line) in code_lines(&text).iter().enumerate() {
            // `use crate::{\n  a,\n  b::c,\n};` spreads a group over lines.
            let probe =
                if multi_line_group { format!("crate::{}", line.trim()) } else { line.clone() };
            if line.trim_start().starts_with("use crate::{") && !line.contains('}') {
                multi_line_group = true;
            } else if multi_line_group && line.contains('}') {
                multi_line_group = false;
            }
            for to in referenced(&probe, &modules) {
                if to != from {
                    let place = format!("{}:{}", f.strip_prefix(root).unwrap().display(), n + 1);
                    edges.entry((from.clone(), to)).or_insert(place);
                }
            }
        }
    }
    // Tarjan's strongly connected components.
    let names: Vec<&String> = modules.iter().collect();
    let index_of: BTreeMap<&String, usize> =
        names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let mut adj = vec![Vec::new(); names.len()];
    for (a, b) in edges.keys() {
        adj[index_of[a]].push(index_of[b]);
    }
    struct T {
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        sccs: Vec<Vec<usize>>,
    }
    fn visit(v: usize, adj: &[Vec<usize>], t: &mut T) {
        t.index[v] = Some(t.next);
        t.low[v] = t.next;
        t.next += 1;
        t.stack.push(v);
        t.on[v] = true;
        for &w in &adj[v] {
            match t.index[w] {
                None => {
                    visit(w, adj, t);
                    t.low[v] = t.low[v].min(t.low[w]);
                }
                Some(iw) if t.on[w] => t.low[v] = t.low[v].min(iw),
                _ => {}
            }
        }
        if Some(t.low[v]) == t.index[v] {
            let mut scc = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on[w] = false;
                scc.push(w);
                if w == v {
                    break;
                }
            }
            if scc.len() > 1 {
                scc.sort();
                t.sccs.push(scc);
            }
        }
    }
    let n = names.len();
    let mut t = T {
        index: vec![None; n],
        low: vec![0; n],
        on: vec![false; n],
        stack: vec![],
        next: 0,
        sccs: vec![],
    };
    for v in 0..n {
        if t.index[v].is_none() {
            visit(v, &adj, &mut t);
        }
    }
    let mut report = String::new();
    for scc in &t.sccs {
        let members: BTreeSet<&String> = scc.iter().map(|&i| names[i]).collect();
        report.push_str(&format!("cycle among {members:?}:\n"));
        for ((a, b), place) in &edges {
            if members.contains(a) && members.contains(b) {
                report.push_str(&format!("  {a} -> {b}   ({place})\n"));
            }
        }
    }
    assert!(t.sccs.is_empty(), "top-level modules import each other in a circle:\n{report}");
}
