//! What publishing says, the same from `gongkai publish` and the workbench's 发布.

crate::messages! {
    /// How many files a plan sends, replaces and removes: a part of other messages.
    pub struct PlanCounts { pub new: usize, pub replaced: usize, pub removed: usize, pub mb: f64 }
        = "publish.counts",
        zh: "上传 {new} 个新文件、替换 {replaced} 个已有文件、删除 {removed} 个不再需要的文件（共 {mb:.1} MB）",
        en: "{new} new, {replaced} replaced, {removed} removed ({mb:.1} MB)";
}

crate::messages! {
    /// The steps of a publish and their outcome.
    pub enum PublishSays {
        Connecting(label: String) = "publish.connecting",
            zh: "正在连接 {label} …",
            en: "Connecting to {label} …";
        UpToDate(label: String) = "publish.up-to-date",
            zh: "{label} 上的网站已是最新，没有需要上传的文件。",
            en: "{label} is up to date; nothing to upload.";
        /// One line of the plan: a new file.
        Upload(path: String) = "publish.plan-upload", zh: "上传 {path}", en: "upload {path}";
        /// A file that replaces the server's.
        Replace(path: String) = "publish.plan-replace", zh: "替换 {path}", en: "replace {path}";
        /// A file the site no longer has.
        Remove(path: String) = "publish.plan-remove", zh: "删除 {path}", en: "remove {path}";
        Manifest = "publish.plan-manifest", zh: "更新 manifest.json", en: "update manifest.json";
        Published { uploaded: usize, replaced: usize, removed: usize, mb: f64, site: String }
            = "publish.published",
            zh: "发布完成：上传 {uploaded} 个新文件，替换 {replaced} 个，删除 {removed} 个，共 {mb:.1} MB。网站地址：{site}",
            en: "Published: {uploaded} new, {replaced} replaced, {removed} removed, {mb:.1} MB. Site: {site}";
    }
}
