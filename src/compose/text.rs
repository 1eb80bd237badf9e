//! The posting's text: `+++` TOML front matter with the README's keys in the README's order and
//! its comments aligned as there, then a body skeleton suited to the kind (a candidate table for
//! 发展党员, the ledger pointer for 财务收支 …). Keys the clerk left empty are written as
//! comments, the way `gongkai new` and the README show optional keys, so the file explains itself
//! when opened in Notepad.

use jiff::civil::Date;

use super::{Draft, Kind, given};
use crate::date::format_iso;
use crate::diagnostic::display_width;
use crate::notice::Count;

/// Column of the comments of top-level keys (display width, CJK counted twice), as in the README.
const TOP: usize = 34;
/// Column of the comments inside `[notice]`.
const NOTICE: usize = 25;
/// Column of the comments inside `[[signoff]]`.
const SIGNOFF: usize = 43;

/// A TOML basic string: `"…"` with `\`, `"` and control characters escaped. For the values
/// given to [`super::set_keys`]: `toml_string("关于\"一事一议\"")`.
pub fn toml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn toml_list(items: &[String]) -> String {
    let parts: Vec<String> =
        items.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).map(toml_str).collect();
    format!("[{}]", parts.join(", "))
}

/// One line: `code`, then the comment at `column` (at least two spaces after the code).
fn line(out: &mut String, code: &str, column: usize, comment: &str) {
    out.push_str(code);
    if !comment.is_empty() {
        let w = display_width(code);
        let pad = if w + 2 <= column { column - w } else { 2 };
        out.push_str(&" ".repeat(pad));
        out.push_str("# ");
        out.push_str(comment);
    }
    out.push('\n');
}

fn quarter_zh(d: Date) -> String {
    let q = ["一", "二", "三", "四"][((d.month() - 1) / 3) as usize];
    format!("{}年第{q}季度", d.year())
}

