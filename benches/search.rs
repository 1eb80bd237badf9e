//! Search at scale: 10,000 synthetic postings of about 10 KB of Chinese text.
//!
//! Reports index build time, total index size, the bytes a browser loads for typical queries,
//! and query latency measured in headless Chromium from `file://` (median of repeated runs
//! after the index files for the query are loaded).
//!
//! `cargo bench --bench search` (set `GONGKAI_BENCH_DOCS` for another count). Needs Debian's
//! `chromium` for the latency part.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use gongkai::search::{SEARCH_JS, SearchDoc, build_index, query_terms, term_shard};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[self.below(v.len())]
    }
}

const SUBJECTS: &[&str] = &[
    "村民委员会",
    "村务监督委员会",
    "党支部",
    "村民代表会议",
    "镇农经站",
    "第三村民小组",
    "合作社理事会",
    "驻村工作队",
    "村集体经济组织",
    "党员大会",
    "财务审核小组",
    "民主理财小组",
];
const VERBS: &[&str] = &[
    "审议通过了",
    "公示了",
    "核实了",
    "研究决定",
    "组织开展了",
    "如实登记了",
    "张榜公布了",
    "逐项核对了",
    "征求了群众对",
    "向全体村民报告了",
    "讨论了",
    "落实了",
];
const OBJECTS: &[&str] = &[
    "低保对象名单",
    "修路工程预算",
    "党费收缴情况",
    "集体土地承包费",
    "扶贫资金使用明细",
    "村道硬化工程",
    "危房改造补助",
    "医疗救助申请",
    "农村饮水安全项目",
    "集体资产清查结果",
    "困难党员慰问金",
    "五保供养标准",
    "退耕还林补贴",
    "高标准农田建设",
    "垃圾清运费用",
    "路灯安装工程",
    "水利设施维修",
    "村级办公经费",
    "宅基地审批",
    "耕地地力保护补贴",
];
const TAILS: &[&str] = &[
    "群众如有异议可在公示期内向村务监督委员会反映",
    "相关票据已存档备查",
    "资金由镇财政所统一拨付",
    "全程接受群众监督",
    "结果经党员大会表决通过",
    "具体明细见附表",
    "经会计核算无误",
    "按照四议两公开程序办理",
    "已报镇政府备案",
    "请各位村民相互转告",
];

fn sentence(r: &mut Rng) -> String {
    let year = 2019 + r.below(8);
    let amount = 1000 + r.below(500_000);
    match r.below(4) {
        0 => {
            format!("{}{}{}，{}。", r.pick(SUBJECTS), r.pick(VERBS), r.pick(OBJECTS), r.pick(TAILS))
        }
        1 => format!(
            "{}年第{}季度{}共计{}元，{}。",
            year,
            1 + r.below(4),
            r.pick(OBJECTS),
            amount,
            r.pick(TAILS)
        ),
        2 => format!(
            "根据{}的意见，{}{}，涉及{}户{}人。",
            r.pick(SUBJECTS),
            r.pick(VERBS),
            r.pick(OBJECTS),
            1 + r.below(60),
            1 + r.below(200)
        ),
        _ => format!("摘要：{}{}元，经办人签字，{}。", r.pick(OBJECTS), amount, r.pick(TAILS)),
    }
}

fn synthetic_docs(n: usize) -> Vec<SearchDoc<'static>> {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    let sections = [("village", "村务公开"), ("party", "党务公开"), ("finance", "财务公开")];
    (0..n)
        .map(|i| {
            let (sid, stitle) = sections[r.below(3)];
            let year = 2019 + r.below(8);
            let date = format!("{year}-{:02}-{:02}", 1 + r.below(12), 1 + r.below(28));
            let title = format!(
                "{}年{}{}公示",
                year,
                r.pick(OBJECTS),
                ["", "情况", "结果", "明细"][r.below(4)]
            );
            let mut text = String::new();
            while text.len() < 10_000 {
                text.push_str(&sentence(&mut r));
            }
            SearchDoc {
                url: format!("{sid}/{year}-{i:05}/index.html"),
                title,
                section: sid.into(),
                section_title: stitle.into(),
                date,
                kind: Some(["通知", "公示", "报告"][r.below(3)].into()),
                status: (r.below(5) == 0).then(|| "公示中".to_string()),
                tags: vec![r.pick(OBJECTS).to_string()],
                text: text.into(),
                excerpt: String::new(),
            }
        })
        .collect()
}

const QUERIES: [&str; 3] = ["低保", "修路", "党费 2025"];

