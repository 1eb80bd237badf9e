/* gongkai search client: hand-written ES2017, no library, works from file://.
 * The HTML contract it expects is in src/search/README.md (and src/search/mod.rs).
 * The tokenizer mirrors src/search/tokenize.rs rule for rule; the index format is described
 * in src/search/index.rs. Document text only ever reaches the page through textContent. */
(function () {
  'use strict';

  var REG = (window.GONGKAI_SEARCH_SHARDS = window.GONGKAI_SEARCH_SHARDS || []);
  var FORMAT_VERSION = 2;
  var PAGE_SIZE = 20;
  var SNIPPET_CHARS = 90;

  /* ---------- tokenizer (same rules as tokenize.rs) ---------- */

  function normalizeCp(cp) {
    if (cp >= 0xff01 && cp <= 0xff5e) cp -= 0xfee0;
    else if (cp === 0x3000) cp = 0x20;
    if (cp >= 0x41 && cp <= 0x5a) cp += 32;
    return cp;
  }

  function isCjk(cp) {
    return (
      cp === 0x3007 ||
      (cp >= 0x3040 && cp <= 0x30ff) ||
      (cp >= 0x3400 && cp <= 0x4dbf) ||
      (cp >= 0x4e00 && cp <= 0x9fff) ||
      (cp >= 0xac00 && cp <= 0xd7af) ||
      (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0x20000 && cp <= 0x323af)
    );
  }

  function isWord(cp) {
    return (
      (cp >= 0x30 && cp <= 0x39) ||
      (cp >= 0x41 && cp <= 0x5a) ||
      (cp >= 0x61 && cp <= 0x7a) ||
      (cp >= 0xc0 && cp <= 0x24f && cp !== 0xd7 && cp !== 0xf7)
    );
  }

  /* Normalised CJK runs and words: [{cjk: true, text: '修路'}, {cjk: false, text: 'gdp'}]. */
  function segments(text) {
    var out = [];
    var buf = '';
    var cur = 0; /* 0 separator, 1 cjk, 2 word */
    for (var ch of String(text)) {
      var cp = normalizeCp(ch.codePointAt(0));
      var k = isCjk(cp) ? 1 : isWord(cp) ? 2 : 0;
      if (k !== cur && buf) {
        out.push({ cjk: cur === 1, text: buf });
        buf = '';
      }
      cur = k;
      if (k !== 0) buf += String.fromCodePoint(cp);
    }
    if (buf) out.push({ cjk: cur === 1, text: buf });
    return out;
  }

  /* Characters and bigrams of CJK runs, in reading order; words whole. */
  function tokenize(text) {
    var out = [];
    segments(text).forEach(function (seg) {
      if (!seg.cjk) {
        out.push(seg.text);
        return;
      }
      var chars = Array.from(seg.text);
      for (var i = 0; i < chars.length; i++) {
        if (i > 0) out.push(chars[i - 1] + chars[i]);
        out.push(chars[i]);
      }
    });
    return out;
  }

  /* Terms a query must all match: words; bigrams of CJK runs; a lone CJK character. */
  function queryTerms(query) {
    var out = [];
    segments(query).forEach(function (seg) {
      if (!seg.cjk) {
        out.push(seg.text);
        return;
      }
      var chars = Array.from(seg.text);
      if (chars.length === 1) out.push(seg.text);
      for (var i = 1; i < chars.length; i++) out.push(chars[i - 1] + chars[i]);
    });
    out.sort();
    return out.filter(function (t, i) {
      return i === 0 || t !== out[i - 1];
    });
  }

  /* FNV-1a 32 over UTF-16 code units, as term_hash in index.rs. */
  function termHash(term) {
    var h = 0x811c9dc5;
    for (var i = 0; i < term.length; i++) {
      h = Math.imul(h ^ term.charCodeAt(i), 0x01000193) >>> 0;
    }
    return h >>> 0;
  }

  /* ---------- postings code ---------- */

  var DIGIT = new Int8Array(128).fill(-1);
  '0123456789abcdefghijklmnopqrstuv'.split('').forEach(function (c, i) {
    DIGIT[c.charCodeAt(0)] = i;
  });
  'wxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$'.split('').forEach(function (c, i) {
    DIGIT[c.charCodeAt(0)] = 32 + i;
  });

  function decodeNumbers(str) {
    var out = [];
    var acc = 0;
    for (var i = 0; i < str.length; i++) {
      var d = DIGIT[str.charCodeAt(i)];
      if (d >= 32) {
        acc = acc * 32 + (d - 32);
      } else {
        out.push(acc * 32 + d);
        acc = 0;
      }
    }
    return out;
  }

  /* Postings string -> {ids: [...ascending], vals: [...]} */
  function decodePostings(str) {
    var nums = decodeNumbers(str);
    var n = nums.length >> 1;
    var ids = new Uint32Array(n);
    var vals = new Uint32Array(n);
    var prev = 0;
    for (var i = 0; i < n; i++) {
      prev += nums[2 * i];
      ids[i] = prev;
      vals[i] = nums[2 * i + 1];
    }
    return { ids: ids, vals: vals };
  }

  /* ---------- loading index files with <script> (works from file://) ---------- */

  var state = {
    base: 'search/',
    meta: null,
    metaPromise: null,
    sectionOf: null,
    yearOf: null,
    terms: {},
    docs: {},
    texts: {},
    scripts: new Map(),
    loadedFiles: [],
  };

  function drain() {
    while (REG.length) {
      var obj = REG.shift();
      if (!obj || typeof obj !== 'object') continue;
      if (obj.kind === 'meta') state.meta = obj;
      else if (obj.kind === 'terms') state.terms[obj.shard] = obj.terms;
      else if (obj.kind === 'docs') state.docs[obj.shard] = obj.docs;
      else if (obj.kind === 'text') state.texts[obj.shard] = obj.text;
    }
  }

  function loadScript(src) {
    var p = state.scripts.get(src);
    if (p) return p;
    p = new Promise(function (resolve, reject) {
      var s = document.createElement('script');
      s.src = src;
      s.async = true;
      s.onload = function () {
        drain();
        resolve();
      };
      s.onerror = function () {
        state.scripts.delete(src);
        reject(new Error('无法加载搜索索引文件 ' + src));
      };
      (document.head || document.documentElement).appendChild(s);
    });
    state.scripts.set(src, p);
    state.loadedFiles.push(src);
    return p;
  }

  function loadMeta() {
    if (!state.metaPromise) {
      state.metaPromise = loadScript(state.base + 'meta.js').then(function () {
        var meta = state.meta;
        if (!meta || meta.version !== FORMAT_VERSION) {
          throw new Error('搜索索引格式不符（请重新生成网站）');
        }
        var core = decodeNumbers(meta.core);
        state.sectionOf = new Uint16Array(meta.docs);
        state.yearOf = new Uint16Array(meta.docs);
        for (var i = 0; i < meta.docs; i++) {
          state.sectionOf[i] = core[2 * i];
          state.yearOf[i] = core[2 * i + 1];
        }
        return meta;
      });
    }
    return state.metaPromise;
  }

  function termShard(term) {
    return termHash(term) & (state.meta.termShards - 1);
  }

  /* ---------- search ---------- */

  function tfBucket(tf) {
    /* Term frequency counts in powers of two, so that among similar counts newer wins. */
    var b = 0;
    while (tf > 0) {
      b++;
      tf >>= 1;
    }
    return b;
  }

  /* filters: {section: 'party' | '', year: '2026' | ''}.
   * Resolves to {terms, hits: [{id, title, tags, tf}]} ranked: more query terms in the title
   * first, then in tags, then term frequency (bucketed), then newer first. */
  async function search(query, filters) {
    filters = Object.assign({}, filters || {});
    var meta = await loadMeta();
    // A year in the query ("党费 2025", "2026年 低保") filters by publication year, as the year
    // select does, instead of being looked for as a word.
    query = String(query).replace(/(^|\s)((?:19|20)\d\d)年?(?=\s|$)/g, function (all, sp, y) {
      if (meta.years.indexOf(Number(y)) < 0) return all;
      if (filters.year && filters.year !== y) filters.year = 'none';
      else filters.year = y;
      return sp;
    });
    var terms = queryTerms(query);
    if (!terms.length) return { terms: terms, hits: [] };
    var shards = Array.from(new Set(terms.map(termShard)));
    await Promise.all(
      shards.map(function (n) {
        return loadScript(state.base + 'terms/' + n + '.js');
      }),
    );
    var lists = [];
    for (var t of terms) {
      var shard = state.terms[termShard(t)];
      if (!shard || !Object.prototype.hasOwnProperty.call(shard, t)) return { terms: terms, hits: [] };
      lists.push(shard[t]);
    }
    lists.sort(function (a, b) {
      return a.length - b.length;
    });

    var first = decodePostings(lists[0]);
    var ids = Array.from(first.ids);
    var title = [];
    var tags = [];
    var tf = [];
    for (var i = 0; i < ids.length; i++) {
      var v = first.vals[i];
      title.push(v & 1);
      tags.push((v >> 1) & 1);
      tf.push(v >> 2);
    }
    for (var l = 1; l < lists.length && ids.length; l++) {
      var p = decodePostings(lists[l]);
      var k = 0;
      var j = 0;
      var w = 0;
      for (k = 0; k < ids.length; k++) {
        while (j < p.ids.length && p.ids[j] < ids[k]) j++;
        if (j === p.ids.length) break;
        if (p.ids[j] === ids[k]) {
          var pv = p.vals[j];
          ids[w] = ids[k];
          title[w] = title[k] + (pv & 1);
          tags[w] = tags[k] + ((pv >> 1) & 1);
          tf[w] = tf[k] + (pv >> 2);
          w++;
        }
      }
      ids.length = title.length = tags.length = tf.length = w;
    }

    var sectionIdx = -1;
    if (filters.section) {
      sectionIdx = meta.sections.findIndex(function (s) {
        return s[0] === filters.section;
      });
      if (sectionIdx < 0) return { terms: terms, hits: [] };
    }
    var yearCode = -1;
    if (filters.year) {
      yearCode = meta.years.indexOf(Number(filters.year)) + 1;
      if (yearCode === 0) return { terms: terms, hits: [] };
    }
    var hits = [];
    for (var h = 0; h < ids.length; h++) {
      var id = ids[h];
      if (sectionIdx >= 0 && state.sectionOf[id] !== sectionIdx) continue;
      if (yearCode > 0 && state.yearOf[id] !== yearCode) continue;
      hits.push({ id: id, title: title[h], tags: tags[h], tf: tf[h], rank: tfBucket(tf[h]) });
    }
    hits.sort(function (a, b) {
      return b.title - a.title || b.tags - a.tags || b.rank - a.rank || a.id - b.id;
    });
    return { terms: terms, hits: hits };
  }

  /* Loads the stored fields of documents: [{u, t, s, d, k?, st?, g?, x}] in the order asked. */
  async function docs(ids) {
    var meta = await loadMeta();
    var size = meta.docShardSize;
    var shards = Array.from(
      new Set(
        ids.map(function (id) {
          return Math.floor(id / size);
        }),
      ),
    );
    await Promise.all(
      shards.map(function (n) {
        return loadScript(state.base + 'docs/' + n + '.js');
      }),
    );
    return ids.map(function (id) {
      return state.docs[Math.floor(id / size)][id % size];
    });
  }

  /* The text a result's snippet is cut from: its excerpt, or, when the excerpt lacks one of the
   * query terms and the document is longer (m:1), its whole text from search/text/N.js. A text
   * shard that fails to load leaves the excerpt: the result is still shown. */
  async function snippetSource(id, d, terms) {
    var x = d.x || '';
    if (!d.m) return x;
    var norm = normalizedUnits(x);
    var missing = terms.some(function (t) {
      return norm.indexOf(t) < 0;
    });
    if (!missing) return x;
    var meta = await loadMeta();
    var n = Math.floor(id / meta.docShardSize);
    try {
      await loadScript(state.base + 'text/' + n + '.js');
    } catch (e) {
      return x;
    }
    var texts = state.texts[n];
    var full = texts && texts[id % meta.docShardSize];
    return full || x;
  }

  /* ---------- highlighting and snippets (DOM APIs only, never innerHTML) ---------- */

  function normalizedUnits(text) {
    /* Same length as text: BMP units normalised, surrogates kept. */
    var out = '';
    for (var i = 0; i < text.length; i++) {
      out += String.fromCharCode(normalizeCp(text.charCodeAt(i)));
    }
    return out;
  }

  function matchRanges(text, terms) {
    var norm = normalizedUnits(text);
    var ranges = [];
    terms.forEach(function (term) {
      var word = !isCjk(term.codePointAt(0));
      var from = 0;
      for (;;) {
        var at = norm.indexOf(term, from);
        if (at < 0) break;
        var end = at + term.length;
        from = at + 1;
        if (word) {
          var before = at > 0 ? norm.codePointAt(at - 1) : 0;
          var after = end < norm.length ? norm.codePointAt(end) : 0;
          if (isWord(before) || isWord(after)) continue;
        }
        ranges.push([at, end]);
      }
    });
    ranges.sort(function (a, b) {
      return a[0] - b[0] || a[1] - b[1];
    });
    var merged = [];
    ranges.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push([r[0], r[1]]);
    });
    return merged;
  }

  /* Appends text to parent with matches of terms wrapped in <mark>. */
  function appendHighlighted(parent, text, terms, ranges) {
    ranges = ranges || matchRanges(text, terms);
    var pos = 0;
    ranges.forEach(function (r) {
      if (r[0] > pos) parent.appendChild(document.createTextNode(text.slice(pos, r[0])));
      var mark = document.createElement('mark');
      mark.textContent = text.slice(r[0], r[1]);
      parent.appendChild(mark);
      pos = r[1];
    });
    if (pos < text.length) parent.appendChild(document.createTextNode(text.slice(pos)));
  }

  function isLowSurrogate(u) {
    return u >= 0xdc00 && u <= 0xdfff;
  }

  /* 2026-07-01 → 2026年7月1日, as everywhere else on the site. */
  function dateZh(iso) {
    var p = String(iso).split('-');
    return p.length === 3 ? p[0] + '年' + Number(p[1]) + '月' + Number(p[2]) + '日' : iso;
  }

  /* A window of the text around its matches: it starts just before the first match of the
   * term found earliest, and, when the terms lie far apart, the window that holds the most
   * distinct terms wins. */
  function snippet(excerpt, terms) {
    var ranges = matchRanges(excerpt, terms);
    var start = ranges.length ? Math.max(0, bestStart(excerpt, ranges) - 20) : 0;
    if (start > 0 && isLowSurrogate(excerpt.charCodeAt(start))) start--;
    var end = Math.min(excerpt.length, start + SNIPPET_CHARS);
    if (end < excerpt.length && isLowSurrogate(excerpt.charCodeAt(end))) end++;
    var text = excerpt.slice(start, end);
    var shifted = [];
    ranges.forEach(function (r) {
      var a = Math.max(r[0], start) - start;
      var b = Math.min(r[1], end) - start;
      if (b > a) shifted.push([a, b]);
    });
    return { text: text, ranges: shifted, before: start > 0, after: end < excerpt.length };
  }

  /* Start of the match whose SNIPPET_CHARS window covers the most distinct matched words. */
  function bestStart(text, ranges) {
    var norm = normalizedUnits(text);
    var best = ranges[0][0];
    var bestCount = 0;
    for (var i = 0; i < ranges.length; i++) {
      var seen = new Set();
      for (var j = i; j < ranges.length && ranges[j][1] - ranges[i][0] <= SNIPPET_CHARS - 20; j++) {
        seen.add(norm.slice(ranges[j][0], ranges[j][1]));
      }
      if (seen.size > bestCount) {
        bestCount = seen.size;
        best = ranges[i][0];
      }
    }
    return best;
  }

  /* ---------- the page ---------- */

  var ui = null;

  function el(id) {
    return document.getElementById(id);
  }

  function readUrl() {
    var p = new URLSearchParams(location.search);
    return { q: p.get('q') || '', section: p.get('section') || '', year: p.get('year') || '' };
  }

  function writeUrl(q, section, year) {
    var p = new URLSearchParams(location.search);
    [
      ['q', q],
      ['section', section],
      ['year', year],
    ].forEach(function (kv) {
      if (kv[1]) p.set(kv[0], kv[1]);
      else p.delete(kv[0]);
    });
    var qs = p.toString();
    try {
      history.replaceState(history.state, '', location.pathname + (qs ? '?' + qs : '') + location.hash);
    } catch (e) {
      /* Some browsers refuse replaceState on file:// pages; the search still works. */
    }
  }

  function fillSelect(select, values) {
    if (!select) return;
    var have = new Set(
      Array.from(select.options).map(function (o) {
        return o.value;
      }),
    );
    values.forEach(function (v) {
      if (have.has(v[0])) return;
      var o = document.createElement('option');
      o.value = v[0];
      o.textContent = v[1];
      select.appendChild(o);
    });
  }

  function setStatus(text) {
    if (ui.status) ui.status.textContent = text;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  async function renderMore() {
    var cur = ui.current;
    var slice = cur.hits.slice(cur.shown, cur.shown + PAGE_SIZE);
    var ids = slice.map(function (h) {
      return h.id;
    });
    var found = await docs(ids);
    var sources = await Promise.all(
      found.map(function (d, i) {
        return snippetSource(ids[i], d, cur.terms);
      }),
    );
    if (ui.current !== cur) return;
    var meta = state.meta;
    found.forEach(function (d, i) {
      var li = document.createElement('li');
      li.className = 'search-hit';
      var a = document.createElement('a');
      a.className = 'search-hit-title';
      a.href = ui.root + d.u;
      appendHighlighted(a, d.t, cur.terms);
      li.appendChild(a);

      var info = document.createElement('div');
      info.className = 'search-hit-meta';
      var sec = document.createElement('span');
      sec.className = 'search-hit-section';
      sec.textContent = meta.sections[d.s] ? meta.sections[d.s][1] : '';
      info.appendChild(sec);
      var time = document.createElement('time');
      time.className = 'search-hit-date';
      time.dateTime = d.d;
      time.textContent = dateZh(d.d);
      info.appendChild(time);
      if (d.st) {
        var st = document.createElement('span');
        st.className = 'search-hit-status';
        st.textContent = d.st;
        info.appendChild(st);
      }
      li.appendChild(info);

      var sn = snippet(sources[i], cur.terms);
      if (sn.text) {
        var p = document.createElement('p');
        p.className = 'search-hit-snippet';
        if (sn.before) p.appendChild(document.createTextNode('…'));
        appendHighlighted(p, sn.text, cur.terms, sn.ranges);
        if (sn.after) p.appendChild(document.createTextNode('…'));
        li.appendChild(p);
      }
      ui.results.appendChild(li);
    });
    cur.shown += slice.length;
    if (ui.more) ui.more.hidden = cur.shown >= cur.hits.length;
  }

  async function run() {
    var q = ui.input.value;
    var section = ui.section ? ui.section.value : '';
    var year = ui.year ? ui.year.value : '';
    writeUrl(q, section, year);
    var seq = ++ui.seq;
    if (!queryTerms(q).length) {
      ui.current = null;
      clear(ui.results);
      if (ui.more) ui.more.hidden = true;
      setStatus(q.trim() ? '请输入汉字、字母或数字' : '');
      ui.root_el.setAttribute('data-state', 'done');
      return;
    }
    var res;
    try {
      res = await search(q, { section: section, year: year });
    } catch (e) {
      setStatus(e.message || '搜索出错');
      return;
    }
    if (seq !== ui.seq) return;
    ui.current = { terms: res.terms, hits: res.hits, shown: 0 };
    clear(ui.results);
    if (ui.more) ui.more.hidden = true;
    setStatus(res.hits.length ? '找到 ' + res.hits.length + ' 条结果' : '没有找到与“' + q.trim() + '”相关的内容');
    if (res.hits.length) {
      try {
        await renderMore();
      } catch (e) {
        setStatus(e.message || '搜索出错');
      }
    }
    if (seq === ui.seq) ui.root_el.setAttribute('data-state', 'done');
  }

  function start() {
    var root = el('gongkai-search');
    if (!root) return;
    var base = root.getAttribute('data-root') || '';
    state.base = root.getAttribute('data-index') || base + 'search/';
    ui = {
      root_el: root,
      root: base,
      input: el('search-q'),
      section: el('search-section'),
      year: el('search-year'),
      status: el('search-status'),
      results: el('search-results'),
      more: el('search-more'),
      form: el('search-form'),
      seq: 0,
      current: null,
      timer: 0,
    };
    if (!ui.input || !ui.results) return;
    if (!ui.more) {
      ui.more = document.createElement('button');
      ui.more.type = 'button';
      ui.more.id = 'search-more';
      ui.more.textContent = '更多结果';
      ui.results.parentNode.insertBefore(ui.more, ui.results.nextSibling);
    }
    ui.more.hidden = true;
    ui.more.addEventListener('click', function () {
      if (ui.current) renderMore();
    });

    var fromUrl = readUrl();
    ui.input.value = fromUrl.q;
    var schedule = function () {
      clearTimeout(ui.timer);
      ui.timer = setTimeout(run, 120);
    };
    ui.input.addEventListener('input', schedule);
    if (ui.form) {
      ui.form.addEventListener('submit', function (e) {
        e.preventDefault();
        clearTimeout(ui.timer);
        run();
      });
    }
    setStatus('正在加载索引…');
    loadMeta().then(
      function (meta) {
        fillSelect(
          ui.section,
          meta.sections.map(function (s) {
            return [s[0], s[1]];
          }),
        );
        fillSelect(
          ui.year,
          meta.years.map(function (y) {
            return [String(y), y + '年'];
          }),
        );
        // The placeholder's example names a year the site has, so trying it finds something.
        var latest = Math.max.apply(null, meta.years);
        if (ui.input && /\d{4}/.test(ui.input.placeholder) && isFinite(latest)) {
          ui.input.placeholder = ui.input.placeholder.replace(/\d{4}/, String(latest));
        }
        if (ui.section) {
          ui.section.value = fromUrl.section;
          if (ui.section.value !== fromUrl.section) ui.section.value = '';
          ui.section.addEventListener('change', run);
        }
        if (ui.year) {
          ui.year.value = fromUrl.year;
          if (ui.year.value !== fromUrl.year) ui.year.value = '';
          ui.year.addEventListener('change', run);
        }
        setStatus('');
        return run();
      },
      function (e) {
        setStatus(e.message || '搜索索引加载失败');
      },
    );
  }

  window.GongkaiSearch = {
    tokenize: tokenize,
    queryTerms: queryTerms,
    segments: segments,
    termHash: termHash,
    /* For pages without the contract (benchmarks): where the index lives. */
    configure: function (opts) {
      if (opts && opts.index) state.base = opts.index;
    },
    loadMeta: loadMeta,
    search: search,
    docs: docs,
    snippet: snippet,
    loadedFiles: function () {
      return state.loadedFiles.slice();
    },
  };

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
