//! What a clerk's Word file means beyond its styles: the title line, the 落款 (issuing unit and
//! date at the end), headings typed as bold `一、` lines rather than Heading styles, the kind of
//! posting and a 公示's period.

use jiff::civil::Date;

use super::model::{Align, Block, Paragraph, Role};

/// Chinese numerals in headings and dates.
fn cn_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '○' | '零' | 'О' | 'o' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn is_cn_numeral(c: char) -> bool {
    cn_digit(c).is_some() || matches!(c, '十' | '百')
}

/// `十四` → 14, `二十` → 20, `三十一` → 31, `九` → 9.
fn cn_small(s: &str) -> Option<u32> {
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [] => None,
        ['十'] => Some(10),
        ['十', d] => Some(10 + cn_digit(*d)?),
        [d, '十'] => Some(cn_digit(*d)? * 10),
        [d, '十', e] => Some(cn_digit(*d)? * 10 + cn_digit(*e)?),
        [d] => cn_digit(*d),
        _ => None,
    }
}

/// A number written in Arabic, full-width or Chinese digits (`2026`, `２０２６`, `二〇二六`, `十四`).
pub(crate) fn number(s: &str) -> Option<u32> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let ascii: String = s
        .chars()
        .map(|c| {
            if ('０'..='９').contains(&c) {
                char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c)
            } else {
                c
            }
        })
        .collect();
    if ascii.chars().all(|c| c.is_ascii_digit()) {
        return ascii.parse().ok();
    }
    if s.contains('十') {
        return cn_small(s);
    }
    let mut n = 0u32;
    for c in s.chars() {
        n = n.checked_mul(10)?.checked_add(cn_digit(c)?)?;
    }
    Some(n)
}

/// A whole line that is a date: `2026年10月9日`, `二〇二六年十月九日`, spaces allowed.
pub fn parse_cn_date(line: &str) -> Option<Date> {
    let s: String = line.chars().filter(|c| !c.is_whitespace() && *c != '\u{3000}').collect();
    let s = s.strip_suffix('日').or_else(|| s.strip_suffix('号'))?;
    let (y, rest) = s.split_once('年')?;
    let (m, d) = rest.split_once('月')?;
    let (y, m, d) = (number(y)?, number(m)?, number(d)?);
    if !(1990..=2100).contains(&y) {
        return None;
    }
    Date::new(y as i16, m as i8, d as i8).ok()
}

/// A 文号 line such as `青村委〔2026〕12号`: part of the document, never its title.
fn is_doc_number(text: &str) -> bool {
    let t = text.trim();
    t.ends_with('号')
        && (t.contains('〔') || t.contains('[') || t.contains('［') || t.contains('（'))
        && t.chars().count() <= 30
}

const SENTENCE_END: [char; 6] = ['。', '；', '！', '？', ';', '!'];

fn short_line(p: &Paragraph, max: usize) -> bool {
    let t = p.plain();
    let t = t.trim();
    !t.is_empty() && t.chars().count() <= max && !t.contains(SENTENCE_END)
}

/// Takes the title off the front: a Title-styled paragraph, a heading, or a short centred or
/// all-bold line, with the lines that continue it (a long title broken over two lines).
pub fn take_title(blocks: &mut Vec<Block>) -> Option<String> {
    let mut i = 0;
    // 文号 and empty lines may stand above the title.
    while let Some(Block::Paragraph(p)) = blocks.get(i) {
        if is_doc_number(&p.plain()) && i < 2 {
            i += 1;
        } else {
            break;
        }
    }
    let Some(Block::Paragraph(first)) = blocks.get(i) else { return None };
    if first.list.is_some() || first.has_image() {
        return None;
    }
    let looks = |p: &Paragraph| {
        short_line(p, 60)
            && !p.plain().trim_end().ends_with(['：', ':'])
            && (p.role == Role::Title
                || matches!(p.role, Role::Heading(_))
                || p.align == Align::Center
                || p.all_bold())
    };
    if !looks(first) {
        return None;
    }
    let first = first.clone();
    let mut title = first.plain().trim().to_string();
    let mut end = i + 1;
    // A second line with the same look continues the title (at most two more lines).
    while end < blocks.len() && end < i + 3 {
        let Block::Paragraph(next) = &blocks[end] else { break };
        let same = next.role == first.role
            && next.align == first.align
            && next.all_bold() == first.all_bold()
            && (first.role == Role::Title || first.align == Align::Center);
        if same && looks(next) && !is_doc_number(&next.plain()) {
            title.push_str(next.plain().trim());
            end += 1;
        } else {
            break;
        }
    }
    blocks.drain(i..end);
    Some(title)
}