fn bench_page() -> String {
    format!(
        r#"<!doctype html><html><head><meta charset="utf-8"><title>bench</title></head><body>
<pre id="timings">pending</pre>
<script src="static/search.js"></script>
<script>
(async function () {{
  var out = {{}};
  try {{
    var t0 = performance.now();
    await GongkaiSearch.loadMeta();
    out.meta_ms = performance.now() - t0;
    for (var q of {queries}) {{
      var c0 = performance.now();
      var r = await GongkaiSearch.search(q);
      var top = r.hits.slice(0, 20).map(function (h) {{ return h.id; }});
      await GongkaiSearch.docs(top);
      var cold = performance.now() - c0;
      var times = [];
      for (var i = 0; i < 21; i++) {{
        var s = performance.now();
        r = await GongkaiSearch.search(q);
        var d = await GongkaiSearch.docs(r.hits.slice(0, 20).map(function (h) {{ return h.id; }}));
        d.forEach(function (x) {{ GongkaiSearch.snippet(x.x, r.terms); }});
        times.push(performance.now() - s);
      }}
      out[q] = {{ cold_ms: cold, times_ms: times, hits: r.hits.length, top: top }};
    }}
  }} catch (e) {{ out.error = String(e); }}
  document.getElementById('timings').textContent = JSON.stringify(out);
}})();
</script></body></html>
"#,
        queries = serde_json::to_string(&QUERIES).unwrap()
    )
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn file_size(dir: &Path, rel: &str) -> u64 {
    std::fs::metadata(dir.join(rel)).map(|m| m.len()).unwrap_or(0)
}

fn main() {
    let n: usize =
        std::env::var("GONGKAI_BENCH_DOCS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let t = Instant::now();
    let docs = synthetic_docs(n);
    let text_bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    println!(
        "generated {n} docs, {:.1} MB of text in {:.2?}",
        text_bytes as f64 / 1e6,
        t.elapsed()
    );

    let t = Instant::now();
    let files = build_index(&docs);
    let build = t.elapsed();
    let total: usize = files.iter().map(|f| f.1.len()).sum();
    println!("index build: {build:.2?}; {} files, {:.1} MB total", files.len(), total as f64 / 1e6);

    let dir = std::env::temp_dir().join("gongkai-search-bench");
    let _ = std::fs::remove_dir_all(&dir);
    for (path, contents) in &files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, contents).unwrap();
    }
    std::fs::create_dir_all(dir.join("static")).unwrap();
    std::fs::write(dir.join("static/search.js"), SEARCH_JS).unwrap();
    std::fs::write(dir.join("bench.html"), bench_page()).unwrap();
    println!("bench site: {}", dir.display());

    let meta_js = files.iter().find(|f| f.0 == "search/meta.js").unwrap();
    let shards = {
        let s = &meta_js.1;
        let i = s.find("\"termShards\":").unwrap() + 13;
        s[i..].split(',').next().unwrap().parse::<u32>().unwrap()
    };
    let doc_shard_size = 50; // IndexOptions::default().doc_shard_size

    let profile = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let out = Command::new("chromium")
        .args(gongkai::print::HEADLESS_FLAGS)
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}/bench.html?q=低保", dir.display()))
        .output()
        .expect("chromium is needed: apt-get install -y chromium");
    println!("chromium ran in {:.2?}", t.elapsed());
    let dom = String::from_utf8_lossy(&out.stdout);
    let start = dom.find("<pre id=\"timings\">").expect("timings element") + 18;
    let end = start + dom[start..].find("</pre>").unwrap();
    let json = dom[start..end].replace("&quot;", "\"").replace("&amp;", "&");
    let v: serde_json::Value =
        serde_json::from_str(&json).unwrap_or_else(|_| panic!("timings: {json}"));
    if let Some(e) = v.get("error") {
        panic!("page error: {e}");
    }
    println!("meta.js load: {:.1} ms", v["meta_ms"].as_f64().unwrap());
    let meta_bytes = meta_js.1.len() as u64;
    for q in QUERIES {
        let r = &v[q];
        let mut times: Vec<f64> =
            r["times_ms"].as_array().unwrap().iter().map(|t| t.as_f64().unwrap()).collect();
        let mut loaded: BTreeSet<String> = BTreeSet::new();
        for t in query_terms(q) {
            loaded.insert(format!("search/terms/{}.js", term_shard(&t, shards)));
        }
        for id in r["top"].as_array().unwrap() {
            loaded.insert(format!(
                "search/docs/{}.js",
                id.as_u64().unwrap() as usize / doc_shard_size
            ));
        }
        let bytes: u64 = meta_bytes
            + loaded.iter().map(|f| file_size(&dir, f)).sum::<u64>()
            + SEARCH_JS.len() as u64;
        println!(
            "query {q:?}: {} hits; loads {:.2} MB ({} files + meta.js + search.js); first run {:.1} ms; median {:.1} ms (min {:.1}, max {:.1})",
            r["hits"],
            bytes as f64 / 1e6,
            loaded.len(),
            r["cold_ms"].as_f64().unwrap(),
            median(&mut times),
            times[0],
            times[times.len() - 1],
        );
    }
}
