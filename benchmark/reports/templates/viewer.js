/* sumbench report viewer: renders the JSON block #viewer-data (built by benchmark/reports/viewer.py).
   Every string from the data is inserted as text (textContent, text nodes, Option), never as markup;
   the only URLs it writes are "#..." links to views of this same page. */
(function () {
  'use strict';
  var root = document.getElementById('viewer');
  var source = document.getElementById('viewer-data');
  if (!root || !source) { return; }
  var D = JSON.parse(source.textContent);
  var systems = D.systems, columns = D.columns, docs = D.documents, sums = D.summaries, scores = D.scores;
  var S = systems.length, N = docs.length;
  var FILTERS = ['flagged', 'truncated', 'failed'];
  var VERDICTS = { 'supported': 'v-supported', 'contradicted': 'v-contradicted',
    'not in the article': 'v-not-in-the-article', 'failed': 'v-failed' };
  var sizes = D.page_sizes || [50];
  var DEFAULT_SIZE = sizes.indexOf(50) >= 0 ? 50 : sizes[0];
  var byId = new Map(), sysIndex = new Map(), colIndex = new Map();
  docs.forEach(function (d, i) { if (!byId.has(d.id)) { byId.set(d.id, i); } });
  systems.forEach(function (s, i) { sysIndex.set(s, i); });
  columns.forEach(function (c, i) { colIndex.set(c.name, i); });

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined) { continue; }
      parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    }
    return parent;
  }
  function fmt(v) { return v === null || v === undefined ? '\u2014' : (v / 100).toFixed(2); }
  function count(n) { return n.toLocaleString('en-US'); }
  function worstDir(c) { return c >= 0 && columns[c].worse === 'higher' ? 'desc' : 'asc'; }
  function defaultColumn() {
    var i;
    for (i = 0; i < columns.length; i++) { if (columns[i].headline && !columns[i].descriptive) { return i; } }
    for (i = 0; i < columns.length; i++) { if (columns[i].headline) { return i; } }
    return columns.length ? 0 : -1;
  }
  function other(s) { for (var i = 0; i < S; i++) { if (i !== s) { return i; } } return -1; }
  function fresh() {
    var c = defaultColumn();
    return { sys: -1, col: c, dir: worstDir(c), only: { flagged: false, truncated: false, failed: false },
      size: DEFAULT_SIZE, page: 1, doc: -1, a: -1, b: -1 };
  }
  var state = fresh();
  var unknown = [];

  // ---- the address bar: #sort=SYSTEM:COLUMN:DIR&filter=flagged,truncated&page=N|last&doc=ID&a=SYS&b=SYS
  function dec(x) { try { return decodeURIComponent(x); } catch (e) { return null; } }
  function readHash() {
    var params = {};
    location.hash.replace(/^#/, '').split('&').forEach(function (kv) {
      var i = kv.indexOf('=');
      if (i > 0) { params[kv.slice(0, i)] = kv.slice(i + 1); }
    });
    var next = fresh();
    unknown = [];
    if (params.sort !== undefined) {
      var parts = params.sort.split(':');
      var dir = parts[parts.length - 1];
      if (parts.length > 1 && (dir === 'asc' || dir === 'desc')) { parts.pop(); } else { dir = null; }
      var cname = parts.length > 1 ? dec(parts.pop()) : dec(parts.pop() || '');
      var sname = dec(parts.join(':'));
      if (sname && sysIndex.has(sname)) { next.sys = sysIndex.get(sname); } else if (sname) { unknown.push('system ' + sname); }
      if (cname === '') { next.col = -1; } else if (cname && colIndex.has(cname)) { next.col = colIndex.get(cname); } else if (cname) { unknown.push('column ' + cname); }
      next.dir = dir || worstDir(next.col);
    }
    (dec(params.filter || '') || '').split(',').forEach(function (f) {
      if (FILTERS.indexOf(f) >= 0) { next.only[f] = true; }
    });
    var size = parseInt(params.size, 10);
    if (sizes.indexOf(size) >= 0) { next.size = size; }
    if (params.page === 'last') { next.page = Infinity; } else if (parseInt(params.page, 10) > 0) { next.page = parseInt(params.page, 10); }
    if (params.doc !== undefined) {
      var id = dec(params.doc);
      if (id !== null && byId.has(id)) { next.doc = byId.get(id); } else { unknown.push('document ' + id); }
    }
    if (next.doc >= 0) {
      var a = dec(params.a || ''), b = params.b === undefined ? null : dec(params.b);
      next.a = sysIndex.has(a) ? sysIndex.get(a) : (next.sys >= 0 ? next.sys : 0);
      next.b = b === null ? other(next.a) : (sysIndex.has(b) ? sysIndex.get(b) : -1);
    }
    state = next;
  }
  function hashOf(st) {
    var enc = encodeURIComponent;
    var parts = ['sort=' + enc(st.sys < 0 ? '' : systems[st.sys]) + ':' +
      enc(st.col < 0 ? '' : columns[st.col].name) + ':' + st.dir];
    var f = FILTERS.filter(function (k) { return st.only[k]; });
    if (f.length) { parts.push('filter=' + f.join(',')); }
    if (st.size !== DEFAULT_SIZE) { parts.push('size=' + st.size); }
    if (st.page !== 1) { parts.push('page=' + (st.page === Infinity ? 'last' : st.page)); }
    if (st.doc >= 0) {
      parts.push('doc=' + enc(docs[st.doc].id));
      if (st.a >= 0) { parts.push('a=' + enc(systems[st.a])); }
      parts.push('b=' + (st.b >= 0 ? enc(systems[st.b]) : ''));
    }
    return '#' + parts.join('&');
  }
  function writeHash(push) {
    var h = hashOf(state);
    if (h === location.hash) { return; }
    try {
      if (push) { history.pushState(null, '', h); } else { history.replaceState(null, '', h); }
    } catch (e) { /* a browser that refuses history on file: URLs keeps the view, not the link */ }
  }

  // ---- the table of summaries
  var cache = { key: null, rows: [] };
  function rowList() {
    var key = [state.sys, state.col, state.dir, state.only.flagged, state.only.truncated, state.only.failed].join('|');
    if (cache.key === key) { return cache.rows; }
    var any = state.only.flagged || state.only.truncated || state.only.failed;
    var rows = [];
    for (var d = 0; d < N; d++) {
      for (var s = 0; s < S; s++) {
        if (state.sys >= 0 && s !== state.sys) { continue; }
        var x = sums[s][d];
        if (!x) { continue; }
        if (any && !((state.only.flagged && x.flagged) || (state.only.truncated && x.finish === 'length') ||
            (state.only.failed && x.error !== undefined))) { continue; }
        rows.push(d * S + s);
      }
    }
    if (state.col >= 0) {
      var c = state.col, sign = state.dir === 'desc' ? -1 : 1;
      var keyed = rows.map(function (r) { return [scores[r % S][c][Math.floor(r / S)], r]; });
      keyed.sort(function (p, q) {
        if (p[0] === null || q[0] === null) { return p[0] === q[0] ? p[1] - q[1] : (p[0] === null ? 1 : -1); }
        return p[0] === q[0] ? p[1] - q[1] : sign * (p[0] - q[0]);
      });
      rows = keyed.map(function (k) { return k[1]; });
    } else if (state.dir === 'desc') {
      rows.reverse();
    }
    cache = { key: key, rows: rows };
    return rows;
  }
  function shownColumns() {
    var out = state.col >= 0 ? [state.col] : [];
    columns.forEach(function (c, i) { if (c.headline && i !== state.col) { out.push(i); } });
    return out;
  }
  function badges(x) {
    var span = el('span');
    if (x.error !== undefined) { add(span, el('span', 'v-badge failed', 'failed')); }
    if (x.flagged) { add(span, el('span', 'v-badge flagged', 'flagged')); }
    if (x.finish === 'length') { add(span, el('span', 'v-badge truncated', 'truncated')); }
    return span;
  }
  function docLink(d, s) {
    var a = el('a', null, docs[d].id);
    a.href = hashOf({ sys: state.sys, col: state.col, dir: state.dir, only: state.only, size: state.size,
      page: state.page, doc: d, a: s, b: other(s) });
    if (docs[d].title) { a.title = docs[d].title; }
    a.addEventListener('click', function (ev) { ev.preventDefault(); openDoc(d, s); });
    return a;
  }
  function renderTable() {
    var rows = rowList();
    var pages = Math.max(1, Math.ceil(rows.length / state.size));
    var page = Math.min(Math.max(1, state.page === Infinity ? pages : state.page), pages);
    var cols = shownColumns();
    var thead = $('v-table').tHead, tbody = $('v-table').tBodies[0];
    var head = el('tr');
    add(head, el('th', null, '#'), el('th', null, 'document'), el('th', null, 'system'));
    cols.forEach(function (c) {
      var th = el('th', c === state.col ? 'v-sorted' : null, columns[c].name);
      if (c === state.col) { th.title = 'sorted ' + (state.dir === 'asc' ? 'ascending' : 'descending'); }
      add(head, th);
    });
    add(head, el('th', null, 'status'), el('th', 'v-text', 'summary'));
    thead.replaceChildren(head);
    var body = document.createDocumentFragment();
    var start = (page - 1) * state.size, end = Math.min(rows.length, start + state.size);
    for (var i = start; i < end; i++) {
      var d = Math.floor(rows[i] / S), s = rows[i] % S, x = sums[s][d];
      var tr = el('tr');
      var id = add(el('td', 'v-id'), docLink(d, s));
      add(tr, el('td', null, i + 1), id, el('td', 'v-sys', systems[s]));
      cols.forEach(function (c) { add(tr, el('td', null, fmt(scores[s][c][d]))); });
      var text = x.error !== undefined ? 'failed: ' + x.error : (x.text || '');
      add(tr, add(el('td'), badges(x)), el('td', 'v-text', text.length > 160 ? text.slice(0, 160) + '\u2026' : text));
      body.appendChild(tr);
    }
    tbody.replaceChildren(body);
    var note = rows.length ? 'Summaries ' + count(start + 1) + '\u2013' + count(end) + ' of ' + count(rows.length) : 'No summary matches.';
    if (unknown.length) { note += ' The link names what this report does not have: ' + unknown.join('; ') + '.'; }
    $('v-count').textContent = note;
    $('v-page').value = String(page);
    $('v-page').max = String(pages);
    $('v-pages').textContent = 'of ' + count(pages);
    $('v-first').disabled = $('v-prev').disabled = page <= 1;
    $('v-next').disabled = $('v-last').disabled = page >= pages;
  }

  // ---- one document: two systems side by side and the article
  function appendMarked(parent, text, from, to, marks) {
    var cur = from;
    for (var i = 0; i < marks.length; i++) {
      var m = marks[i];
      if (m[1] <= cur || m[0] >= to) { continue; }
      var a = Math.max(m[0], cur), b = Math.min(m[1], to);
      if (a > cur) { add(parent, text.slice(cur, a)); }
      var kind = m[2] | 0;
      var mark = el('mark', 'v-m' + (kind >= 0 && kind <= 3 ? kind : 3), text.slice(a, b));
      mark.title = String(m[3]);
      add(parent, mark);
      cur = b;
    }
    if (cur < to) { add(parent, text.slice(cur, to)); }
  }
  function jump(id) {
    var target = $(id);
    if (target) { target.scrollIntoView({ block: 'center' }); }
  }
  function refBadge(tag, k, art, pct) {
    var label = tag.toUpperCase() + (k + 1);
    var sup = el('sup', 'v-ref', art >= 0 ? label + ' \u2192 s' + (art + 1) + ' ' + pct + '%' : label + ' no match');
    sup.title = art >= 0 ? 'sentence ' + (k + 1) + ' of this summary: best supported by article sentence ' +
      (art + 1) + ' (' + pct + '% of its word unigrams and bigrams)' : 'no article sentence shares a word with it';
    if (art >= 0) { sup.addEventListener('click', function () { jump('v-art-' + art); }); }
    return sup;
  }
  function renderSummary(x, tag) {
    var p = el('p', 'v-summary'), text = x.text || '', marks = x.marks || [], pos = 0, lost = [];
    (x.sentences || []).forEach(function (t, k) {
      if (t[0] < pos || t[1] > text.length) { lost.push([k, t]); return; }
      appendMarked(p, text, pos, t[0], marks);
      var span = el('span', 'v-sent' + (x.weakest === k ? ' v-weakest' : ''));
      span.id = 'v-' + tag + '-' + k;
      if (x.weakest === k) { span.title = 'the weakest sentence its evidence names'; }
      appendMarked(span, text, t[0], t[1], marks);
      add(p, span, refBadge(tag, k, t[2], t[3]));
      pos = t[1];
    });
    appendMarked(p, text, pos, text.length, marks);
    var out = add(el('div'), p);
    if (lost.length) {
      var ul = el('ul', 'v-note');
      lost.forEach(function (l) { add(ul, add(el('li'), 'sentence ' + (l[0] + 1) + ' ', refBadge(tag, l[0], l[1][2], l[1][3]))); });
      add(out, ul);
    }
    return out;
  }
  function evidenceItem(key, value) {
    var label = String(key).replace(/_/g, ' ');
    var li = el('li');
    if (Array.isArray(value) && value.every(function (v) { return typeof v === 'string'; })) {
      add(li, label + ': ');
      if (!value.length) { add(li, 'none'); }
      var kind = /^unsupported/i.test(key) ? 0 : /^role/i.test(key) ? 1 : /^weak/i.test(key) ? 2 : 3;
      value.forEach(function (v, i) { add(li, i ? ', ' : null, el('mark', 'v-m' + kind, v)); });
    } else if (key === 'claims' && Array.isArray(value)) {
      add(li, 'claims:');
      var ul = el('ul');
      value.forEach(function (c) {
        var verdict = c && typeof c === 'object' ? String(c.verdict) : '';
        var cls = Object.prototype.hasOwnProperty.call(VERDICTS, verdict) ? VERDICTS[verdict] : null;
        add(ul, el('li', cls, c && typeof c === 'object' ? verdict + ': ' + String(c.claim) : String(c)));
      });
      add(li, ul);
    } else if (key === 'weakest_sentence' && value && typeof value === 'object') {
      var share = typeof value.support === 'number' ? ' (support ' + (100 * value.support).toFixed(0) + '%)' : '';
      add(li, 'weakest sentence' + share + ': ', el('q', null, value.text === undefined ? '' : String(value.text)));
    } else if (typeof value === 'number') {
      li.textContent = label + ': ' + (Number.isInteger(value) ? String(value) : value.toFixed(3));
    } else if (typeof value === 'string' || typeof value === 'boolean') {
      li.textContent = label + ': ' + (value === true ? 'yes' : value === false ? 'no' : value);
    } else if (value && typeof value === 'object' && !Array.isArray(value)) {
      li.textContent = label + ': ' + Object.keys(value).map(function (k) {
        var v = value[k];
        return k + ' ' + (typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(3) : JSON.stringify(v));
      }).join(', ');
    } else {
      var json = JSON.stringify(value);
      li.textContent = label + ': ' + (json && json.length > 500 ? json.slice(0, 500) + '\u2026' : json);
    }
    return li;
  }
  function renderEvidence(ev) {
    var box = el('div', 'v-evidence');
    var names = ev && typeof ev === 'object' ? Object.keys(ev) : [];
    if (!names.length) { return add(box, el('p', 'v-note', 'No evidence recorded for this summary.')); }
    names.forEach(function (metric) {
      add(box, el('h5', null, 'Evidence: ' + metric));
      var ul = el('ul'), proof = ev[metric];
      if (proof && typeof proof === 'object') {
        Object.keys(proof).forEach(function (k) { add(ul, evidenceItem(k, proof[k])); });
      }
      add(box, ul);
    });
    return box;
  }
  function side(s, tag, d) {
    var box = el('div', 'v-side');
    var pick = el('select');
    if (tag === 'b') { pick.add(new Option('(none)', '-1')); }
    systems.forEach(function (name, i) { pick.add(new Option(name, String(i))); });
    pick.value = String(s);
    pick.addEventListener('change', function () {
      state[tag] = parseInt(pick.value, 10);
      writeHash(false);
      renderDetail();
    });
    add(box, add(el('h4'), 'Summary ' + tag.toUpperCase() + ' ', pick));
    if (s < 0) { return box; }
    var x = sums[s][d];
    if (!x) { return add(box, el('p', 'v-note', 'No summary of this document by ' + systems[s] + '.')); }
    if (x.error !== undefined) { add(box, el('p', 'v-status failed', 'Failed: ' + x.error)); }
    if (x.finish === 'length') {
      add(box, el('p', 'v-status truncated', 'Truncated: generation stopped at the length limit (finish reason "length"), so the summary may end mid-sentence.'));
    } else if (x.finish && x.finish !== 'stop') {
      add(box, el('p', 'v-note', 'Finish reason: ' + x.finish));
    }
    if (x.flagged) { add(box, el('p', 'v-status flagged', 'Flagged by its evidence or a flag column (see below).')); }
    if (x.text) { add(box, renderSummary(x, tag)); }
    add(box, renderEvidence(x.evidence));
    var table = el('table'), tb = el('tbody');
    columns.forEach(function (c, i) { add(tb, add(el('tr'), el('td', null, c.name), el('td', null, fmt(scores[s][i][d])))); });
    var scoresBox = add(el('details'), el('summary', null, 'Scores (' + columns.length + ' columns)'),
      add(table, add(el('thead'), add(el('tr'), el('th', null, 'column'), el('th', null, systems[s]))), tb));
    scoresBox.open = true;
    add(box, scoresBox);
    return box;
  }
  function supportMap(d) {
    var sup = {};
    [['a', state.a], ['b', state.b]].forEach(function (p) {
      var x = p[1] >= 0 ? sums[p[1]][d] : null;
      ((x && x.sentences) || []).forEach(function (t, k) {
        if (t[2] >= 0) { (sup[t[2]] = sup[t[2]] || []).push([p[0], k, t[3]]); }
      });
    });
    return sup;
  }
  function supportBadges(list) {
    var sup = el('sup', 'v-ref', list.map(function (l) { return l[0].toUpperCase() + (l[1] + 1) + ' ' + l[2] + '%'; }).join(' '));
    sup.title = 'supports ' + list.map(function (l) { return 'sentence ' + (l[1] + 1) + ' of ' + l[0].toUpperCase() + ' (' + l[2] + '%)'; }).join(', ');
    sup.addEventListener('click', function () { jump('v-' + list[0][0] + '-' + list[0][1]); });
    return sup;
  }
  function quote(d, j) {
    var q = (docs[d].quotes || {})[j];
    if (!Array.isArray(q)) { return q; }
    var x = sums[q[0]] && sums[q[0]][d];  // a summary that holds the sentence word for word
    return x && x.text ? x.text.slice(q[1], q[2]) : undefined;
  }
  function renderArticle(d) {
    var doc = docs[d], box = el('div'), sup = supportMap(d);
    var tags = function (j) { return sup[j].map(function (l) { return ' v-' + l[0]; }).filter(function (c, i, all) { return all.indexOf(c) === i; }).join(''); };
    add(box, el('h4', null, 'Article' + (doc.sentences ? ' (' + doc.sentences + ' sentences)' : '')));
    var spans = doc.spans || {};
    var listed = Object.keys(sup).map(Number).sort(function (p, q) { return p - q; });
    var list = el('ol', 'v-quotes');
    if (typeof doc.text === 'string') {
      var art = el('div', 'v-article'), text = doc.text, cur = 0;
      listed.filter(function (j) { return spans[j]; }).sort(function (p, q) { return spans[p][0] - spans[q][0]; }).forEach(function (j) {
        var sp = spans[j];
        if (sp[0] < cur) { return; }
        add(art, text.slice(cur, sp[0]));
        var mark = el('mark', 'v-sup' + tags(j), text.slice(sp[0], sp[1]));
        mark.id = 'v-art-' + j;
        add(art, mark, supportBadges(sup[j]));
        cur = sp[1];
      });
      add(art, text.slice(cur));
      add(box, art);
      listed.filter(function (j) { return !spans[j] && quote(d, j) !== undefined; }).forEach(function (j) {
        add(list, add(el('li'), 'sentence ' + (j + 1) + ' (not located in the text): ', el('mark', 'v-sup' + tags(j), quote(d, j)), supportBadges(sup[j])));
      });
      if (list.childNodes.length) { add(box, list); }
      (doc.references || []).forEach(function (r, i) {
        add(box, el('h4', null, 'Reference ' + (i + 1)), el('p', 'v-reference', r));
      });
    } else if (doc.sentences) {
      add(box, el('p', 'v-note', 'The article is not embedded in this report: its texts are past the budget of ' +
        (D.budget / 1e6).toFixed(1) + ' MB of article text per report, which goes to the worst documents first. ' +
        'Shown instead, in article order: the sentences that best support the summary sentences.'));
      listed.forEach(function (j) {
        var text = quote(d, j);
        if (text === undefined) { return; }
        var li = add(el('li'), el('mark', 'v-sup' + tags(j), text), supportBadges(sup[j]));
        li.id = 'v-art-' + j;
        li.value = j + 1;
        add(list, li);
      });
      add(box, list.childNodes.length ? list : el('p', 'v-note', 'No summary sentence shares a word with the article.'));
    } else {
      add(box, el('p', 'v-note', 'No article text is available for this document (see the note under "Articles and summaries").'));
    }
    return box;
  }
  function renderDetail() {
    var box = $('v-detail');
    if (state.doc < 0) { box.hidden = true; box.replaceChildren(); return; }
    var d = state.doc, doc = docs[d];
    var close = el('button', null, 'close');
    close.type = 'button';
    close.addEventListener('click', function () { state.doc = -1; writeHash(true); renderDetail(); });
    var title = el('h3', null, 'Document ' + doc.id + (doc.title ? ': ' + doc.title : ''));
    var rows = rowList(), at = rows.indexOf(d * S + (state.a >= 0 ? state.a : 0));
    var nav = el('p', 'v-pager');
    [['\u2039 previous in the list', at - 1], ['next in the list \u203a', at + 1]].forEach(function (p) {
      var b = el('button', null, p[0]);
      b.type = 'button';
      b.disabled = at < 0 || p[1] < 0 || p[1] >= rows.length;
      b.addEventListener('click', function () { openDoc(Math.floor(rows[p[1]] / S), rows[p[1]] % S); });
      add(nav, b);
    });
    add(nav, close);
    var pair = add(el('div', 'v-pair'), side(state.a, 'a', d), side(state.b, 'b', d));
    box.replaceChildren(title, nav, pair, renderArticle(d));
    box.hidden = false;
  }
  function openDoc(d, s) {
    state.doc = d;
    state.a = s;
    state.b = state.b >= 0 && state.b !== s ? state.b : other(s);
    writeHash(true);
    renderDetail();
    $('v-detail').scrollIntoView({ block: 'start' });
  }

  // ---- controls
  function fillControls() {
    var sys = $('v-system'), col = $('v-column'), size = $('v-size');
    sys.add(new Option('every system', '-1'));
    systems.forEach(function (name, i) { sys.add(new Option(name, String(i))); });
    col.add(new Option('(document order)', '-1'));
    columns.forEach(function (c, i) {
      col.add(new Option(c.name + ' (' + (c.worse === 'higher' ? 'higher' : 'lower') + ' is worse)', String(i)));
    });
    sizes.forEach(function (n) { size.add(new Option(String(n), String(n))); });
    function changed() { state.page = 1; cache.key = null; writeHash(false); render(); }
    sys.addEventListener('change', function () { state.sys = parseInt(sys.value, 10); changed(); });
    col.addEventListener('change', function () { state.col = parseInt(col.value, 10); state.dir = worstDir(state.col); changed(); });
    $('v-dir').addEventListener('change', function () { state.dir = $('v-dir').value === 'desc' ? 'desc' : 'asc'; changed(); });
    size.addEventListener('change', function () { state.size = parseInt(size.value, 10); changed(); });
    FILTERS.forEach(function (f) {
      $('v-' + f).addEventListener('change', function () { state.only[f] = $('v-' + f).checked; changed(); });
    });
    function go(page) { state.page = page; writeHash(false); renderTable(); }
    function pages() { return Math.max(1, Math.ceil(rowList().length / state.size)); }
    function current() { return Math.min(state.page === Infinity ? pages() : state.page, pages()); }
    $('v-first').addEventListener('click', function () { go(1); });
    $('v-prev').addEventListener('click', function () { go(Math.max(1, current() - 1)); });
    $('v-next').addEventListener('click', function () { go(Math.min(pages(), current() + 1)); });
    $('v-last').addEventListener('click', function () { go(Infinity); });
    $('v-page').addEventListener('change', function () {
      var n = parseInt($('v-page').value, 10);
      go(n > 0 ? Math.min(n, pages()) : 1);
    });
  }
  function syncControls() {
    $('v-system').value = String(state.sys);
    $('v-column').value = String(state.col);
    $('v-dir').value = state.dir;
    $('v-size').value = String(state.size);
    FILTERS.forEach(function (f) { $('v-' + f).checked = state.only[f]; });
  }
  function render() { syncControls(); renderTable(); renderDetail(); }

  fillControls();
  readHash();
  root.querySelector('.v-controls').hidden = false;
  root.querySelector('.v-pager').hidden = false;
  render();
  if (state.doc >= 0) { $('v-detail').scrollIntoView({ block: 'start' }); }
  window.addEventListener('popstate', function () { readHash(); render(); });
  window.addEventListener('hashchange', function () { readHash(); render(); });
  root.setAttribute('data-ready-ms', performance.now().toFixed(1));
  if (performance.mark) { performance.mark('viewer-ready'); }
}());