/// The 落款 at the end: a date line, and the one or two unit lines above it (or a single line
/// `青石村村民委员会 2026年10月9日`). Removed from the body: the page shows them from the front
/// matter.
pub fn take_signature(blocks: &mut Vec<Block>) -> (Option<String>, Option<Date>) {
    // A few short lines may follow the 落款 (附件：…, 联系人：…): they stay in the body.
    let is_date_line = |b: &Block| match b {
        Block::Paragraph(p) if p.list.is_none() && p.role == Role::Body => {
            let t = p.plain();
            let t = t.trim();
            parse_cn_date(t).is_some()
                || [" / ", "/", "　", " "].iter().any(|sep| {
                    t.rsplit_once(sep)
                        .is_some_and(|(u, d)| parse_cn_date(d).is_some() && is_org(u.trim()))
                })
        }
        _ => false,
    };
    let from = blocks.len().saturating_sub(4);
    let Some(j) = (from..blocks.len()).rev().find(|&j| is_date_line(&blocks[j])) else {
        return (None, None);
    };
    let short = |b: &Block| matches!(b, Block::Paragraph(p) if p.plain().chars().count() <= 60);
    if !blocks[j + 1..].iter().all(short) {
        return (None, None);
    }
    let tail = blocks.split_off(j + 1);
    let found = signature_at_end(blocks);
    blocks.extend(tail);
    found
}

fn signature_at_end(blocks: &mut Vec<Block>) -> (Option<String>, Option<Date>) {
    let Some(Block::Paragraph(last)) = blocks.last() else { return (None, None) };
    let text = last.plain();
    let text = text.trim().to_string();
    if last.list.is_some() || last.role != Role::Body {
        return (None, None);
    }
    if let Some(date) = parse_cn_date(&text) {
        blocks.pop();
        let mut units = Vec::new();
        while units.len() < 2 {
            let Some(Block::Paragraph(p)) = blocks.last() else { break };
            let t = p.plain().trim().to_string();
            let org = is_org(&t);
            if p.list.is_none()
                && p.role == Role::Body
                && short_line(p, 30)
                && !t.contains(['，', ',', '：', ':'])
                && (org || units.is_empty() && p.align == Align::Right)
            {
                units.push(t);
                blocks.pop();
            } else {
                break;
            }
        }
        units.reverse();
        let unit = (!units.is_empty()).then(|| units.join("、"));
        return (unit, Some(date));
    }
    // One line: unit, a separator, the date.
    for sep in [" / ", "/", "　", " "] {
        if let Some((u, d)) = text.rsplit_once(sep)
            && let Some(date) = parse_cn_date(d)
            && is_org(u.trim())
        {
            let unit = u.trim().trim_end_matches('/').trim().to_string();
            blocks.pop();
            return (Some(unit), Some(date));
        }
    }
    (None, None)
}

/// Whether a line names an organisation (村民委员会, 党支部, 合作社, 人民政府…).
fn is_org(t: &str) -> bool {
    const ENDS: [&str; 14] = [
        "委员会",
        "党支部",
        "支部委员会",
        "总支",
        "党委",
        "村委会",
        "居委会",
        "合作社",
        "人民政府",
        "办公室",
        "小组",
        "公司",
        "中心",
        "站",
    ];
    let t = t.trim();
    t.chars().count() <= 30 && ENDS.iter().any(|e| t.ends_with(e))
}

