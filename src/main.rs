//! The `gongkai` command: a thin layer over the library.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

mod cmd;

// mimalloc: building a large site allocates millions of small strings (comrak nodes, template
// values); the system allocator's per-thread arenas fragment and keep peak memory high.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The two knobs of mimalloc we turn (its C library is linked by the `mimalloc` crate).
mod allocator {
    unsafe extern "C" {
        fn mi_collect(force: bool);
        #[cfg(target_os = "linux")]
        fn mi_option_set(option: i32, value: std::ffi::c_long);
    }

    /// Gives the memory freed so far back to the system now. mimalloc otherwise does it about a
    /// second after the free, from whichever thread allocates next: in the preview that was the
    /// next save's rebuild, which paid ~5 ms for it at 10,000 postings.
    pub(crate) fn release_memory() {
        // SAFETY: a plain call into the allocator, which is safe from any thread at any time.
        unsafe { mi_collect(true) };
    }

    /// `mi_option_arena_eager_commit` in mimalloc v3's `mi_option_t` (the version
    /// libmimalloc-sys builds by default).
    #[cfg(target_os = "linux")]
    const MI_OPTION_ARENA_EAGER_COMMIT: i32 = 4;

    /// Commit arena memory as it is used rather than up front: on 10,000 postings peak memory
    /// drops from ~520 MiB to ~475 MiB at no cost in speed. It must be set before the first
    /// allocation, so it runs as a process constructor (Linux; elsewhere mimalloc's default
    /// stays).
    #[cfg(target_os = "linux")]
    extern "C" fn lazy_commit() {
        // SAFETY: stores a plain integer in mimalloc's option table.
        unsafe { mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0) };
    }

    #[cfg(target_os = "linux")]
    #[used]
    #[unsafe(link_section = ".init_array.00099")]
    static LAZY_COMMIT: extern "C" fn() = lazy_commit;
}
pub(crate) use allocator::release_memory;

