//! Exact money: integer 分 (fen), parsed from text and never through floats.
//!
//! Clerks write amounts as `1,234.50`, `¥1,234.50`, `1234.50元` or with full-width digits;
//! spreadsheets hand us `f64` cells, which are converted through their shortest decimal text.
//! Output follows the board conventions of domain.md: two decimals, thousands separators,
//! 万元 summaries rounded half up, and 大写 (uppercase) amounts for totals.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

/// An amount of money in 分 (0.01 yuan).
///
/// Serializes for templates and open data as a small struct:
/// `{ "fen": 28954652, "text": "289,546.52", "money": "¥289,546.52", "wan": "28.95",
///    "upper": "贰拾捌万玖仟伍佰肆拾陆元伍角贰分" }`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fen(pub i64);

impl Fen {
    pub const ZERO: Fen = Fen(0);

    /// Whole yuan (`Fen::yuan(12)` is 12.00 元).
    pub const fn yuan(y: i64) -> Fen {
        Fen(y * 100)
    }

    /// Converts an Excel numeric cell: the shortest decimal text of the `f64` (Rust's `Display`),
    /// rounded half up to two decimals with integer arithmetic. `0.1 + 0.2` gives 0.30.
    pub fn from_excel(x: f64) -> Result<Fen, AmountError> {
        if !x.is_finite() {
            return Err(AmountError::NotFinite);
        }
        let text = format!("{x}");
        let (neg, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.as_str()),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if int.len() > 16 {
            return Err(AmountError::TooLarge);
        }
        let int: i64 = int.parse().map_err(|_| AmountError::Malformed)?;
        let fb = frac.as_bytes();
        let digit = |i: usize| fb.get(i).map(|b| (b - b'0') as i64).unwrap_or(0);
        let mut fen = int * 100 + digit(0) * 10 + digit(1);
        if digit(2) >= 5 {
            fen += 1; // half up, away from zero (the sign is applied afterwards)
        }
        Ok(Fen(if neg { -fen } else { fen }))
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn abs(self) -> Fen {
        Fen(self.0.abs())
    }

    pub fn checked_add(self, o: Fen) -> Option<Fen> {
        self.0.checked_add(o.0).map(Fen)
    }
}

impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_yuan(*self))
    }
}

impl Add for Fen {
    type Output = Fen;
    fn add(self, o: Fen) -> Fen {
        Fen(self.0 + o.0)
    }
}
impl Sub for Fen {
    type Output = Fen;
    fn sub(self, o: Fen) -> Fen {
        Fen(self.0 - o.0)
    }
}
impl Neg for Fen {
    type Output = Fen;
    fn neg(self) -> Fen {
        Fen(-self.0)
    }
}
impl AddAssign for Fen {
    fn add_assign(&mut self, o: Fen) {
        self.0 += o.0;
    }
}
impl SubAssign for Fen {
    fn sub_assign(&mut self, o: Fen) {
        self.0 -= o.0;
    }
}
impl Sum for Fen {
    fn sum<I: Iterator<Item = Fen>>(iter: I) -> Fen {
        iter.fold(Fen::ZERO, Add::add)
    }
}
impl<'a> Sum<&'a Fen> for Fen {
    fn sum<I: Iterator<Item = &'a Fen>>(iter: I) -> Fen {
        iter.copied().sum()
    }
}

impl Serialize for Fen {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Fen", 5)?;
        st.serialize_field("fen", &self.0)?;
        st.serialize_field("text", &format_yuan(*self))?;
        st.serialize_field("money", &format_money(*self))?;
        st.serialize_field("wan", &format_wan(*self, 2))?;
        st.serialize_field("upper", &to_upper(*self))?;
        st.end()
    }
}

