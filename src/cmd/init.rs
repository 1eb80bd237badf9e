//! `gongkai init DIR`: a new site with a commented site.toml and one example per section.

use super::Ctx;
use std::path::Path;
use std::process::ExitCode;

gongkai::messages! {
    /// What `gongkai init` says.
    enum Says {
        Exists(dir: String) = "init.exists",
            zh: "{dir} 里已经有网站（site.toml），没有覆盖",
            en: "{dir} already has a site.toml; nothing overwritten";
        Created { dir: String, site_toml: String } = "init.created",
            zh: "已新建网站 {dir}。\n下一步：\n  1. 用记事本打开 {site_toml}，改成本村的名称、监督电话等\n  2. 在 content 文件夹里写公开内容（或运行 gongkai new village \"标题\"）\n  3. 运行 gongkai build --root {dir} 生成网站",
            en: "Created a new site in {dir}. Edit site.toml, add postings under content/, then run gongkai build --root {dir}.";
    }
}

const SITE_TOML: &str = r#"# 网站设置。改完保存后运行 gongkai build。
# 以 # 开头的行是说明，不起作用。

# 网站名称，显示在每页顶部
title = "某某村三务公开栏"
# 公开单位
unit = "某某镇某某村村民委员会"
# 网站的网址（可以带子路径）。只用于二维码、订阅等需要完整网址的地方；
# 网站里的链接都是相对的，放到U盘里双击 index.html 也能打开。
base_url = "https://example.org/mouzhuang/"
# 栏目顺序
sections = ["village", "party", "finance"]
# 每页显示多少条
paginate = 20

[contact]
# 监督电话、举报地址、监督机构，显示在每篇公开内容下面
phone = "0000-0000000"
address = "某某镇人民政府纪检办"
committee = "某某村村务监督委员会"

# 打印：每篇都能用“打印本页”打印成张贴用纸（默认 A4 纵向，带签字栏、盖章处和二维码）。
[print]
paper = "A4"               # A4 或 A3
orientation = "portrait"   # portrait（纵向）或 landscape（横向）

# 党务由党支部发布：这个栏目的网页、用纸和公开栏上写这个单位。
[print.sections.party]
issuer = "中共某某村支部委员会"

# 公开栏：把选中的内容排成一张可以打印张贴的公开栏，在 public/boards/ 下。
# 可以有好几块，每块以 [[boards]] 开头。
[[boards]]
name = "公开栏"            # 名称，也是文件夹名（可以用中文）
title = "某某村三务公开栏"  # 印在公开栏顶部的标题
paper = "A4"               # A4、A3，或者实际尺寸 { width_mm = 2400, height_mm = 1200 }
columns = 1                # 分几栏
active_notices = true      # 放上正在公示的内容
latest_finance = true      # 放上最新一期财务公开
sections = ["party"]       # 再放上这些栏目……
latest = 2                 # ……里最新的几篇
# kinds = ["决议公开"]      # 也可以按类别选
# max_items = 10           # 最多放几篇
# 大公开栏分张打印后拼贴：
# [boards.tiles]
# paper = "A3"
# overlap_mm = 10
"#;

const FILES: &[(&str, &str)] = &[
    (
        "content/village/_index.md",
        "+++\ntitle = \"村务公开\"\ndescription = \"村民（代表）会议决定及执行情况、补助资金发放等村务事项\"\n+++\n",
    ),
    (
        "content/party/_index.md",
        "+++\ntitle = \"党务公开\"\ndescription = \"党组织建设、发展党员、党费收缴使用等党务事项\"\n+++\n",
    ),
    (
        "content/finance/_index.md",
        "+++\ntitle = \"财务公开\"\ndescription = \"村集体收入、支出、资产和债权债务，逐项逐笔公开\"\n+++\n",
    ),
    (
        "content/village/示例-村民代表会议决议.md",
        "+++\ntitle = \"关于村内道路维修的决议公开\"\ndate = {date}\nkind = \"决议公开\"\n+++\n\n经村民代表会议讨论，同意维修村内道路。\n\n| 项目 | 内容 |\n| --- | --- |\n| 会议时间 | {date} |\n| 应到人数 | 25 人 |\n| 实到人数 | 23 人 |\n| 同意 | 21 人 |\n",
    ),
    (
        "content/party/示例-党费收缴情况.md",
        "+++\ntitle = \"党费收缴情况公开\"\ndate = {date}\nkind = \"党费收缴\"\n+++\n\n本季度应缴党费的党员 30 名，已全部按时足额缴纳。\n",
    ),
    (
        "content/finance/示例-财务收支公开.md",
        "+++\ntitle = \"财务收支情况公开\"\ndate = {date}\nkind = \"财务收支\"\n\n# 审核记录：公开前经民主理财小组审核（审核日期不能晚于 date）。请改成真实的审核人和意见。\n[[signoff]]\nbody = \"民主理财小组\"\nreviewers = [\"（审核人姓名）\"]\ndate = {date}\nopinion = \"经逐笔审核，收支属实\"\n+++\n\n| 日期 | 摘要 | 收入（元） | 支出（元） |\n| --- | --- | ---: | ---: |\n| {date} | 示例 | 1,000.00 | |\n",
    ),
    (
        ".gitignore",
        "# public/ 是生成的网站，不提交到 git；但请在这台电脑上保留它：里面的 manifest.json 记录已发布的内容。\n\
         # 用 gongkai publish 发布时，已发布的记录在 .gongkai/published.json，它要提交。\n\
         /public\n/.public.gongkai-*\n/.gongkai-cache\n",
    ),
];

pub fn run(ctx: &Ctx, dir: &Path) -> ExitCode {
    if dir.join("site.toml").exists() {
        eprintln!("{}", Says::Exists(dir.display().to_string()).text(ctx.lang));
        return ExitCode::from(1);
    }
    let date = gongkai::date::format_iso(ctx.today);
    let mut files: Vec<(String, String)> = vec![("site.toml".into(), SITE_TOML.into())];
    files.extend(FILES.iter().map(|(p, t)| (p.to_string(), t.replace("{date}", &date))));
    for (rel, text) in files {
        let path = dir.join(rel);
        let res = path
            .parent()
            .map(std::fs::create_dir_all)
            .unwrap_or(Ok(()))
            .and_then(|()| std::fs::write(&path, text));
        if let Err(e) = res {
            eprintln!("{}: {e}", path.display());
            return ExitCode::from(1);
        }
    }
    ctx.say(Says::Created {
        dir: dir.display().to_string(),
        site_toml: dir.join("site.toml").display().to_string(),
    });
    ExitCode::SUCCESS
}