/// gongkai（公开）：把村务、党务、财务公开内容生成可离线打开的公开栏网站。
#[derive(Parser, Debug)]
#[command(
    name = "gongkai",
    version,
    about = "把 Markdown 写的三务公开内容生成公开栏网站 / Build a transparency-board website from Markdown",
    long_about = None,
    after_help = "常用示例 / Examples:\n  gongkai                          （或双击 gongkai.exe）找到网站文件夹，在浏览器里预览\n  gongkai build                    生成网站到 public/ 文件夹\n  gongkai build --root D:\\青石村     生成指定文件夹里的网站\n  gongkai serve --open             边改边在浏览器里预览\n  gongkai new village \"关于村道硬化工程的决议公开\"\n  gongkai init 青石村               新建一个网站文件夹\n\n出错时会列出文件、行号和改法；public/ 里已发布的内容不会被改动。\n设置 GONGKAI_LANG=en 显示英文信息。"
)]
struct Cli {
    /// 网站文件夹（含 site.toml），默认当前文件夹 / Site folder
    #[arg(long, global = true, value_name = "DIR")]
    root: Option<PathBuf>,
    /// 只显示错误 / Print errors only
    #[arg(long, short, global = true)]
    quiet: bool,
    /// 按这一天生成（YYYY-MM-DD，默认北京时间今天）/ Build as of this date
    #[arg(long, global = true, value_name = "YYYY-MM-DD")]
    today: Option<String>,
    /// 不写命令（例如双击 gongkai.exe）：找到网站文件夹并在浏览器里预览
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// 检查全部内容（设置、链接、账目、公示期、个人信息、图片），不生成网站 / Check without writing
    #[command(
        after_help = "发布前先运行它：列出所有问题和位置，最后给出错误和提醒的数目；有错误时退出码为 1。\n示例：\n  gongkai check\n  gongkai check --format json   给其他程序读取"
    )]
    Check {
        /// 输出格式：text（默认）或 json / Output format
        #[arg(long, value_parser = ["text", "json"], default_value = "text")]
        format: String,
    },
    /// 生成网站到 public/（出错时不改动已发布的内容）/ Build the site
    #[command(
        after_help = "示例：\n  gongkai build\n  gongkai build --out D:\\发布\\青石村\n  gongkai build --drafts   连草稿一起生成（仅供自己检查，不要发布）"
    )]
    Build {
        /// 输出文件夹，默认 public / Output folder
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// 包括草稿和未到日期的内容 / Include drafts and future postings
        #[arg(long)]
        drafts: bool,
        /// 输出文件夹里已有别的文件、却没有 gongkai 的清单时，仍然生成到这里（原有文件保留）/ Build into a non-empty folder gongkai did not make
        #[arg(long)]
        force: bool,
    },
    /// 边改边看：在浏览器里预览网站，保存后自动刷新 / Live preview
    #[command(
        long_about = "在浏览器里预览网站（包括草稿和未到日期的内容），改完文件一保存，打开的页面就会自动刷新。\n\
预览只在内存里生成，public/ 文件夹里已发布的内容不会改动；要正式发布，请运行 gongkai build。\n\
文件写错时，浏览器里会显示和命令行一样的错误提示（哪个文件、第几行第几列），改好保存后提示自动消失。",
        after_help = "示例：\n  gongkai serve                  预览当前文件夹的网站，然后在浏览器打开显示的地址\n  gongkai serve --open           预览并自动打开浏览器\n  gongkai serve --root D:\\青石村   预览指定文件夹的网站\n  gongkai serve --port 8080      换一个端口（默认 1313，被占用时自动换下一个）\n  gongkai serve --poll           网站文件夹在共享文件夹、网络盘（SMB/NFS）或 WSL 里时使用\n\n什么时候用 --poll：保存后浏览器没有自动刷新，多半是文件放在网络盘、共享文件夹或 WSL 的 Windows 盘（/mnt/c）上，\n这些地方不会通知文件变化。加上 --poll 后每半秒检查一次文件，稍慢但可靠。\n\n按 Ctrl+C 停止预览。"
    )]
    Serve {
        /// 端口，默认 1313；填 0 由系统挑一个空闲端口 / Port (0 = any free port)
        #[arg(long, default_value_t = 1313)]
        port: u16,
        /// 监听地址，默认只有本机能看；0.0.0.0 让同一网络的手机也能看 / Address to bind
        #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
        bind: String,
        /// 自动打开浏览器 / Open the browser
        #[arg(long)]
        open: bool,
        /// 定时检查文件（网络盘、共享文件夹、WSL 用）/ Poll for changes (SMB/NFS/WSL)
        #[arg(long)]
        poll: bool,
        /// 工作台密码：用 --bind 开放到局域网时，有密码才能在工作台里修改 / Workbench password
        #[arg(long, env = "GONGKAI_WB_PASSWORD", value_name = "PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// 新建一个网站文件夹，带示例内容 / Create a new site
    #[command(after_help = "示例：\n  gongkai init 青石村")]
    Init {
        /// 新网站的文件夹 / Folder to create
        dir: PathBuf,
    },
    /// 新建一篇公开内容 / Create a new posting
    #[command(
        after_help = "示例：\n  gongkai new village \"关于村道硬化工程的决议公开\"\n  gongkai new party \"2026年第三季度党费收缴情况公开\"\n  gongkai new finance \"2026年10月财务收支公开\" --bundle"
    )]
    New {
        /// 栏目：village（村务）、party（党务）、finance（财务）或其下的子栏目
        section: String,
        /// 标题 / Title
        title: String,
        /// 建成文件夹（可放附件、照片、账目表）/ Create a bundle folder
        #[arg(long)]
        bundle: bool,
    },
    /// 把 Word 文件（.docx）导入为一篇草稿 / Import a Word file as a draft posting
    #[command(
        after_help = "示例：\n  gongkai import 通知.docx\n  gongkai import D:\\文件\\财务公示.docx --section finance\n  gongkai import 决议公开.docx --bundle   建成文件夹（可再放附件、照片）\n\n标题、落款的单位和日期、类别从文档里找；正文变成 Markdown，表格、加粗、列表、脚注和图片都保留。\n合并单元格、文本框等网页上没有的东西会逐条提醒，不会悄悄丢掉。已有的内容不会被覆盖。\n.doc 和 .wps 文件请先在 Word 或 WPS 里另存为 .docx。"
    )]
    Import {
        /// Word 文件（.docx）/ The .docx file
        file: PathBuf,
        /// 栏目，默认按类别猜：village、party 或 finance / Section (guessed from the kind)
        #[arg(long)]
        section: Option<String>,
        /// 建成文件夹（有图片时总是建文件夹）/ Create a bundle folder
        #[arg(long)]
        bundle: bool,
    },
    /// 把公开栏或一篇内容打印成 PDF（用本机的 Chromium/Chrome/Edge）/ Print a board or posting to PDF
    #[command(
        after_help = "示例：\n  gongkai print gongkaolan-a4 --pdf 公开栏.pdf\n  gongkai print main-board --tiles --pdf 大公开栏拼贴.pdf\n  gongkai print content/village/2026-road-decision.md --pdf 决议公开.pdf\n\n不改动 public/。找浏览器的顺序：环境变量 GONGKAI_BROWSER，PATH 里的 chromium、google-chrome、msedge，\n再到 Program Files 下的常见安装位置。在浏览器里按“打印本页”手动打印，效果相同。"
    )]
    Print {
        /// 公开栏名称（site.toml 的 [[boards]] name）或内容文件 / Board name or posting file
        target: Option<String>,
        /// 输出的 PDF 文件 / Output PDF
        #[arg(long, value_name = "OUT.pdf")]
        pdf: PathBuf,
        /// 大公开栏分张拼贴（A3 纸，带裁切标记）/ Print a large board as tiles
        #[arg(long)]
        tiles: bool,
        /// 包括草稿和未到日期的内容 / Include drafts and future postings
        #[arg(long)]
        drafts: bool,
    },
    /// 发布：先生成并检查网站，再只把改动的文件上传到服务器 / Upload the site to the server
    #[command(
        long_about = "先像 gongkai build 一样生成并检查网站（有错误就不发布），再和服务器上的 manifest.json 比较，\
只上传新的和改过的文件：先传附件图片等，再传页面，最后传 manifest.json，然后删除不再需要的旧文件。\
中途断网或关机，访问者看到的网站仍然完整；再运行一次就接着完成。服务器上不是 gongkai 发布的文件不会被改动或删除。",
        after_help = "发布目标写在 site.toml 里：\n  [[publish]]\n  name = \"township\"\n  url = \"sftp://qingshi@www.example.org/var/www/qingshi/\"\n\n\
地址可以是 ftp://、ftps://、sftp://、webdav://、webdavs://、s3://存储桶/文件夹（再写 endpoint 和 region），或 U 盘/共享文件夹路径。\n\
密码不要写进 site.toml：设置环境变量 GONGKAI_PUBLISH_PASSWORD（S3 用 GONGKAI_S3_ACCESS_KEY_ID 和 GONGKAI_S3_SECRET_ACCESS_KEY），\n\
或者不设置，发布时当场输入。\n\n示例：\n  gongkai publish                 发布到唯一的目标（先列出改动并询问确认）\n  gongkai publish township --dry-run   只列出会上传、替换、删除哪些文件\n  gongkai publish --yes           不询问直接发布（计划任务里用）\n  gongkai publish --to E:\\公开栏   发布到 U 盘"
    )]
    Publish {
        /// site.toml 里 [[publish]] 的 name（只有一个目标时可省略）/ Target name
        name: Option<String>,
        /// 临时发布到这个地址 / Publish to this address instead
        #[arg(long, value_name = "URL")]
        to: Option<String>,
        /// 只列出会改动什么，不上传 / List the changes only
        #[arg(long)]
        dry_run: bool,
        /// 不询问，直接发布 / Do not ask for confirmation
        #[arg(long)]
        yes: bool,
    },
}