crate::messages! {
    /// Why a text is not an amount (shown inside the message of the cell or key it came from).
    #[derive(Eq)]
    pub enum AmountError {
        Empty = "amount.empty", zh: "金额为空", en: "empty amount";
        InvalidChar(c: char) = "amount.invalid-char",
            zh: "含有非数字字符“{c}”",
            en: "unexpected character {c:?}";
        TooManyDecimals = "amount.too-many-decimals",
            zh: "小数超过两位（金额精确到分）",
            en: "more than two decimals";
        MisplacedComma = "amount.misplaced-comma",
            zh: "千分位逗号位置不对",
            en: "misplaced thousands separator";
        Malformed = "amount.malformed", zh: "数字格式不对", en: "malformed number";
        TooLarge = "amount.too-large", zh: "金额过大", en: "amount too large";
        NotFinite = "amount.not-finite", zh: "不是有限数值", en: "not a finite number";
        ExcelFormula { shown: String, meaning: &'static str } = "amount.excel-formula",
            zh: {
                format!(
                    "Excel 里这个单元格显示错误值 {shown}，{}。请在 Excel 或 WPS 里点这个单元格，改好它的公式后重新保存",
                    excel_error_zh(shown)
                )
            },
            en: "Excel shows the error value {shown}: the cell's formula is wrong ({meaning}); fix the formula in Excel and save again";
    }
}

/// What an Excel error value means, for clerks.
fn excel_error_zh(shown: &str) -> &'static str {
    match shown {
        "#DIV/0!" => "说明公式里的除数是 0 或空白单元格",
        "#N/A" => "说明公式要查找的值找不到",
        "#NAME?" => "说明公式里的函数名或名称写错了",
        "#NULL!" => "说明公式里的两个区域没有交叉",
        "#NUM!" => "说明公式算出的数字无效",
        "#REF!" => "说明公式引用的单元格已被删除",
        "#VALUE!" => "说明公式里有文字参与了计算",
        _ => "说明公式出错",
    }
}

/// The Excel error value `shown` (`#DIV/0!`, `#REF!`…) as an [`AmountError`], or `None` when
/// `shown` is not one.
pub fn excel_error(shown: &str) -> Option<AmountError> {
    let meaning = match shown {
        "#DIV/0!" => "division by zero or by an empty cell",
        "#N/A" => "a looked-up value was not found",
        "#NAME?" => "a misspelt function or name",
        "#NULL!" => "two ranges that do not intersect",
        "#NUM!" => "an invalid number",
        "#REF!" => "a reference to a deleted cell",
        "#VALUE!" => "text used in a calculation",
        "#GETTING_DATA" => "data still loading",
        _ => return None,
    };
    Some(AmountError::ExcelFormula { shown: shown.to_string(), meaning })
}

fn normalize_char(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        '．' | '。' => '.',
        '，' => ',',
        '－' | '−' => '-',
        _ => c,
    }
}

/// Parses an amount as clerks write it: `1234`, `1234.5`, `1,234.50`, `¥1,234.50`, `￥…`,
/// `1234.50元`, full-width digits, surrounding spaces, a leading `-`.
pub fn parse_amount(text: &str) -> Result<Fen, AmountError> {
    // Full-width digits and marks are made ASCII; an ASCII text (most cells) needs no copy.
    let s: std::borrow::Cow<str> = match text.is_ascii() {
        true => text.into(),
        false => text.trim().chars().map(normalize_char).collect::<String>().into(),
    };
    let mut s = s.trim();
    if s.is_empty() {
        return Err(AmountError::Empty);
    }
    let mut neg = false;
    if let Some(rest) = s.strip_prefix('-') {
        neg = true;
        s = rest.trim_start();
    }
    if let Some(rest) = s.strip_prefix(['¥', '￥']) {
        s = rest.trim_start();
    }
    if !neg {
        if let Some(rest) = s.strip_prefix('-') {
            neg = true;
            s = rest.trim_start();
        }
    }
    if let Some(rest) = s.strip_suffix('元') {
        s = rest.trim_end();
    }
    if s.is_empty() {
        return Err(AmountError::Empty);
    }
    if let Some(c) = s.chars().find(|c| !(c.is_ascii_digit() || *c == ',' || *c == '.')) {
        return Err(AmountError::InvalidChar(c));
    }
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    if let Some(f) = frac {
        if f.contains('.') || f.is_empty() {
            return Err(AmountError::Malformed);
        }
        if f.contains(',') {
            return Err(AmountError::MisplacedComma);
        }
        if f.len() > 2 {
            return Err(AmountError::TooManyDecimals);
        }
    }
    if int.is_empty() {
        return Err(AmountError::Malformed);
    }
    if int.contains(',') {
        let mut groups = int.split(',');
        let first = groups.next().unwrap_or("");
        if first.is_empty() || first.len() > 3 || groups.any(|g| g.len() != 3) {
            return Err(AmountError::MisplacedComma);
        }
    }
    // Only digits and commas are left in `int`.
    let digits = int.bytes().filter(|b| b.is_ascii_digit());
    if digits.clone().count() > 16 {
        return Err(AmountError::TooLarge);
    }
    let yuan = digits.fold(0i64, |n, d| n * 10 + i64::from(d - b'0'));
    let mut fen = yuan * 100;
    if let Some(f) = frac {
        let b = f.as_bytes();
        fen += (b[0] - b'0') as i64 * 10;
        if let Some(d) = b.get(1) {
            fen += (d - b'0') as i64;
        }
    }
    Ok(Fen(if neg { -fen } else { fen }))
}

