//! 工程预决算 / 一事一议: total investment, budget items, funding sources, and — with a ledger —
//! actual spending per item (rows whose 科目 equals the item name).

use std::collections::BTreeMap;

use serde::Serialize;

use super::check::node_money;
use super::error::LedgerError;
use super::node::{self, Kind, Node};
use super::{Loc, Origin, Row};
use crate::diagnostic::Diagnostic;
use crate::money::Fen;

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct BudgetItem {
    pub item: String,
    pub amount: Fen,
    pub note: Option<String>,
    /// Spent according to the ledger (expense − income of rows with this 科目).
    pub actual: Option<Fen>,
    /// Budget − actual (positive: under budget).
    pub difference: Option<Fen>,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct BudgetSource {
    pub source: String,
    pub amount: Fen,
    pub note: Option<String>,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Budget {
    pub total: Fen,
    pub items: Vec<BudgetItem>,
    pub sources: Vec<BudgetSource>,
    pub items_total: Fen,
    pub sources_total: Fen,
    /// total − sources (positive: 缺口, funding still missing).
    pub gap: Fen,
    pub actual_total: Option<Fen>,
    pub difference_total: Option<Fen>,
}

const BUDGET_KEYS: [&str; 3] = ["total", "items", "sources"];

fn unknown_keys(n: &Node, known: &[&str], table: &str, post: &Origin, diags: &mut Vec<Diagnostic>) {
    for e in n.entries().unwrap_or(&[]) {
        if !known.contains(&e.key.as_str()) {
            diags.push(post.error(
                &Loc::Span(e.key_span.clone()),
                LedgerError::UnknownKey {
                    key: e.key.clone(),
                    table: table.into(),
                    suggestion: node::suggest(&e.key, known),
                },
            ));
        }
    }
}

/// `(name, amount, note)` of each table in `[[budget.<key>]]`.
fn entries(
    n: &Node,
    key: &str,
    name_key: &'static str,
    post: &Origin,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(String, Fen, Option<String>)> {
    let Some(list) = n.get(key) else { return Vec::new() };
    let Kind::Array(items) = &list.kind else {
        diags.push(post.error(
            &Loc::Span(list.span.clone()),
            LedgerError::WrongType { key: format!("budget.{key}"), expected: "表格数组" },
        ));
        return Vec::new();
    };
    let table = format!("[[budget.{key}]]");
    let known = [name_key, "amount", "note"];
    let mut out = Vec::new();
    for it in items {
        if it.entries().is_none() {
            diags.push(post.error(
                &Loc::Span(it.span.clone()),
                LedgerError::WrongType { key: table.clone(), expected: "表" },
            ));
            continue;
        }
        unknown_keys(it, &known, &table, post, diags);
        let name = it.get(name_key).and_then(Node::as_str).map(str::to_string);
        let amount = it.get("amount").and_then(|a| node_money(a, "amount", post, diags));
        let note = it.get("note").and_then(Node::as_str).map(str::to_string);
        match (name, amount) {
            (Some(name), Some(amount)) => out.push((name, amount, note)),
            (None, _) => diags.push(post.error(
                &Loc::Span(it.span.clone()),
                LedgerError::WrongType { key: name_key.into(), expected: "名称字符串" },
            )),
            (_, None) if it.get("amount").is_none() => diags.push(post.error(
                &Loc::Span(it.span.clone()),
                LedgerError::WrongType { key: "amount".into(), expected: "金额字符串" },
            )),
            _ => {}
        }
    }
    out
}

pub(crate) fn read_budget(
    n: &Node,
    post: &Origin,
    rows: Option<&[Row]>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Budget> {
    if n.entries().is_none() {
        diags.push(post.error(
            &Loc::Span(n.span.clone()),
            LedgerError::WrongType { key: "budget".into(), expected: "表 [budget]" },
        ));
        return None;
    }
    unknown_keys(n, &BUDGET_KEYS, "[budget]", post, diags);
    let total_node = n.get("total");
    let total = total_node.and_then(|t| node_money(t, "total", post, diags));
    let items = entries(n, "items", "item", post, diags);
    let sources = entries(n, "sources", "source", post, diags);
    let items_total: Fen = items.iter().map(|i| i.1).sum();
    let sources_total: Fen = sources.iter().map(|s| s.1).sum();
    let total = match total {
        Some(t) => t,
        None if total_node.is_none() && !items.is_empty() => items_total,
        None => {
            if total_node.is_none() {
                diags.push(post.error(&Loc::Span(n.span.clone()), LedgerError::BudgetNoTotal));
            }
            return None;
        }
    };
    let at = total_node.map(|t| t.span.clone()).unwrap_or(n.span.clone());
    if !sources.is_empty() && sources_total != total {
        let loc = n.get("sources").map(|s| s.span.clone()).unwrap_or(at.clone());
        diags.push(post.error(
            &Loc::Span(loc),
            LedgerError::BudgetSourcesGap { total, sources: sources_total },
        ));
    }
    if !items.is_empty() && items_total != total {
        let loc = n.get("items").map(|s| s.span.clone()).unwrap_or(at.clone());
        diags.push(post.error(
            &Loc::Span(loc),
            LedgerError::BudgetItemsMismatch { total, items: items_total },
        ));
    }
    let mut spent: BTreeMap<&str, Fen> = BTreeMap::new();
    if let Some(rows) = rows {
        for r in rows {
            let key = r.category.as_deref().unwrap_or("未分类");
            *spent.entry(key).or_default() +=
                r.expense.unwrap_or_default() - r.income.unwrap_or_default();
        }
        for (cat, amount) in &spent {
            if !items.iter().any(|i| i.0 == *cat) && amount.0 > 0 {
                diags.push(post.warning(
                    &Loc::Span(at.clone()),
                    LedgerError::BudgetUnmatched { category: cat.to_string(), amount: *amount },
                ));
            }
        }
    }
    let items: Vec<BudgetItem> = items
        .into_iter()
        .map(|(item, amount, note)| {
            let actual = rows.map(|_| spent.get(item.as_str()).copied().unwrap_or_default());
            BudgetItem { difference: actual.map(|a| amount - a), item, amount, note, actual }
        })
        .collect();
    let actual_total = rows.map(|_| items.iter().filter_map(|i| i.actual).sum::<Fen>());
    Some(Budget {
        total,
        items,
        sources: sources
            .into_iter()
            .map(|(source, amount, note)| BudgetSource { source, amount, note })
            .collect(),
        items_total,
        sources_total,
        gap: total - sources_total,
        difference_total: actual_total.map(|a| total - a),
        actual_total,
    })
}