/// Whether a body paragraph is a heading typed by hand, and its level: `一、` → 2, `（一）` → 3,
/// `第一章`/`第一部分` → 2, an all-bold `1.` line → 4.
pub fn hand_heading(p: &Paragraph) -> Option<u8> {
    if p.role != Role::Body || p.list.is_some() || p.has_image() {
        return None;
    }
    let t = p.plain();
    let t = t.trim();
    if !short_line(p, 40) || t.ends_with(['：', ':', '，', ',']) {
        return None;
    }
    let lead: String = t.chars().take_while(|c| is_cn_numeral(*c)).collect();
    let after = &t[lead.len()..];
    if !lead.is_empty() && after.starts_with('、') && after.chars().count() > 1 {
        return Some(2);
    }
    for (open, close) in [("（", "）"), ("(", ")")] {
        if let Some(rest) = t.strip_prefix(open) {
            let n: String = rest.chars().take_while(|c| is_cn_numeral(*c)).collect();
            if !n.is_empty()
                && rest[n.len()..].starts_with(close)
                && rest[n.len() + close.len()..].chars().count() > 0
            {
                return Some(3);
            }
        }
    }
    if let Some(rest) = t.strip_prefix('第') {
        let n: String =
            rest.chars().take_while(|c| is_cn_numeral(*c) || c.is_ascii_digit()).collect();
        let tail = &rest[n.len()..];
        if !n.is_empty() && ["章", "部分", "节"].iter().any(|u| tail.starts_with(u)) {
            return Some(2);
        }
    }
    let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits > 0 && p.all_bold() && t[digits..].starts_with(['.', '．', '、']) {
        return Some(4);
    }
    None
}

/// Heading levels in the Markdown: the page shows the title as its only `#`, so the body's
/// largest heading becomes `##`; bold `一、` lines become headings where Word had none.
pub fn headings(blocks: &mut [Block]) {
    let min_style = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Paragraph(Paragraph { role: Role::Heading(n), .. }) => Some(*n),
            Block::Paragraph(Paragraph { role: Role::Title, .. }) => Some(1),
            _ => None,
        })
        .min();
    let shift = min_style.map(|m| 2i16 - m as i16).unwrap_or(0);
    for b in blocks.iter_mut() {
        let Block::Paragraph(p) = b else { continue };
        match p.role {
            Role::Heading(n) => p.role = Role::Heading((n as i16 + shift).clamp(2, 6) as u8),
            Role::Title => p.role = Role::Heading((1 + shift).clamp(2, 6) as u8),
            Role::Body => {
                if let Some(level) = hand_heading(p) {
                    p.role = Role::Heading(level);
                }
            }
        }
    }
}

/// A picture without a description takes the caption under it (`图1 村道硬化完工现场`) as its
/// alternative text, which screen readers and the gallery show.
pub fn captions(blocks: &mut [Block]) {
    for i in 0..blocks.len().saturating_sub(1) {
        let caption = match &blocks[i + 1] {
            Block::Paragraph(p)
                if p.list.is_none()
                    && !p.has_image()
                    && short_line(p, 40)
                    && p.plain().trim().starts_with(['图', '照']) =>
            {
                p.plain().trim().to_string()
            }
            _ => continue,
        };
        if let Block::Paragraph(p) = &mut blocks[i] {
            let images = p
                .inlines
                .iter()
                .filter(|x| matches!(x, super::model::Inline::Image { .. }))
                .count();
            if images == 1 && p.plain().trim().is_empty() {
                for inline in &mut p.inlines {
                    if let super::model::Inline::Image { alt, .. } = inline
                        && alt.is_empty()
                    {
                        *alt = caption.clone();
                    }
                }
            }
        }
    }
}

/// The `kind` by words of the title, then of the body: the kinds the board and the workbench know.
pub fn guess_kind(title: &str, body: &str) -> Option<&'static str> {
    const RULES: [(&[&str], &str); 8] = [
        (&["发展党员", "预备党员", "入党积极分子", "发展对象", "转为正式党员", "转正"], "发展党员"),
        (&["党费"], "党费收缴"),
        // The 公开目录's spelling (village.relief), so an imported list is counted there.
        (&["低保", "最低生活保障"], "低保公示"),
        (&["招标", "中标", "比选结果", "采购结果"], "招标结果"),
        (&["实施结果", "实施情况公开", "结果公开"], "实施结果公开"),
        (&["决议"], "决议公开"),
        (&["预决算", "预算", "决算"], "工程预决算"),
        (&["财务收支", "收支情况", "财务公开", "收支明细"], "财务收支"),
    ];
    for text in [title, body] {
        for (words, kind) in RULES {
            if words.iter().any(|w| text.contains(w)) {
                return Some(kind);
            }
        }
    }
    None
}