fn group_thousands(mut n: u128) -> String {
    if n == 0 {
        return "0".into();
    }
    let mut parts = Vec::new();
    while n >= 1000 {
        parts.push(format!("{:03}", n % 1000));
        n /= 1000;
    }
    parts.push(n.to_string());
    parts.reverse();
    parts.join(",")
}

/// `289,546.52`; negatives `-1,234.00`.
pub fn format_yuan(f: Fen) -> String {
    let a = (f.0 as i128).unsigned_abs();
    let sign = if f.0 < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", group_thousands(a / 100), a % 100)
}

/// `¥289,546.52`; negatives `-¥1,234.00`.
pub fn format_money(f: Fen) -> String {
    let t = format_yuan(f);
    match t.strip_prefix('-') {
        Some(rest) => format!("-¥{rest}"),
        None => format!("¥{t}"),
    }
}

/// Plain machine-readable decimal without separators: `289546.52`, `-0.05`.
pub fn format_plain(f: Fen) -> String {
    let a = (f.0 as i128).unsigned_abs();
    let sign = if f.0 < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

/// In 万元, rounded half up (away from zero) to `decimals` (1 or 2; other values are clamped):
/// 289,546.52 → `28.95`.
pub fn format_wan(f: Fen, decimals: u32) -> String {
    let d = decimals.clamp(1, 2);
    let a = (f.0 as i128).unsigned_abs();
    let scale = 10u128.pow(6 - d); // 1 万元 = 1,000,000 分
    let rounded = (a + scale / 2) / scale;
    let p = 10u128.pow(d);
    let sign = if f.0 < 0 && rounded != 0 { "-" } else { "" };
    format!("{sign}{}.{:0w$}", group_thousands(rounded / p), rounded % p, w = d as usize)
}

const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];

/// 1..=9999 without leading or trailing 零, inner zero runs written once.
fn upper_four(n: u64, out: &mut String) {
    const UNITS: [&str; 4] = ["仟", "佰", "拾", ""];
    let ds = [n / 1000 % 10, n / 100 % 10, n / 10 % 10, n % 10];
    let mut started = false;
    let mut zero = false;
    for (i, &d) in ds.iter().enumerate() {
        if d == 0 {
            if started {
                zero = true;
            }
            continue;
        }
        if zero {
            out.push('零');
            zero = false;
        }
        started = true;
        out.push(DIGITS[d as usize]);
        out.push_str(UNITS[i]);
    }
}

/// A positive integer in 大写, e.g. 100010000 → 壹亿零壹万.
fn upper_int(n: u64, out: &mut String) {
    const YI: u64 = 100_000_000;
    if n >= YI {
        upper_int(n / YI, out);
        out.push('亿');
        let lo = n % YI;
        if lo > 0 {
            if lo < YI / 10 {
                out.push('零');
            }
            upper_int(lo, out);
        }
    } else if n >= 10_000 {
        upper_four(n / 10_000, out);
        out.push('万');
        let lo = n % 10_000;
        if lo > 0 {
            if lo < 1000 {
                out.push('零');
            }
            upper_four(lo, out);
        }
    } else {
        upper_four(n, out);
    }
}

/// 大写 amount: 16,409.02 → 壹万陆仟肆佰零玖元零贰分; 0.50 → 伍角整; zero → 零元整;
/// negatives get 负 in front.
pub fn to_upper(f: Fen) -> String {
    let a = f.0.unsigned_abs();
    let (yuan, jiao, fen) = (a / 100, (a / 10 % 10) as usize, (a % 10) as usize);
    let mut out = String::new();
    if f.0 < 0 {
        out.push('负');
    }
    if a == 0 {
        out.push_str("零元整");
        return out;
    }
    if yuan > 0 {
        upper_int(yuan, &mut out);
        out.push('元');
    }
    if jiao > 0 {
        out.push(DIGITS[jiao]);
        out.push('角');
    } else if fen > 0 && yuan > 0 {
        out.push('零');
    }
    if fen > 0 {
        out.push(DIGITS[fen]);
        out.push('分');
    } else {
        out.push('整');
    }
    out
}

