// 工作台: the clerk's workbench. Plain browser JavaScript, no framework, no network beyond this
// server. Every write sends the per-run token from the page's <meta>; the server checks it.
(function () {
  "use strict";
  var API = "/__gongkai/wb/api/";
  var TOKEN = document.querySelector('meta[name="gongkai-token"]').content;
  var READONLY = document.querySelector('meta[name="gongkai-readonly"]').content === "1";
  var KINDS = [
    ["发展党员", "party", true, "预备党员"],
    ["低保", "village", true, "第一榜"],
    ["招标结果", "village", true, ""],
    ["决议公开", "village", true, "决议公开"],
    ["实施结果公开", "village", true, "实施结果公开"],
    ["财务收支", "finance", false, ""],
    ["党费收缴", "party", false, ""],
    ["工程预决算", "finance", false, ""],
    ["其他", "village", false, ""]
  ];
  var STATE_CLASS = {
    "draft": "b-draft", "future": "b-future", "notice-upcoming": "b-future",
    "notice-active": "b-active", "notice-ended": "b-ended", "published": "b-published",
    "unbuilt": "b-unbuilt"
  };
  var $ = function (id) { return document.getElementById(id); };
  var current = null;        // { path, version, url }
  var postings = [];
  var today = "";
  var previewTimer = 0, factsTimer = 0, factsSeq = 0, previewSeq = 0;

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      if (k === "class") e.className = attrs[k]; else e.setAttribute(k, attrs[k]);
    });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function say(msg) { $("status").textContent = msg; }

  function request(method, name, body, raw) {
    var opts = { method: method, headers: {}, credentials: "same-origin" };
    if (method === "POST") {
      opts.headers["X-Gongkai-Token"] = TOKEN;
      if (raw) { opts.body = body; }
      else { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body || {}); }
    }
    return fetch(API + name, opts).then(function (r) {
      return r.json().catch(function () { return { error: "服务器的回答看不懂（" + r.status + "）" }; })
        .then(function (j) { j._status = r.status; return j; });
    }, function () {
      return { _status: 0, error: "连不上 gongkai：黑色窗口可能已经关闭。请重新启动 gongkai 后刷新页面。" };
    });
  }
  function get(name) { return request("GET", name); }
  function post(name, body, raw) { return request("POST", name, body, raw); }
  function q(s) { return encodeURIComponent(s); }

  // ---- the list of postings ----------------------------------------------------------------
  function refresh() {
    return get("postings").then(function (j) {
      if (j.error) { say(j.error); return; }
      postings = j.postings; today = j.today;
      renderList(j);
      fillSections(j.sections);
      // A file the last build did not list yet keeps what its own check said.
      if (current && rowOf(current.path)) showDiags(withOwn(diagsOf(current.path)));
    });
  }

  // What the upload's own check said stays shown until the file is opened again: a build that
  // stopped at an earlier stage elsewhere does not list it.
  function withOwn(list) {
    var own = (current && current.own) || [];
    return list.concat(own.filter(function (d) {
      return !list.some(function (x) { return x.location === d.location; });
    }));
  }
  function rowOf(path) { return postings.filter(function (p) { return p.path === path; })[0]; }
  function diagsOf(path) {
    var row = rowOf(path);
    return row ? row.diagnostics : [];
  }

  function renderList(j) {
    var list = $("list");
    list.textContent = "";
    var bySection = {};
    var order = [];
    j.postings.forEach(function (p) {
      if (!bySection[p.section]) { bySection[p.section] = { title: p.section_title, items: [] }; order.push(p.section); }
      bySection[p.section].items.push(p);
    });
    order.forEach(function (s) {
      var sec = el("section", { class: "sec" });
      sec.appendChild(el("h3", null, bySection[s].title));
      var ul = el("ul", { class: "postings" });
      bySection[s].items.forEach(function (p) {
        var li = el("li");
        var b = el("button", { type: "button", class: "posting", "data-path": p.path });
        if (current && current.path === p.path) b.setAttribute("aria-current", "true");
        b.appendChild(el("span", { class: "t" }, p.title));
        var meta = el("span", { class: "m" });
        meta.appendChild(el("span", { class: "badge " + (STATE_CLASS[p.state] || "") }, p.label));
        var errs = p.diagnostics.filter(function (d) { return d.severity === "error"; }).length;
        var warns = p.diagnostics.length - errs;
        if (errs) meta.appendChild(el("span", { class: "badge b-error" }, errs + " 个错误"));
        if (warns) meta.appendChild(el("span", { class: "badge b-warn" }, warns + " 条提醒"));
        if (p.date) meta.appendChild(el("span", { class: "d" }, p.date));
        b.appendChild(meta);
        b.addEventListener("click", function () { open(p.path); });
        li.appendChild(b);
        ul.appendChild(li);
      });
      sec.appendChild(ul);
      list.appendChild(sec);
    });
    var other = j.other_diagnostics || [];
    $("general").hidden = other.length === 0;
    fillDiags($("general-list"), other, false);
  }

  // ---- diagnostics -------------------------------------------------------------------------
  function where(d) {
    // A CSV has no sheets: its cell as WPS or Excel shows it, and the line of the text.
    if (d.cell && !d.sheet) return d.path.split("/").pop() + " 的 " + d.cell + " 格，第 " + d.line + " 行";
    if (d.cell) return d.path.split("/").pop() + " 的 " + d.sheet + " 表 " + d.cell + " 格";
    var other = !current || d.path !== current.path;
    if (d.line) return (other ? d.path.split("/").pop() + " " : "") + "第 " + d.line + " 行";
    return d.path;
  }

  function fillDiags(ul, diags, inEditor) {
    ul.textContent = "";
    if (!diags.length && inEditor) { ul.appendChild(el("li", { class: "ok" }, "没有发现问题。")); return; }
    diags.forEach(function (d) {
      var li = el("li", { class: d.severity === "error" ? "err" : "warn" });
      var label = d.plain ? d.message : (d.severity === "error" ? "错误" : "提醒") + "（" + where(d) + "）：" + d.message;
      var sameFile = inEditor && current && d.path === current.path && d.line;
      var b = el(sameFile ? "button" : "span", sameFile ? { type: "button", class: "diag-go" } : { class: "diag-text" }, label);
      if (sameFile) b.addEventListener("click", function () { goTo(d.line, d.column); });
      li.appendChild(b);
      var privacy = inEditor && d.code && d.code.indexOf("privacy") === 0 && !READONLY;
      var inText = privacy && d.path.slice(-3) === ".md";
      if (inText && d.line) {
        var m = el("button", { type: "button", class: "mask" }, "遮盖");
        m.addEventListener("click", function () { mask(d); });
        li.appendChild(m);
        var r = el("button", { type: "button", class: "remove" }, "删除");
        r.addEventListener("click", function () { removeFinding(d); });
        li.appendChild(r);
      } else if (privacy && !inText) {
        var rf = el("button", { type: "button", class: "remove-file" }, "删除这个文件");
        rf.addEventListener("click", function () { removeFinding(d); });
        li.appendChild(rf);
      }
      ul.appendChild(li);
    });
  }

  function showDiags(diags) {
    fillDiags($("diags"), diags, true);
    var bad = {};
    diags.forEach(function (d) { if (current && d.path === current.path && d.line) bad[d.line] = d.severity; });
    current && (current.bad = bad);
    drawGutter();
  }

  function drawGutter() {
    var t = $("text"), g = $("gutter");
    var n = t.value.split("\n").length;
    var bad = (current && current.bad) || {};
    var frag = document.createDocumentFragment();
    for (var i = 1; i <= n; i++) {
      var s = el("div", bad[i] ? { class: "ln " + (bad[i] === "error" ? "ln-err" : "ln-warn") } : { class: "ln" }, String(i));
      frag.appendChild(s);
    }
    g.textContent = "";
    g.appendChild(frag);
    g.scrollTop = t.scrollTop;
  }

  function goTo(line, column) {
    var t = $("text");
    var lines = t.value.split("\n");
    var pos = 0;
    for (var i = 0; i < line - 1 && i < lines.length; i++) pos += lines[i].length + 1;
    pos += Math.max(0, (column || 1) - 1);
    t.focus();
    t.setSelectionRange(pos, pos);
    var lh = parseFloat(getComputedStyle(t).lineHeight) || 24;
    t.scrollTop = Math.max(0, (line - 3) * lh);
    drawGutter();
  }

  // ---- editor ------------------------------------------------------------------------------
  function draftKey(path) { return "gongkai-wb:" + path; }

  function open(path) {
    return get("file?path=" + q(path)).then(function (j) {
      if (j.error) { say(j.error); return; }
      var row = postings.filter(function (p) { return p.path === path; })[0];
      current = { path: j.path, version: j.version, url: row ? row.url : "", disk: j.text };
      show("editor");
      $("ed-path").textContent = j.path;
      $("text").value = j.text;
      var saved = null;
      try { saved = JSON.parse(localStorage.getItem(draftKey(path)) || "null"); } catch (e) { saved = null; }
      $("draft-offer").hidden = !(saved && saved.text !== j.text);
      showDiags(diagsOf(path));
      renderPreview();
      editorFacts();
      loadSettings();
      document.querySelectorAll(".posting").forEach(function (b) {
        if (b.getAttribute("data-path") === path) b.setAttribute("aria-current", "true"); else b.removeAttribute("aria-current");
      });
    });
  }

  // The open posting's 公示 period as the build counts it.
  function editorFacts() {
    if (!current) return;
    var path = current.path;
    get("facts-of?path=" + q(path)).then(function (j) {
      var p = $("ed-facts");
      if (!current || current.path !== path) return;
      var n = j && j.notice, l = j && j.ledger, parts = [];
      if (n) parts.push("公示期：" + n.period_zh + "，" + n.status_zh + "（" + n.detail_zh + "）");
      if (l && l.totals) {
        var t = l.totals;
        parts.push("账目：期初 " + t.opening.text + " 元，收入 " + t.income.text + " 元，支出 " + t.expense.text +
          " 元，期末 " + t.closing.text + " 元（共 " + l.rows + " 笔）");
        if (l.previous) parts.push(l.chains ? "期初与上一期（" + l.previous.posting + "）的期末相接。" :
          "期初和上一期（" + l.previous.posting + "）的期末 " + l.previous.closing.text + " 元对不上。");
      }
      p.hidden = parts.length === 0;
      p.textContent = parts.join(" ");
    });
  }

  // ---- settings of the open posting, as form fields --------------------------------------
  function loadSettings() {
    if (!current) return;
    var path = current.path;
    get("draft-of?path=" + q(path)).then(function (j) {
      if (!current || current.path !== path) return;
      var d = j.draft;
      $("settings").hidden = !d;
      $("s-errors").textContent = "";
      if (!d) return;
      current.form = d;
      $("s-title").value = d.title || "";
      $("s-date").value = d.date || "";
      $("s-period").value = d.period || "";
      $("s-tags").value = (d.tags || []).join(", ");
      $("s-draft").checked = !!d.draft;
      var notice = d.days !== null && d.days !== undefined;
      document.querySelectorAll(".s-notice").forEach(function (e) { e.hidden = !notice; });
      $("s-days").value = notice ? d.days : "";
      $("s-count").value = d.count || "working";
    });
  }

  function settingsValues() {
    var notice = !document.querySelector(".s-notice").hidden;
    return {
      title: $("s-title").value, date: $("s-date").value, period: $("s-period").value,
      tags: $("s-tags").value.split(/[,，、]/).map(function (s) { return s.trim(); }).filter(Boolean),
      draft: $("s-draft").checked,
      days: notice && $("s-days").value !== "" ? parseInt($("s-days").value, 10) : null,
      count: notice ? $("s-count").value : null
    };
  }

  function showSettingsErrors(errors) {
    fillDiags($("s-errors"), (errors || []).map(function (e) {
      var label = { title: "标题", date: "日期", days: "公示天数", count: "怎么数天数", period: "时间范围", tags: "标签" }[e.field.replace(/^notice\./, "")] || e.field;
      return { severity: e.warning ? "warning" : "error", message: label + "：" + e.zh, plain: true };
    }), false);
  }

  function settingsFacts() {
    if (!current || !current.form) return;
    var v = settingsValues(), d = JSON.parse(JSON.stringify(current.form));
    Object.keys(v).forEach(function (k) { if (v[k] !== null) d[k] = v[k]; });
    post("facts", d).then(function (j) { showSettingsErrors(j.errors); });
  }

  function saveSettings() {
    if (!current) return;
    if ($("text").value !== current.disk) { say("请先点“保存”存好正文的修改，再保存设置。"); return; }
    // Only what the clerk changed is written: an untouched key stays as the file has it.
    var v = settingsValues(), d = current.form, body = {};
    var was = {
      title: d.title || "", date: d.date || "", period: d.period || "", tags: (d.tags || []).join(","),
      draft: !!d.draft, days: d.days === undefined ? null : d.days, count: d.count || (d.days === null || d.days === undefined ? null : "working")
    };
    Object.keys(v).forEach(function (k) {
      var now = k === "tags" ? v.tags.join(",") : v[k];
      if (now !== null && String(now) !== String(was[k])) body[k] = v[k];
    });
    body.path = current.path; body.base_version = current.version;
    post("settings", body).then(function (j) {
      if (j._status === 409 && j.conflict) { conflict($("text").value, j); return; }
      if (j.fields) { showSettingsErrors(j.fields); say(j.error); return; }
      if (j.error) { say(j.error); return; }
      $("text").value = j.text; current.version = j.version; current.disk = j.text;
      renderPreview(); drawGutter(); editorFacts(); loadSettings();
      say("已保存设置（文件里的其他文字和注释没有改动）。");
    });
  }

  function show(id) {
    ["welcome", "new", "editor", "report"].forEach(function (s) { $(s).hidden = s !== id; });
  }

  function renderPreview() {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(function () {
      var seq = ++previewSeq;
      post("preview", { text: $("text").value }).then(function (j) {
        if (seq === previewSeq && j.html !== undefined) $("preview").innerHTML = j.html;
      });
    }, 250);
  }

  function onEdit() {
    if (!current) return;
    try { localStorage.setItem(draftKey(current.path), JSON.stringify({ text: $("text").value, base: current.version })); } catch (e) { /* full */ }
    drawGutter();
    renderPreview();
  }

  function save(base) {
    if (!current) return Promise.resolve();
    var text = $("text").value;
    say("正在保存…");
    return post("save", { path: current.path, text: text, base_version: base || current.version }).then(function (j) {
      if (j._status === 409 && j.conflict) { conflict(text, j); return; }
      if (j.error) { say(j.error); return; }
      current.version = j.version; current.disk = text;
      localStorage.removeItem(draftKey(current.path));
      editorFacts();
      say("已保存 " + current.path + "。预览会自动更新。");
    });
  }

  function conflict(mine, j) {
    $("conflict-msg").textContent = j.error;
    $("conflict-mine").value = mine;
    $("conflict-disk").value = j.conflict.current;
    current.diskVersion = j.conflict.version;
    current.diskText = j.conflict.current;
    $("conflict").showModal();
    say(j.error);
  }

  function insert(before, after, placeholder) {
    var t = $("text");
    var s = t.selectionStart, e = t.selectionEnd;
    var sel = t.value.slice(s, e) || placeholder || "";
    t.setRangeText(before + sel + (after || ""), s, e, "end");
    t.focus();
    onEdit();
  }

  function format(kind) {
    var t = $("text");
    var lineStart = t.value.lastIndexOf("\n", t.selectionStart - 1) + 1;
    if (kind === "h2") { t.setSelectionRange(lineStart, lineStart); insert("## ", "", ""); }
    else if (kind === "bold") insert("**", "**", "加粗的文字");
    else if (kind === "list") { t.setSelectionRange(lineStart, lineStart); insert("- ", "", ""); }
    else if (kind === "table") insert("\n| 项目 | 金额（元） |\n| --- | ---: |\n| 示例 | 0.00 |\n", "", "");
  }

  function onPaste(ev) {
    var cd = ev.clipboardData;
    if (!cd) return;
    var html = cd.getData("text/html");
    if (!html) return;   // plain text: the browser pastes it as it is
    ev.preventDefault();
    say("正在转换粘贴的内容…");
    post("paste", { html: html }).then(function (j) {
      if (j.error) { say(j.error); return; }
      // Pasted blocks start a paragraph of their own.
      var t = $("text"), before = t.value.slice(0, t.selectionStart);
      var lead = before === "" || /\n\n$/.test(before) ? "" : /\n$/.test(before) ? "\n" : "\n\n";
      insert(lead + j.markdown.replace(/^\n+/, ""), "", "");
      say("已粘贴（表格、标题、加粗和列表已转成网站的格式）。");
    });
  }

  function upload(files) {
    if (!current) return;
    var list = Array.prototype.slice.call(files);
    var next = function () {
      var f = list.shift();
      if (!f) return;
      say("正在上传 " + f.name + "…");
      return post("upload?posting=" + q(current.path) + "&name=" + q(f.name), f, true).then(function (j) {
        if (j.error) { say(j.error); return; }
        var moved = j.posting !== current.path;
        say("已放进 " + j.file + (moved ? "（这篇内容改成了文件夹形式：" + j.posting + "）" : "") +
          (j.diagnostics.length ? "。发现 " + j.diagnostics.length + " 个问题，见下面的提示。" : "。没有发现问题。"));
        var p = moved ? open(j.posting) : Promise.resolve();
        return p.then(function () {
          current.own = j.diagnostics;
          showDiags(withOwn(diagsOf(current.path)));
          editorFacts();
        }).then(next);
      });
    };
    return next();
  }

  function mask(d) {
    post("mask", { path: d.path, line: d.line, column: d.column }).then(function (j) {
      if (j.error) { say(j.error); return; }
      if (current && current.path === d.path) {
        $("text").value = j.text; current.version = j.version; current.disk = j.text;
        localStorage.removeItem(draftKey(current.path));
        renderPreview();
        showDiags(diagsOf(d.path).filter(function (x) { return x.location !== d.location; }));
      }
      say("已遮盖：" + j.masked + "（已保存，原来的版本在历史版本里）");
    });
  }

  // 删除: the number goes from the text; a file with one leaves the posting's attachments and
  // goes to the recycle folder (both saved with history).
  function removeFinding(d) {
    var file = d.path.slice(-3) !== ".md";
    var go = file
      ? ask("把 " + d.path.split("/").pop() + " 从附件里去掉，并移到回收文件夹（.gongkai-recycle）吗？")
      : Promise.resolve(true);
    go.then(function (yes) {
      if (!yes) return;
      post("remove", { path: d.path, line: d.line || 0, column: d.column || 0 }).then(function (j) {
        if (j._status === 409 && j.conflict) { conflict($("text").value, j); return; }
        if (j.error) { say(j.error); return; }
        var edited = file ? j.posting : d.path;
        if (current && current.path === edited) {
          $("text").value = j.text; current.version = j.version; current.disk = j.text;
          localStorage.removeItem(draftKey(current.path));
          renderPreview();
          current.own = (current.own || []).filter(function (x) { return x.path !== d.path; });
          showDiags(diagsOf(current.path).filter(function (x) { return file ? x.path !== d.path : x.location !== d.location; }));
        }
        say(file ? "已移到 " + j.recycled + "，并从附件里去掉（已保存，原来的版本在历史版本里）。"
                 : "已删除：" + j.removed + "（已保存，原来的版本在历史版本里）");
        refresh();
      });
    });
  }

  function history() {
    if (!current) return;
    get("history?path=" + q(current.path)).then(function (j) {
      var ul = $("history-list");
      ul.textContent = "";
      if (j.error) { ul.appendChild(el("li", null, j.error)); }
      else if (!j.versions.length) ul.appendChild(el("li", null, "还没有历史版本（保存过才有）。"));
      else j.versions.forEach(function (v) {
        var li = el("li");
        li.appendChild(el("span", null, "版本 " + v.id + " · " + v.saved + " · " + v.bytes + " 字节 "));
        var b = el("button", { type: "button", class: "restore", "data-id": v.id }, "恢复这个版本");
        b.addEventListener("click", function () { restore(v.id); });
        li.appendChild(b);
        ul.appendChild(li);
      });
      $("history").showModal();
    });
  }

  function restore(id) {
    post("restore", { path: current.path, id: id, base_version: current.version }).then(function (j) {
      $("history").close();
      if (j._status === 409 && j.conflict) { conflict($("text").value, j); return; }
      if (j.error) { say(j.error); return; }
      $("text").value = j.text; current.version = j.version; current.disk = j.text;
      localStorage.removeItem(draftKey(current.path));
      renderPreview(); drawGutter();
      say("已恢复版本 " + id + "（恢复前的内容也留在历史版本里）。");
    });
  }

  function ask(msg, withNote) {
    return new Promise(function (resolve) {
      $("confirm-msg").textContent = msg;
      $("confirm-note-wrap").hidden = !withNote;
      $("confirm-note").value = "";
      var d = $("confirm");
      var done = function (v) { d.close(); resolve(v); };
      $("btn-confirm-yes").onclick = function () { done(withNote ? $("confirm-note").value : true); };
      $("btn-confirm-no").onclick = function () { done(false); };
      d.showModal();
    });
  }

  function remove() {
    if (!current) return;
    ask("把 " + current.path + " 移到回收文件夹（.gongkai-recycle）吗？以后还能从那里拿回来。").then(function (yes) {
      if (!yes) return;
      return post("delete", { path: current.path }).then(function (j) {
        if (j._status === 409) {
          return ask(j.error, true).then(function (note) {
            if (!note) return;
            return post("delete", { path: current.path, note: note }).then(function (k) {
              say(k.error || "已撤回 " + k.withdrawn + "：网址以后显示撤回说明。");
              if (!k.error) open(current.path);
            });
          });
        }
        if (j.error) { say(j.error); return; }
        localStorage.removeItem(draftKey(current.path));
        current = null; show("welcome");
        say("已移到 " + j.recycled);
        refresh();
      });
    });
  }

  function report(title, j) {
    show("report");
    $("report-title").textContent = title;
    $("report-summary").textContent = j.summary || j.error || "";
    fillDiags($("report-list"), j.diagnostics || [], false);
    say(j.summary || j.error || "");
  }

  // 检查 / 生成 / 发布 run as jobs on the server: the POST answers at once with the job's id,
  // then the page reads the progress lines (what the command line prints) until it is done.
  var JOB_BUTTONS = ["btn-check", "btn-build", "btn-publish"];
  function runJob(name, body, title) {
    var pre = $("report-progress");
    show("report");
    $("report-title").textContent = title;
    $("report-list").textContent = "";
    pre.textContent = ""; pre.hidden = false;
    JOB_BUTTONS.forEach(function (b) { $(b).disabled = true; });
    var done = function (j) {
      JOB_BUTTONS.forEach(function (b) { $(b).disabled = READONLY; });
      return j;
    };
    return post(name, body).then(function (j) {
      if (!j.job || j._status !== 202) return done(j);
      return new Promise(function (resolve) {
        var from = 0;
        var poll = function () {
          get("job?id=" + j.job + "&from=" + from).then(function (k) {
            if (k.error) { resolve(done(k)); return; }
            if (k.lines.length) {
              pre.textContent += k.lines.join("\n") + "\n";
              pre.scrollTop = pre.scrollHeight;
              say(k.lines[k.lines.length - 1]);
            }
            from = k.next;
            if (k.done) resolve(done(k.result)); else setTimeout(poll, 300);
          });
        };
        poll();
      });
    });
  }

  function runAll(name, title, busy) {
    say(busy);
    $("report-summary").textContent = busy;
    return runJob(name, {}, title).then(function (j) { report(title, j); });
  }

  function publish() {
    say("正在生成并检查网站，再和服务器上的比较（这一步什么都不上传）…");
    $("report-summary").textContent = "正在准备发布…";
    runJob("publish", { confirm: false }, "发布").then(function (j) {
      report("发布", j);
      if (j.files) fillDiags($("report-list"), j.files.map(function (f) { return { severity: "warning", message: f, path: "", plain: true }; }), false);
      if (j.status !== "dry-run") return;
      return ask(j.summary).then(function (yes) {
        if (!yes) { say("没有发布。"); return; }
        say("正在上传…（不要关闭 gongkai 的黑色窗口）");
        return runJob("publish", { confirm: true }, "发布").then(function (k) { report("发布", k); });
      });
    });
  }

  function printPage(url) {
    var w = window.open("/" + url, "_blank");
    if (w) w.addEventListener("load", function () { w.print(); });
  }

  // ---- the new-posting form ----------------------------------------------------------------
  function fillSections(sections) {
    var s = $("f-section");
    var keep = s.value;
    if (s.options.length === sections.length) return;
    s.textContent = "";
    sections.forEach(function (x) { s.appendChild(el("option", { value: x.id }, x.title + "（" + x.id + "）")); });
    if (keep) s.value = keep;
  }

  function buildKinds() {
    var box = $("kinds");
    KINDS.forEach(function (k, i) {
      var id = "k-" + i;
      var wrap = el("span", { class: "kind" });
      var r = el("input", { type: "radio", name: "kind", id: id, value: k[0] });
      if (i === 0) r.checked = true;
      r.addEventListener("change", function () { kindChanged(true); });
      wrap.appendChild(r);
      wrap.appendChild(el("label", { for: id }, k[0]));
      box.appendChild(wrap);
    });
  }

  function kind() {
    var r = document.querySelector('input[name="kind"]:checked');
    var label = r ? r.value : "其他";
    return KINDS.filter(function (k) { return k[0] === label; })[0];
  }

  function kindChanged(setDefaults) {
    var k = kind();
    document.querySelectorAll(".notice-only").forEach(function (e) { e.hidden = !k[2]; });
    if (setDefaults) {
      var sel = $("f-section");
      if (Array.prototype.some.call(sel.options, function (o) { return o.value === k[1]; })) sel.value = k[1];
      $("f-stage").value = k[3];
    }
    facts();
  }

  function draft() {
    var k = kind();
    return {
      section: $("f-section").value, kind: k[0], title: $("f-title").value, date: $("f-date").value,
      period: $("f-period").value,
      tags: $("f-tags").value.split(/[,，、]/).map(function (s) { return s.trim(); }).filter(Boolean),
      days: k[2] && $("f-days").value !== "" ? parseInt($("f-days").value, 10) : null,
      count: $("f-count").value, series: $("f-series").value, stage: $("f-stage").value,
      bundle: $("f-bundle").checked, draft: $("f-draft").checked
    };
  }

  function showFieldErrors(errors) {
    document.querySelectorAll(".field-error").forEach(function (e) { e.textContent = ""; });
    document.querySelectorAll("#new-form [aria-invalid]").forEach(function (e) { e.removeAttribute("aria-invalid"); });
    (errors || []).forEach(function (e) {
      var field = e.field.replace(/^notice\./, "");
      var p = $("e-" + field);
      if (!p) { p = el("p", { class: "field-error" }); $("facts").appendChild(p); }
      p.textContent = (e.warning ? "提醒：" : "") + e.zh;
      if (e.warning) return;
      e = { field: field };
      var f = $("f-" + e.field);
      if (f) { f.setAttribute("aria-invalid", "true"); f.setAttribute("aria-describedby", "e-" + e.field); }
    });
  }

  function facts() {
    clearTimeout(factsTimer);
    factsTimer = setTimeout(function () {
      var seq = ++factsSeq;
      post("facts", draft()).then(function (j) {
        if (seq !== factsSeq) return;   // a later answer is on its way
        var box = $("facts");
        box.textContent = "";
        if (j.error) { box.textContent = j.error; return; }
        if (j.notice) {
          var n = j.notice;
          var off = n.holidays.length ? "（期间放假 " + n.holidays.length + " 天：" +
            n.holidays.map(function (h) { return h.date.slice(5) + (h.name ? " " + h.name : ""); }).join("、") + "，不算在内）" : "";
          box.appendChild(el("p", { id: "fact-end" }, "公示期：" + n.period_zh + "，截止 " + n.end + off));
        }
        if (j.rel_path) box.appendChild(el("p", { id: "fact-file" }, "文件：" + j.rel_path));
        if (j.url) box.appendChild(el("p", { id: "fact-url" }, "网址：" + j.url));
        if (j.signoff_required) box.appendChild(el("p", null, "这类内容公开前要有审核签字（[[signoff]]），创建后在设置里补上。"));
        showFieldErrors(j.errors);
      });
    }, 150);
  }

  function create(ev) {
    ev.preventDefault();
    post("new", draft()).then(function (j) {
      if (j.fields) { showFieldErrors(j.fields); say(j.error); return; }
      if (j.error) { say(j.error); return; }
      say("已创建 " + j.path + "（草稿）。");
      return refresh().then(function () { return open(j.path); });
    });
  }

  function importDocx(file) {
    var section = current ? current.path.split("/")[1] : "village";
    say("正在导入 " + file.name + "…");
    post("import-docx?section=" + q(section) + "&name=" + q(file.name), file, true).then(function (j) {
      if (j.error) { say(j.error); return; }
      say("已导入为草稿 " + j.path + (j.personal ? "，里面有 " + j.personal + " 处个人信息，请看提示。" : "。"));
      refresh().then(function () { open(j.path); });
    });
  }

  // ---- wiring ------------------------------------------------------------------------------
  function init() {
    if (READONLY) {
      $("readonly-note").hidden = false;
      document.querySelectorAll("#btn-new, #btn-save, #btn-build, #btn-delete, #btn-publish").forEach(function (b) { b.disabled = true; });
      $("text").readOnly = true;
    }
    buildKinds();
    $("f-date").value = "";
    $("btn-new").addEventListener("click", function () {
      current = null; show("new");
      if (!$("f-date").value) $("f-date").value = today;
      kindChanged(true);
      document.querySelector('input[name="kind"]:checked').focus();
    });
    $("new-form").addEventListener("input", facts);
    $("new-form").addEventListener("submit", create);
    var t = $("text");
    t.addEventListener("input", onEdit);
    t.addEventListener("scroll", function () { $("gutter").scrollTop = t.scrollTop; });
    t.addEventListener("paste", onPaste);
    t.addEventListener("keydown", function (e) {
      if ((e.ctrlKey || e.metaKey) && e.key === "s") { e.preventDefault(); save(); }
    });
    document.querySelectorAll("[data-fmt]").forEach(function (b) {
      b.addEventListener("click", function () { format(b.getAttribute("data-fmt")); });
    });
    $("btn-save").addEventListener("click", function () { save(); });
    $("settings").addEventListener("input", settingsFacts);
    $("btn-settings-save").addEventListener("click", saveSettings);
    $("btn-history").addEventListener("click", history);
    $("btn-history-close").addEventListener("click", function () { $("history").close(); });
    $("btn-delete").addEventListener("click", remove);
    $("f-upload").addEventListener("change", function (e) { upload(e.target.files); e.target.value = ""; });
    $("f-docx").addEventListener("change", function (e) { if (e.target.files[0]) importDocx(e.target.files[0]); e.target.value = ""; });
    var drop = $("drop");
    drop.addEventListener("dragover", function (e) { e.preventDefault(); drop.classList.add("over"); });
    drop.addEventListener("dragleave", function () { drop.classList.remove("over"); });
    drop.addEventListener("drop", function (e) {
      e.preventDefault(); drop.classList.remove("over");
      if (e.dataTransfer && e.dataTransfer.files.length) upload(e.dataTransfer.files);
    });
    $("btn-keep-mine").addEventListener("click", function () {
      $("conflict").close();
      $("text").value = $("conflict-mine").value;
      save(current.diskVersion);
    });
    $("btn-take-disk").addEventListener("click", function () {
      $("conflict").close();
      $("text").value = current.diskText; current.version = current.diskVersion; current.disk = current.diskText;
      localStorage.removeItem(draftKey(current.path));
      renderPreview(); drawGutter();
      say("已换成磁盘上的版本。");
    });
    $("btn-conflict-close").addEventListener("click", function () { $("conflict").close(); });
    $("btn-draft-restore").addEventListener("click", function () {
      var saved = JSON.parse(localStorage.getItem(draftKey(current.path)) || "null");
      if (saved) { $("text").value = saved.text; onEdit(); }
      $("draft-offer").hidden = true;
      say("已恢复没保存的修改，记得点“保存”。");
    });
    $("btn-draft-drop").addEventListener("click", function () {
      localStorage.removeItem(draftKey(current.path));
      $("draft-offer").hidden = true;
    });
    $("btn-check").addEventListener("click", function () { runAll("check", "检查结果", "正在检查整个网站…"); });
    $("btn-build").addEventListener("click", function () { runAll("build", "生成结果", "正在生成网站到 public/ 文件夹…"); });
    $("btn-print").addEventListener("click", function () { printPage("boards/"); });
    $("btn-print-one").addEventListener("click", function () { if (current && current.url) printPage(current.url); });
    $("btn-publish").addEventListener("click", publish);
    window.addEventListener("beforeunload", function (e) {
      if (current && $("text").value !== current.disk) { e.preventDefault(); e.returnValue = ""; }
    });
    // The preview's own event stream: refresh the list and diagnostics after every build.
    if (window.EventSource) {
      var es = new EventSource("/__gongkai/events");
      ["reload", "builderror", "buildwarning"].forEach(function (n) { es.addEventListener(n, function () { refresh(); }); });
    }
    refresh();
  }
  init();
})();
