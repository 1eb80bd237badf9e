//! What a finished build says, the same from `gongkai build` and the workbench's 生成.

crate::messages! {
    /// A build that wrote the site.
    pub struct Built { pub pages: usize, pub files: usize, pub secs: f64, pub warnings: usize, pub out: String }
        = "build.built",
        zh: {
            let warn = if *warnings > 0 { format!("，有 {warnings} 条提醒") } else { String::new() };
            format!("已生成 {pages} 个页面（共 {files} 个文件），用时 {secs:.1} 秒{warn}。输出在 {out}")
        },
        en: {
            let warn = if *warnings > 0 { format!(", {warnings} warnings") } else { String::new() };
            format!("Built {pages} pages ({files} files) in {secs:.1} s{warn}. Output: {out}")
        };
}