/// `人民币` + [`to_upper`].
pub fn to_upper_rmb(f: Fen) -> String {
    format!("人民币{}", to_upper(f))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fen(s: &str) -> Fen {
        parse_amount(s).unwrap()
    }

    #[test]
    fn parses_clerk_amounts() {
        assert_eq!(fen("1234"), Fen(123400));
        assert_eq!(fen("1234.5"), Fen(123450));
        assert_eq!(fen("1,234.50"), Fen(123450));
        assert_eq!(fen("¥1,234.50"), Fen(123450));
        assert_eq!(fen("￥1,234.50"), Fen(123450));
        assert_eq!(fen("1234.50元"), Fen(123450));
        assert_eq!(fen("１２３４．５０"), Fen(123450));
        assert_eq!(fen("  -12.05 "), Fen(-1205));
        assert_eq!(fen("-¥1,000"), Fen(-100000));
        assert_eq!(fen("0.05"), Fen(5));
        assert_eq!(fen("1,234,567.89"), Fen(123456789));
    }

    #[test]
    fn rejects_bad_amounts() {
        assert_eq!(parse_amount("12,3O0.00"), Err(AmountError::InvalidChar('O')));
        assert_eq!(parse_amount("1.234"), Err(AmountError::TooManyDecimals));
        assert_eq!(parse_amount("12,34.00"), Err(AmountError::MisplacedComma));
        assert_eq!(parse_amount("1234,567"), Err(AmountError::MisplacedComma));
        assert_eq!(parse_amount(",123"), Err(AmountError::MisplacedComma));
        assert_eq!(parse_amount(""), Err(AmountError::Empty));
        assert_eq!(parse_amount("  "), Err(AmountError::Empty));
        assert_eq!(parse_amount("¥"), Err(AmountError::Empty));
        assert_eq!(parse_amount("1.2.3"), Err(AmountError::Malformed));
        assert_eq!(parse_amount("abc"), Err(AmountError::InvalidChar('a')));
        assert_eq!(parse_amount("99999999999999999"), Err(AmountError::TooLarge));
    }

    #[test]
    fn excel_floats_go_through_shortest_text() {
        assert_eq!(Fen::from_excel(0.1 + 0.2), Ok(Fen(30)));
        assert_eq!(Fen::from_excel(1234.5), Ok(Fen(123450)));
        assert_eq!(Fen::from_excel(2.675), Ok(Fen(268)));
        assert_eq!(Fen::from_excel(-1.005), Ok(Fen(-101)));
        assert_eq!(Fen::from_excel(1e-7), Ok(Fen(0)));
        assert_eq!(Fen::from_excel(16409.02), Ok(Fen(1640902)));
        assert_eq!(Fen::from_excel(f64::NAN), Err(AmountError::NotFinite));
        assert_eq!(Fen::from_excel(f64::INFINITY), Err(AmountError::NotFinite));
        assert_eq!(Fen::from_excel(1e30), Err(AmountError::TooLarge));
    }

    #[test]
    fn formats() {
        assert_eq!(format_yuan(Fen(28954652)), "289,546.52");
        assert_eq!(format_yuan(Fen(-123400)), "-1,234.00");
        assert_eq!(format_yuan(Fen(5)), "0.05");
        assert_eq!(format_yuan(Fen(i64::MIN)), "-92,233,720,368,547,758.08");
        assert_eq!(format_money(Fen(28954652)), "¥289,546.52");
        assert_eq!(format_money(Fen(-100)), "-¥1.00");
        assert_eq!(format_wan(Fen(28954652), 2), "28.95");
        assert_eq!(format_wan(Fen(28954652), 1), "29.0");
        assert_eq!(format_wan(Fen(80_000_000), 2), "80.00");
        assert_eq!(format_wan(Fen(50_000), 2), "0.05"); // 500 元 = 0.05 万元, half up
        assert_eq!(format_wan(Fen(49_999), 2), "0.05");
        assert_eq!(format_wan(Fen(49_999), 1), "0.0");
        assert_eq!(format_wan(Fen(-28954652), 2), "-28.95");
        assert_eq!(format_plain(Fen(-5)), "-0.05");
    }

    #[test]
    fn upper_table() {
        let table = [
            ("16,409.02", "壹万陆仟肆佰零玖元零贰分"),
            ("325.04", "叁佰贰拾伍元零肆分"),
            ("100,000.00", "壹拾万元整"),
            ("0.50", "伍角整"),
            ("1,004.00", "壹仟零肆元整"),
            ("100,010,000.00", "壹亿零壹万元整"),
            ("10.00", "壹拾元整"),
            ("1,000,000.09", "壹佰万元零玖分"),
            ("0.05", "伍分"),
            ("0", "零元整"),
            ("10.50", "壹拾元伍角整"),
            ("10,050.00", "壹万零伍拾元整"),
            ("101,000,000.00", "壹亿零壹佰万元整"),
            ("110,000,000.00", "壹亿壹仟万元整"),
            ("1,000,000,000,000.00", "壹万亿元整"),
            ("0.55", "伍角伍分"),
        ];
        for (amount, upper) in table {
            assert_eq!(to_upper(fen(amount)), upper, "{amount}");
        }
        assert_eq!(to_upper(fen("-325.04")), "负叁佰贰拾伍元零肆分");
        assert_eq!(to_upper_rmb(fen("16,409.02")), "人民币壹万陆仟肆佰零玖元零贰分");
    }

    /// An independent reader of 大写 amounts, for the round trip.
    fn read_upper(s: &str) -> Option<i64> {
        let (neg, s) = match s.strip_prefix('负') {
            Some(r) => (true, r),
            None => (false, s),
        };
        let s = s.strip_suffix('整').unwrap_or(s);
        let (int, rest) = match s.split_once('元') {
            Some((i, r)) => (i, r),
            None => ("", s),
        };
        let digit = |c: char| DIGITS.iter().position(|d| *d == c).map(|p| p as i64);
        let (mut total, mut section, mut number) = (0i64, 0i64, 0i64);
        for c in int.chars() {
            match c {
                '拾' => {
                    section += number * 10;
                    number = 0;
                }
                '佰' => {
                    section += number * 100;
                    number = 0;
                }
                '仟' => {
                    section += number * 1000;
                    number = 0;
                }
                '万' => {
                    section = (section + number) * 10_000;
                    number = 0;
                }
                '亿' => {
                    total = (total + section + number) * 100_000_000;
                    section = 0;
                    number = 0;
                }
                c => number = digit(c)?,
            }
        }
        let yuan = total + section + number;
        let mut small = 0;
        let mut last = None;
        for c in rest.chars() {
            match c {
                '角' => small += last.take()? * 10,
                '分' => small += last.take()?,
                '零' => {}
                c => last = Some(digit(c)?),
            }
        }
        let v = yuan * 100 + small;
        Some(if neg { -v } else { v })
    }

    proptest! {
        #[test]
        fn upper_properties(n in 0i64..=99_999_999_999_999) {
            let u = to_upper(Fen(n));
            let valid = "零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整";
            prop_assert!(u.chars().all(|c| valid.contains(c)), "{}", u);
            prop_assert_eq!(u.ends_with('整'), n % 10 == 0, "{}", &u);
            prop_assert!(!u.contains("零零"), "{}", u);
            if n != 0 {
                prop_assert!(!u.starts_with('零') && !u.ends_with('零'), "{}", u);
            }
            prop_assert_eq!(read_upper(&u), Some(n), "{}", u);
            prop_assert_eq!(read_upper(&to_upper(Fen(-n))), Some(-n));
        }

        #[test]
        fn format_parse_round_trip(n in -99_999_999_999_999i64..=99_999_999_999_999) {
            prop_assert_eq!(parse_amount(&format_yuan(Fen(n))), Ok(Fen(n)));
            prop_assert_eq!(parse_amount(&format_money(Fen(n))), Ok(Fen(n)));
        }

        #[test]
        fn excel_round_trip(n in -9_999_999_999i64..=9_999_999_999) {
            // A cell typed as text "123.45" is stored by Excel as the nearest f64.
            let x: f64 = format_plain(Fen(n)).parse().unwrap();
            prop_assert_eq!(Fen::from_excel(x), Ok(Fen(n)));
        }
    }
}