fn main() -> ExitCode {
    cmd::console::setup();
    let cli = Cli::parse();
    let root = cli.root.clone().unwrap_or_else(|| PathBuf::from("."));
    let ctx = cmd::Ctx::new(root, cli.quiet, cli.today.as_deref());
    let ctx = match ctx {
        Ok(c) => c,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::from(2);
        }
    };
    // A build killed in the middle of replacing public/ (where the OS has no atomic exchange)
    // is completed first, whatever this command is.
    if let Err(e) = gongkai::output::recover(&ctx.root.join("public")) {
        eprintln!("{}", e.text(ctx.lang));
    }
    let Some(command) = cli.command else {
        return cmd::start::run(&ctx, cli.root.is_some());
    };
    match command {
        Command::Build { out, drafts, force } => cmd::build::run(&ctx, out, drafts, force),
        Command::Check { format } => cmd::check::run(&ctx, format == "json"),
        Command::Serve { port, bind, open, poll, password } => cmd::serve::run(
            &ctx,
            cmd::serve::Args { port, bind, open, poll, fixed_today: cli.today.is_some(), password },
        ),
        Command::Init { dir } => cmd::init::run(&ctx, &dir),
        Command::New { section, title, bundle } => cmd::new::run(&ctx, &section, &title, bundle),
        Command::Import { file, section, bundle } => {
            cmd::import::run(&ctx, &file, section.as_deref(), bundle)
        }
        Command::Print { target, pdf, tiles, drafts } => {
            cmd::print::run(&ctx, target, pdf, tiles, drafts)
        }
        Command::Publish { name, to, dry_run, yes } => {
            cmd::publish::run(&ctx, cmd::publish::Args { name, to, dry_run, yes })
        }
    }
}