/// `公示期为5个工作日` / `公示7天` / `公示期三天`: the days and how they count.
pub fn notice_days(text: &str) -> Option<(u32, &'static str)> {
    let mut from = 0;
    while let Some(i) = text[from..].find("公示") {
        let start = from + i + "公示".len();
        let window: String = text[start..].chars().take(14).collect();
        let w = window.trim_start_matches(['期', '为', '：', ':', ' ', '时', '间']);
        let n: String = w.chars().take_while(|c| c.is_ascii_digit() || is_cn_numeral(*c)).collect();
        if let Some(days) = number(&n).filter(|d| (1..=60).contains(d)) {
            let unit = w[n.len()..].trim_start_matches('个');
            if unit.starts_with("工作日") {
                return Some((days, "working"));
            }
            if unit.starts_with('天') || unit.starts_with('日') || unit.starts_with("自然日") {
                return Some((days, "calendar"));
            }
        }
        from = start;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_dates() {
        assert_eq!(parse_cn_date("2026年10月9日"), Date::new(2026, 10, 9).ok());
        assert_eq!(parse_cn_date("二〇二六年五月十四日"), Date::new(2026, 5, 14).ok());
        assert_eq!(parse_cn_date("二○二六年十二月三十一日"), Date::new(2026, 12, 31).ok());
        assert_eq!(parse_cn_date("２０２６年１０月９日"), Date::new(2026, 10, 9).ok());
        assert_eq!(parse_cn_date("2026 年 2 月 30 日"), None);
        assert_eq!(parse_cn_date("截至2026年10月9日"), None);
    }

    fn para(text: &str, align: Align) -> Block {
        Block::Paragraph(Paragraph {
            role: Role::Body,
            list: None,
            align,
            inlines: vec![super::super::model::Inline::Text {
                text: text.into(),
                bold: false,
                italic: false,
                strike: false,
            }],
            at: String::new(),
        })
    }

    #[test]
    fn signature_with_lines_after_it() {
        let mut blocks = vec![
            para("现将有关情况公示如下。", Align::Left),
            para("青石村党支部", Align::Right),
            para("青石村村民委员会", Align::Right),
            para("二〇二六年十月九日", Align::Right),
            para("附件：村民代表会议记录", Align::Left),
        ];
        let (unit, date) = take_signature(&mut blocks);
        assert_eq!(unit.as_deref(), Some("青石村党支部、青石村村民委员会"));
        assert_eq!(date, Date::new(2026, 10, 9).ok());
        let left: Vec<String> = blocks
            .iter()
            .map(|b| match b {
                Block::Paragraph(p) => p.plain(),
                Block::Table(_) => String::new(),
            })
            .collect();
        assert_eq!(left, ["现将有关情况公示如下。", "附件：村民代表会议记录"]);

        let mut one = vec![
            para("正文。", Align::Left),
            para("青石村村民委员会 / 2026年10月9日", Align::Right),
        ];
        assert_eq!(
            take_signature(&mut one),
            (Some("青石村村民委员会".into()), Date::new(2026, 10, 9).ok())
        );
        assert_eq!(one.len(), 1);
    }

    #[test]
    fn kinds_and_periods() {
        assert_eq!(guess_kind("青石村2026年第三季度财务收支情况公示", ""), Some("财务收支"));
        assert_eq!(guess_kind("关于实施村道硬化工程的决议公开", ""), Some("决议公开"));
        assert_eq!(guess_kind("村道硬化工程招标结果公示", ""), Some("招标结果"));
        assert_eq!(guess_kind("关于陈晓燕同志拟转为预备党员的公示", ""), Some("发展党员"));
        assert_eq!(
            guess_kind("青石村2026年度低保对象评议结果公示（第一榜）", ""),
            Some("低保公示")
        );
        assert_eq!(guess_kind("通知", "开会"), None);
        assert_eq!(notice_days("公示期为5个工作日，自"), Some((5, "working")));
        assert_eq!(notice_days("公示期3天：2026年6月5日"), Some((3, "calendar")));
        assert_eq!(notice_days("现公示如下，公示期七天"), Some((7, "calendar")));
        assert_eq!(notice_days("公示如下"), None);
    }
}
