//! What the clerk publishes: the kinds the pipeline knows (the 公开目录's `kinds`, the example
//! site, `gongkai import`'s guesses), spelt exactly as the build compares them.

use serde::{Deserialize, Serialize};

use crate::notice::Count;

/// The kind of a posting, as the form offers it. Serialised as its front matter spelling
/// (`"发展党员"`, `"低保公示"` …); `"其他"` or an empty string is [`Kind::Other`] with no `kind`
/// written, any other text a kind of the site's own (民主评议, 补贴发放 …).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum Kind {
    /// 发展党员 (公示 of a candidate member at one stage).
    PartyMember,
    /// 低保公示 (三榜公示). The form's "低保" is accepted too.
    Relief,
    /// 招标结果 (公示).
    TenderResult,
    /// 决议公开 (四议两公开, 公示).
    Decision,
    /// 实施结果公开 (公示).
    ImplementationResult,
    /// 财务收支 (a ledger).
    IncomeExpense,
    /// 党费收缴.
    PartyDues,
    /// 工程预决算 (a budget).
    ProjectBudget,
    /// 其他: empty for none, or the site's own kind.
    Other(String),
}

impl From<String> for Kind {
    fn from(s: String) -> Kind {
        match s.trim() {
            "发展党员" => Kind::PartyMember,
            "低保公示" | "低保" => Kind::Relief,
            "招标结果" => Kind::TenderResult,
            "决议公开" => Kind::Decision,
            "实施结果公开" => Kind::ImplementationResult,
            "财务收支" => Kind::IncomeExpense,
            "党费收缴" => Kind::PartyDues,
            "工程预决算" => Kind::ProjectBudget,
            "其他" => Kind::Other(String::new()),
            other => Kind::Other(other.to_string()),
        }
    }
}

impl From<Kind> for String {
    fn from(k: Kind) -> String {
        match k {
            Kind::Other(s) if s.is_empty() => "其他".into(),
            other => other.front_matter().unwrap_or_default().to_string(),
        }
    }
}

impl Kind {
    /// The kinds of the form's list, in its order.
    pub const LISTED: [Kind; 8] = [
        Kind::PartyMember,
        Kind::Relief,
        Kind::TenderResult,
        Kind::Decision,
        Kind::ImplementationResult,
        Kind::IncomeExpense,
        Kind::PartyDues,
        Kind::ProjectBudget,
    ];

    /// The `kind = "…"` value, or `None` for no kind.
    pub fn front_matter(&self) -> Option<&str> {
        Some(match self {
            Kind::PartyMember => "发展党员",
            Kind::Relief => "低保公示",
            Kind::TenderResult => "招标结果",
            Kind::Decision => "决议公开",
            Kind::ImplementationResult => "实施结果公开",
            Kind::IncomeExpense => "财务收支",
            Kind::PartyDues => "党费收缴",
            Kind::ProjectBudget => "工程预决算",
            Kind::Other(s) => return Some(s.as_str()).filter(|s| !s.is_empty()),
        })
    }

    /// A 公示: the posting has a publicity period (`[notice]`) and the form asks for its days.
    pub fn is_notice(&self) -> bool {
        matches!(
            self,
            Kind::PartyMember
                | Kind::Relief
                | Kind::TenderResult
                | Kind::Decision
                | Kind::ImplementationResult
        )
    }

    /// A finance posting (ledger or budget): `series` chains its periods, and it needs a
    /// sign-off before publication.
    pub fn is_finance(&self) -> bool {
        matches!(self, Kind::IncomeExpense | Kind::ProjectBudget)
    }

    /// The section a posting of this kind usually goes in (the form's default).
    pub fn usual_section(&self) -> &'static str {
        match self {
            Kind::PartyMember | Kind::PartyDues => "party",
            Kind::IncomeExpense | Kind::ProjectBudget => "finance",
            _ => "village",
        }
    }

    /// The usual period and its basis, for the form's hint: 发展党员 5 working days (细则), 低保
    /// 7 days (审核确认办法), 招标结果 3 days (招标投标法实施条例 §54). 四议两公开 has no
    /// national length.
    pub fn usual_notice(&self) -> Option<(u32, Count, &'static str)> {
        match self {
            Kind::PartyMember => {
                Some((5, Count::Working, "《中国共产党发展党员工作细则》第二十四条"))
            }
            Kind::Relief => Some((7, Count::Calendar, "《最低生活保障审核确认办法》")),
            Kind::TenderResult => {
                Some((3, Count::Calendar, "《中华人民共和国招标投标法实施条例》第五十四条"))
            }
            _ => None,
        }
    }
}