/// Escapes what Markdown would read as markup in a short text put into the body.
fn md(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if matches!(c, '\\' | '*' | '_' | '[' | ']' | '<' | '>' | '`' | '|' | '~' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

pub(super) fn posting(draft: &Draft, date: Date, notice: Option<(u32, Count)>) -> String {
    let mut out = String::from("+++\n");
    front(&mut out, draft, date, notice);
    out.push_str("+++\n\n");
    out.push_str(&body(draft));
    out
}

fn front(out: &mut String, d: &Draft, date: Date, notice: Option<(u32, Count)>) {
    line(out, &format!("title = {}", toml_str(d.title.trim())), 0, "");
    line(out, &format!("date = {}", format_iso(date)), TOP, "公开日期");
    let kinds = "类别：发展党员、低保公示、招标结果、决议公开、实施结果公开、财务收支、党费收缴……";
    match d.kind.front_matter() {
        Some(k) => line(out, &format!("kind = {}", toml_str(k)), TOP, kinds),
        None => line(out, "# kind = \"决议公开\"", TOP, kinds),
    }
    let period_hint = "公开的时间范围，也可写 2026年7月、2026年度、2026年5月至10月";
    match given(&d.period) {
        Some(p) => line(out, &format!("period = {}", toml_str(p)), TOP, period_hint),
        None => line(
            out,
            &format!("# period = \"{}\"", quarter_zh(date)),
            TOP,
            "公开的时间范围（可选）",
        ),
    }
    let tags: Vec<String> = d.tags.iter().filter(|t| !t.trim().is_empty()).cloned().collect();
    if tags.is_empty() {
        line(out, "# tags = [\"村道\"]", TOP, "标签（可选）");
    } else {
        line(out, &format!("tags = {}", toml_list(&tags)), TOP, "标签（可选）");
    }
    match given(&d.summary) {
        Some(s) => line(out, &format!("summary = {}", toml_str(s)), TOP, "一句话摘要"),
        None => line(out, "# summary = \"一句话摘要\"", TOP, "不写就取正文第一段"),
    }
    if d.draft {
        line(out, "draft = true", TOP, "草稿：gongkai build 不发布；写好并核对后删去这一行");
    } else {
        line(out, "# draft = true", TOP, "草稿：gongkai build 不发布");
    }
    if d.kind.is_finance() || given(&d.ledger).is_some() {
        finance_keys(out, d);
    }
    if let Some((days, count)) = notice {
        notice_table(out, d, days, count);
    }
    for (i, a) in d.attachments.iter().enumerate() {
        out.push('\n');
        let comment = if i == 0 { "附件（放在同一个文件夹里）" } else { "" };
        line(out, "[[attachments]]", TOP, comment);
        line(out, &format!("file = {}", toml_str(a.file.trim())), 0, "");
        if let Some(label) = given(&a.label) {
            line(out, &format!("label = {}", toml_str(label)), 0, "");
        }
    }
    if d.kind == Kind::ProjectBudget {
        out.push_str(
            "\n# 工程预算：审定后去掉下面各行开头的 # 并填写（资金来源加起来要等于总投资；\n\
             # 有账表时，页面按科目对比预算和实际支出）。\n\
             # [budget]\n\
             # total = \"800,000.00\"\n\
             #\n\
             # [[budget.items]]\n\
             # item = \"路基整理\"\n\
             # amount = \"800,000.00\"\n\
             #\n\
             # [[budget.sources]]\n\
             # source = \"县财政一事一议奖补资金\"\n\
             # amount = \"800,000.00\"\n",
        );
    }
    signoffs(out, d, date);
}

fn finance_keys(out: &mut String, d: &Draft) {
    let hint = "账表：放在这篇的文件夹里（xlsx、csv 或 toml）";
    match given(&d.ledger) {
        Some(l) => line(out, &format!("ledger = {}", toml_str(l)), TOP, hint),
        None => line(out, "# ledger = \"ledger.xlsx\"", TOP, hint),
    }
    let chain = "各期首尾相接：期初余额要等于上一期期末余额";
    match given(&d.series) {
        Some(s) => line(out, &format!("series = {}", toml_str(s)), TOP, chain),
        // A project's account has no periods to chain.
        None if d.kind == Kind::ProjectBudget => {}
        None => line(out, "# series = \"村集体现金日记账\"", TOP, chain),
    }
    line(
        out,
        "# opening_balance = \"0.00\"",
        TOP,
        "期初余额（账表第一笔前有“上期结转”行时可不写）",
    );
}

fn notice_table(out: &mut String, d: &Draft, days: u32, count: Count) {
    out.push_str("\n[notice]\n");
    line(out, &format!("days = {days}"), 0, "");
    line(
        out,
        &format!("count = {}", toml_str(count.as_str())),
        NOTICE,
        "working（工作日，按国务院放假安排含调休）、calendar（自然日）、\
         calendar-extended（自然日，最后一天是节假日的顺延到下一个工作日）",
    );
    if let Some(s) = given(&d.series).filter(|_| !d.kind.is_finance()) {
        line(
            out,
            &format!("series = {}", toml_str(s)),
            NOTICE,
            "同一事项的几次公示用同一个 series",
        );
    }
    let stages = "决议公开/实施结果公开、第一榜/第二榜/第三榜、积极分子/发展对象/预备党员/转正";
    match given(&d.stage) {
        Some(s) => line(out, &format!("stage = {}", toml_str(s)), NOTICE, stages),
        None => line(out, "# stage = \"第一榜\"", NOTICE, stages),
    }
    match (given(&d.basis), d.kind.usual_notice()) {
        (Some(b), _) => line(out, &format!("basis = {}", toml_str(b)), NOTICE, "依据"),
        (None, Some((_, _, usual))) => {
            line(out, &format!("# basis = {}", toml_str(usual)), NOTICE, "依据（可选）")
        }
        (None, None) => line(out, "# basis = \"《……》\"", NOTICE, "依据（可选）"),
    }
    match given(&d.objections) {
        Some(o) => line(out, &format!("objections = {}", toml_str(o)), NOTICE, "意见反映"),
        None => line(
            out,
            "# objections = \"请向村务监督委员会反映\"",
            NOTICE,
            "不写就用 site.toml 里的监督电话和地址",
        ),
    }
}

fn signoffs(out: &mut String, d: &Draft, date: Date) {
    if d.signoff.is_empty() {
        if d.kind.is_finance() {
            out.push_str(&format!(
                "\n# 审核记录：财务公开须经民主理财小组等审核后才能发布（审核日期不能晚于 date）。\n\
                 # 审核后去掉下面各行开头的 # 并填写真实的审核人和意见。\n\
                 # [[signoff]]\n\
                 # body = \"民主理财小组\"\n\
                 # reviewers = [\"（审核人姓名）\"]\n\
                 # date = {}\n\
                 # opinion = \"经逐笔审核，收支属实\"\n",
                format_iso(date)
            ));
        }
        return;
    }
    out.push_str("\n# 审核记录：公开前经审核，审核日期不能晚于发布日期 date。\n");
    for (i, s) in d.signoff.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let c = |text: &'static str| if i == 0 { text } else { "" };
        out.push_str("[[signoff]]\n");
        line(
            out,
            &format!("body = {}", toml_str(s.body.trim())),
            SIGNOFF,
            c("审核机构：民主理财小组、村务监督委员会、党支部……"),
        );
        line(out, &format!("reviewers = {}", toml_list(&s.reviewers)), SIGNOFF, c("审核人"));
        let day = given(&s.date).unwrap_or_default();
        line(out, &format!("date = {day}"), SIGNOFF, c("审核日期，不能晚于发布日期 date"));
        line(out, &format!("opinion = {}", toml_str(s.opinion.trim())), SIGNOFF, c("审核意见"));
    }
}

/// The body skeleton: what a posting of this kind usually says, with the table to fill in.
fn body(d: &Draft) -> String {
    let period = given(&d.period).map(md);
    match &d.kind {
        Kind::PartyMember => party_member(given(&d.stage).unwrap_or("预备党员")),
        Kind::Relief => "经村民代表会议民主评议，现将低保评议结果公示如下。\n\n\
             | 序号 | 户主 | 家庭人口 | 类别 | 评议结果 |\n\
             | ---: | --- | ---: | --- | --- |\n\
             | 1 | （户主姓名，可隐去一字） |  | 新增 |  |\n\n\
             > 按照个人信息保护要求，本公示只列户主姓名（部分隐去）、家庭人口和评议结果，\
             不公开身份证号、银行账号、电话和住址。\n\n\
             对评议结果有异议的，请在公示期内向村务监督委员会或镇民政办反映。\n"
            .to_string(),
        Kind::TenderResult => "（工程名称）于（日期）开标、评标，现将评标结果公示如下：\n\n\
             | 排名 | 投标单位 | 投标报价（元） | 工期 |\n\
             | ---: | --- | ---: | --- |\n\
             | 1 | （投标单位） |  |  |\n\n\
             公示期内，投标人或其他利害关系人对评标结果有异议的，应以书面形式向招标人提出。\n\n\
             - 招标人：（招标人）\n\
             - 监督单位：（监督单位）\n"
            .to_string(),
        Kind::Decision => "根据“四议两公开”工作程序，（事项）经以下程序决定，现将决议公开如下。\n\n\
             | 程序 | 时间 | 结果 |\n\
             | --- | --- | --- |\n\
             | 村党组织提议 |  |  |\n\
             | 村“两委”会议商议 |  |  |\n\
             | 党员大会审议 |  |  |\n\
             | 村民代表会议决议 |  |  |\n\n\
             ## 决议内容\n\n\
             （在这里写决议的事项、金额、实施办法。）\n"
            .to_string(),
        Kind::ImplementationResult => "（事项）已按村民代表会议决议组织实施，现将实施结果公开如下。\n\n\
             | 项目 | 情况 |\n\
             | --- | --- |\n\
             | 实施时间 |  |\n\
             | 实施单位 |  |\n\
             | 资金使用 |  |\n\
             | 验收情况 |  |\n"
            .to_string(),
        Kind::IncomeExpense => {
            let when = period.unwrap_or_else(|| "本期".into());
            let pointer = match given(&d.ledger) {
                Some(l) => format!(
                    "逐笔明细见下表，来自账表 `{}`，原始账本可下载核对。",
                    l.replace('`', "'")
                ),
                None => "（把账表文件放在这篇的文件夹里，并在开头的设置里写上 \
                         ledger = \"账表文件名\"：页面会自动显示收支汇总、按月收支图和逐笔明细。）"
                    .to_string(),
            };
            format!(
                "现将{when}村集体财务收支情况公开如下。\n\n{pointer}\n\n\
                 本表已经民主理财小组逐笔审核。村民如有疑问，可向村务监督委员会反映。\n"
            )
        }
        Kind::PartyDues => {
            let when = period.unwrap_or_else(|| "本期".into());
            format!(
                "根据《中国共产党党费收缴、使用和管理规定》，现将本支部{when}党费收缴情况公开如下。\n\n\
                 ## 收缴情况\n\n\
                 | 月份 | 应缴人数 | 实缴人数 | 收缴金额（元） |\n\
                 | --- | ---: | ---: | ---: |\n\
                 | （月份） |  |  |  |\n\
                 | **合计** |  |  |  |\n\n\
                 ## 上缴情况\n\n\
                 （本期党费上缴上级党委的日期和金额。）\n"
            )
        }
        Kind::ProjectBudget => "现将（工程名称）的预算、资金来源和实际支出逐项公开。\n\n\
             （预算和资金来源写在开头的 [budget] 里，页面会列出明细；有账表时按科目对比预算和实际支出。）\n\n\
             本表已经民主理财小组审核。村民如有疑问，可向村务监督委员会反映。\n"
            .to_string(),
        Kind::Other(_) => "（在这里写正文。可以用表格：）\n\n\
             | 项目 | 内容 |\n\
             | --- | --- |\n\
             |  |  |\n"
            .to_string(),
    }
}

fn party_member(stage: &str) -> String {
    let (intro, header) = match stage {
        "积极分子" => (
            "经党员推荐、群团组织推优，支部委员会研究，拟确定以下同志为入党积极分子，现予公示：",
            "| 姓名 | 性别 | 出生年月 | 学历 | 申请入党时间 |",
        ),
        "发展对象" => (
            "经支部委员会研究，拟确定以下同志为发展对象，现予公示：",
            "| 姓名 | 性别 | 出生年月 | 学历 | 申请入党时间 | 确定为积极分子时间 |",
        ),
        "转正" => (
            "以下中共预备党员预备期已满，经支部委员会审查，拟按期转为中共正式党员，现予公示：",
            "| 姓名 | 性别 | 出生年月 | 学历 | 接收为预备党员时间 | 预备期满时间 |",
        ),
        _ => (
            "经支部委员会审查，拟接收以下同志为中共预备党员，现予公示：",
            "| 姓名 | 性别 | 出生年月 | 学历 | 申请入党时间 | 确定为积极分子时间 | 确定为发展对象时间 |",
        ),
    };
    let cols = header.matches('|').count() - 1;
    let rule = format!("|{}", " --- |".repeat(cols));
    let row = format!("| （姓名） |{}", "  |".repeat(cols - 1));
    format!(
        "{intro}\n\n{header}\n{rule}\n{row}\n\n\
         公示期间，党员和群众可通过来电、来信或来访的方式反映该同志的情况和问题。\
         反映问题要实事求是，以个人名义反映的请提供真实姓名。\n"
    )
}
