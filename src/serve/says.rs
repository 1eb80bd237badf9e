//! What the preview says: in the terminal, in the language chosen at the CLI, and in the texts it
//! answers the browser with.

crate::messages! {
    /// What caused a rebuild, as part of the rebuild's line.
    pub enum Why {
        /// Saved files: the first of them by name (site-relative), and how many there were.
        Files { first: String, count: usize } = "serve.why-files",
            zh: {
                if *count == 1 { format!("（{first}）") } else { format!("（{first} 等 {count} 个文件）") }
            },
            en: {
                if *count == 1 { format!(" ({first})") } else { format!(" ({first} and {} more)", count - 1) }
            };
        /// A 公示 status changed with the date.
        DateChanged = "serve.why-date",
            zh: "（公示状态按日期变化）",
            en: " (date changed)";
    }
}

crate::messages! {
    /// What `gongkai serve` prints while it runs.
    pub enum ServeSays {
        NoSiteFolder { reason: String, root: String } = "serve.no-site-folder",
            zh: "找不到网站文件夹: {reason} ({root})",
            en: "site folder not found: {reason} ({root})";
        CannotWatch(reason: String) = "serve.cannot-watch",
            zh: "无法监视文件变化: {reason}",
            en: "cannot watch files: {reason}";
        Building = "serve.building", zh: "正在生成预览…", en: "Building the preview…";
        /// `updated` is the number of files a save changed (`None` for a full build).
        Rebuilt { why: Option<Why>, updated: Option<usize>, pages: usize, ms: u128, tabs: usize }
            = "serve.rebuilt",
            zh: {
                let why = why.as_ref().map(Why::zh).unwrap_or_default();
                let what = match updated {
                    Some(n) => format!("更新了 {n} 个文件（共 {pages} 个页面）"),
                    None => format!("{pages} 个页面"),
                };
                format!(
                    "已更新{why}：{what}，用时 {ms} 毫秒，已通知 {tabs} 个浏览器页面（站内搜索和校验清单随后更新）"
                )
            },
            en: {
                let why = why.as_ref().map(Why::en).unwrap_or_default();
                let what = match updated {
                    Some(n) => format!("{n} files updated ({pages} pages)"),
                    None => format!("{pages} pages"),
                };
                format!(
                    "Rebuilt{why}: {what} in {ms} ms, {tabs} tabs notified (search index and checksums follow)"
                )
            };
        BuildFailed { why: Option<Why>, errors: usize } = "serve.build-failed",
            zh: {
                let why = why.as_ref().map(Why::zh).unwrap_or_default();
                format!(
                    "生成失败{why}：共 {errors} 个错误，请按上面的提示修改。浏览器里会显示同样的提示，页面仍是上一次成功生成的版本。"
                )
            },
            en: {
                let why = why.as_ref().map(Why::en).unwrap_or_default();
                format!(
                    "Build failed{why} with {errors} errors. The browser shows them over the last good pages."
                )
            };
        /// Scripts and tests read the address from this line.
        PreviewAt(url: String) = "serve.preview-at", zh: "预览地址 {url}", en: "Preview at {url}";
        WorkbenchAt(url: String) = "serve.workbench-at", zh: "工作台 {url}", en: "Workbench at {url}";
        OpenToNetwork = "serve.open-to-network",
            zh: "注意：预览对同一网络里的所有电脑和手机开放（--bind 0.0.0.0）。草稿也能被看到，用完请按 Ctrl+C 关闭。",
            en: "Warning: the preview is open to every device on the network (drafts included).";
        ReloadHint = "serve.reload-hint",
            zh: "保存文件后浏览器会自动刷新。按 Ctrl+C 停止预览。",
            en: "Pages reload when you save. Press Ctrl+C to stop.";
        WatchError(reason: String) = "serve.watch-error",
            zh: "监视文件时出错: {reason}",
            en: "watch error: {reason}";
        PortInUse { port: u16, next: u16 } = "serve.port-in-use",
            zh: "端口 {port} 已被占用，改用 {next}",
            en: "Port {port} is in use, trying {next}";
        NoFreePort = "serve.no-free-port",
            zh: "找不到空闲端口，请用 --port 指定一个",
            en: "no free port found; pass --port";
        TailDone(ms: u128) = "serve.tail-done",
            zh: "站内搜索和校验清单已更新（{ms} 毫秒）",
            en: "Search index and checksums updated in {ms} ms";
    }
}

crate::messages! {
    /// What the preview answers the browser with when it serves no page.
    pub enum HttpSays {
        Method = "serve.method",
            zh: "只支持 GET 和 HEAD 请求",
            en: "only GET and HEAD requests are served";
        BadPath = "serve.bad-path",
            zh: "禁止访问：地址里不能有 .. 、反斜杠或编码过的斜杠",
            en: "forbidden: the address may not contain .., a backslash or an encoded slash";
        /// The page for a missing address when the site has no 404.html, up to its `<body>`'s end.
        NotFoundPage = "serve.not-found-page",
            zh: "<!DOCTYPE html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>找不到页面</title><body><h1>找不到这个页面</h1><p><a href=\"/\">回到首页</a></p>",
            en: "<!DOCTYPE html><html lang=\"en\"><meta charset=\"utf-8\"><title>Page not found</title><body><h1>No such page</h1><p><a href=\"/\">Back to the home page</a></p>";
        FileGone = "serve.file-gone", zh: "找不到这个文件", en: "file not found";
        NotReady = "serve.not-ready", zh: "服务器还没有准备好", en: "Not ready yet";
        TooManyStreams(max: usize) = "serve.too-many-streams",
            zh: "实时刷新的连接太多（最多 {max} 个）：请关掉一些预览页面，这个页面稍后会自动重试。",
            en: "Too many live-reload streams (at most {max}): close some preview tabs; this one retries by itself.";
        /// A request whose `Host` is not this preview (DNS rebinding); `lan` when the preview
        /// listens on every interface, so other devices are told how to open it.
        ForeignHost { host: String, url: String, port: u16, lan: bool } = "serve.foreign-host",
            zh: {
                let lan = if *lan {
                    format!(
                        "别的电脑或手机请用这台电脑的 IP 地址加端口打开，例如 http://192.168.1.5:{port}/ 。"
                    )
                } else {
                    String::new()
                };
                format!(
                    "拒绝访问：这个请求的主机名“{host}”不是本机的预览地址，可能是别的网站在冒用本机（DNS 重绑定）。请在浏览器地址栏直接输入 {url} 打开预览。{lan}"
                )
            },
            en: {
                let lan = if *lan {
                    format!(" From another device, use this computer's IP address and port {port}.")
                } else {
                    String::new()
                };
                format!(
                    "Forbidden: the host “{host}” is not this preview's address (a page may be trying DNS rebinding). Open {url} in the address bar.{lan}"
                )
            };
    }
}

impl HttpSays {
    /// The text in `lang`, one line, for a plain-text answer.
    pub fn line(&self, lang: crate::message::Lang) -> String {
        format!("{}\n", self.text(lang))
    }

    /// Both texts, Chinese first: a refusal or a busy answer may reach a page, or a person,
    /// other than the clerk whose language the preview speaks.
    pub fn both(&self) -> String {
        format!("{}\n{}\n", self.zh(), self.en())
    }
}
