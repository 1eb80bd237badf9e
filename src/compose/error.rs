//! Problems with a form field, as the workbench shows them beside the field: which field, a
//! stable code, and the message in Chinese and English. Build messages (`notice`, `signoff`,
//! `calendar`, TOML date mistakes) are reused as they are, so the form and the build say the
//! same thing; [`ComposeError`] holds only what the form alone can get wrong.

use crate::diagnostic::Msg;
use serde::Serialize;

/// One problem with one field of the form (or of an edited front matter key).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field: `title`, `date`, `days`, `signoff[0].date`, `attachments[1].file`, or a front
    /// matter key such as `notice.days` for [`super::set_keys`].
    pub field: String,
    /// Stable machine-readable code, e.g. `notice.days-out-of-range`.
    pub code: String,
    pub zh: String,
    pub en: String,
    /// Shown, but nothing is refused because of it (a future date, an attachment not yet there).
    pub warning: bool,
}

impl FieldError {
    /// An error on `field` with any message of the pipeline.
    pub fn new(field: impl Into<String>, msg: impl Into<Msg>) -> FieldError {
        let msg = msg.into();
        FieldError {
            field: field.into(),
            code: msg.code().to_string(),
            zh: msg.zh().to_string(),
            en: msg.en().to_string(),
            warning: false,
        }
    }

    /// A warning on `field`.
    pub fn warning(field: impl Into<String>, msg: impl Into<Msg>) -> FieldError {
        FieldError { warning: true, ..FieldError::new(field, msg) }
    }
}

crate::messages! {
    /// What only the form can get wrong.
    #[derive(Eq)]
    pub enum ComposeError {
        TitleEmpty = "compose.title-empty",
            zh: "请填写标题，例如“关于接收陈晓燕同志为中共预备党员的公示”",
            en: "enter a title";
        /// The title has no letter or digit to make a file name of.
        NoFileName = "compose.no-file-name",
            zh: "标题里没有汉字、字母或数字，无法取文件名：请把标题写完整",
            en: "the title has no letter or digit to make a file name from; complete the title";
        SectionBad { section: String } = "compose.section-bad",
            zh: "栏目“{section}”写法不对：只写 content 里的文件夹名，例如 village、party、finance 或 village/roads",
            en: "section \"{section}\" is not a folder name under content/ (e.g. village, party, finance)";
        SectionMissing {
            section: String,
            available: Vec<String>,
        } = "compose.section-missing",
            zh: {
                format!(
                    "栏目“{section}”不存在（content 里没有这个文件夹）。可选：{}",
                    available.join("、")
                )
            },
            en: {
                format!(
                    "section \"{section}\" does not exist under content/; available: {}",
                    available.join(", ")
                )
            };
        /// The section folder is itself a posting (`name/index.md`).
        SectionIsPosting { section: String } = "compose.section-is-posting",
            zh: "“{section}”是一篇“文件夹形式”的公开内容（里面有 index.md），不是栏目：请选它上一级的栏目",
            en: "\"{section}\" is a posting folder (it holds index.md), not a section; choose its parent";
        /// Neither a TOML-style date nor a date the clerk meant another way.
        DateBad { written: String } = "compose.date-bad",
            zh: "日期“{written}”看不懂：请写成 年-月-日，例如 2026-10-09",
            en: "\"{written}\" is not a date; write it as YYYY-MM-DD, e.g. 2026-10-09";
        DaysMissing {
            kind: String,
            usual: Option<(u32, &'static str)>,
        } = "compose.days-missing",
            zh: {
                match usual {
                    Some((n, unit)) => {
                        format!("{kind}公示要写公示期：请填写天数（{kind}公示一般为 {n}{unit}）")
                    }
                    None => format!("{kind}要写公示期：请填写公示天数，例如 5 个工作日"),
                }
            },
            en: {
                match usual {
                    Some((n, _)) => format!(
                        "a {kind} notice needs its period: enter the number of days (usually {n})"
                    ),
                    None => format!("a {kind} notice needs its period: enter the number of days"),
                }
            };
        DaysBad { written: String } = "compose.days-bad",
            zh: "公示天数“{written}”不是整数：请写 1 到 1000 之间的数字，例如 5",
            en: "\"{written}\" is not a whole number of days; enter e.g. 5";
        Exists { path: String } = "compose.exists",
            zh: "{path} 已经存在，不会覆盖：请改一改标题或日期，或者打开那一篇修改",
            en: "{path} already exists and is not overwritten; change the title or date, or edit that posting";
        StageWithoutNotice = "compose.stage-without-notice",
            zh: "写了阶段（stage），但这篇没有公示期：请填写公示天数，或删去阶段",
            en: "a stage is given but the posting has no notice period; enter the days or drop the stage";
        AttachmentName { file: String } = "compose.attachment-name",
            zh: "附件“{file}”只能写文件名（放在这篇的文件夹里），不能带 /、\\ 或 ..：例如 会议记录.pdf",
            en: "attachment \"{file}\" must be a plain file name in the posting's folder (no /, \\ or ..)";
        AttachmentMissing { file: String, folder: String } = "compose.attachment-missing",
            zh: "附件“{file}”还不在 {folder} 里：请把文件放进去（或拖到这里上传），否则生成时会报错",
            en: "attachment \"{file}\" is not in {folder} yet; put it there (or upload it) or the build fails";
        FutureDate { date: String } = "compose.future-date",
            zh: "发布日期 {date} 在今天之后：到那一天重新生成才会出现在网站上",
            en: "the publication date {date} is after today: the posting appears when the site is built on that day";
        /// The front matter could not be edited: it does not parse.
        FrontMatter { detail: String } = "compose.front-matter",
            zh: "开头的设置（+++ 之间）有错，无法修改：{detail}。请先按检查的提示改正",
            en: "the front matter has an error and cannot be edited: {detail}; fix it as `gongkai check` says";
        /// A value given to [`super::set_keys`] is not a TOML value.
        BadValue { key: String, value: String, detail: String } = "compose.bad-value",
            zh: "{key} 的值 {value} 不是正确的写法（{detail}）：文字要用英文双引号括起来，日期写成 2026-10-09，数字直接写",
            en: "the value {value} for {key} is not TOML ({detail}): quote text with \", write dates as 2026-10-09";
        /// [`super::set_keys`] / [`super::remove_key`] was given a path through a value that is not
        /// a table (`title.x`), or an empty key.
        BadKey { key: String } = "compose.bad-key",
            zh: "设置项“{key}”写法不对：写设置项的名字，例如 title、notice.days",
            en: "\"{key}\" is not a key name such as title or notice.days";
    }
}
