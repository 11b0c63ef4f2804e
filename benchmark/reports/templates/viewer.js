/* sumbench report viewer, part 2 of 2: the data, the address bar, the table of summaries and the
   controls; starts the viewer. benchmark/reports/viewer.py wraps viewer_detail.js and this file,
   in that order, in one function, so they share one scope and define no global.
   The data is plain JSON, or gzip in base64 (data-encoding="gzip+base64") that the browser's own
   DecompressionStream unpacks, asynchronously; start() runs once it is there.
   Every string from the data is inserted as text (textContent, text nodes, Option), never as
   markup; the only URLs it writes are "#..." links to views of this same page. */
  var root = document.getElementById('viewer');
  var source = document.getElementById('viewer-data');
  if (!root || !source) { return; }
  var D, systems, columns, docs, sums, scores, S, N, sizes, DEFAULT_SIZE, state;
  var FILTERS = ['flagged', 'truncated', 'failed'];
  var byId = new Map(), sysIndex = new Map(), colIndex = new Map();
  var unknown = [];

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

  function start(data) {
    D = data;
    systems = D.systems; columns = D.columns; docs = D.documents; sums = D.summaries; scores = D.scores;
    S = systems.length; N = docs.length;
    sizes = D.page_sizes || [50];
    DEFAULT_SIZE = sizes.indexOf(50) >= 0 ? 50 : sizes[0];
    docs.forEach(function (d, i) { if (!byId.has(d.id)) { byId.set(d.id, i); } });
    systems.forEach(function (s, i) { sysIndex.set(s, i); });
    columns.forEach(function (c, i) { colIndex.set(c.name, i); });
    state = fresh();
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
  }
  function fail(message) {
    var note = $('v-count');
    note.className = 'v-status failed';
    note.textContent = message;
  }

  // ---- the data: plain JSON at once, or gzip+base64 unpacked by the browser (no library, no request)
  var encoding = source.getAttribute('data-encoding');
  if (encoding === null) {
    start(JSON.parse(source.textContent));
  } else if (encoding !== 'gzip+base64') {
    fail('The viewer cannot read its data: unknown encoding "' + encoding + '".');
  } else if (typeof DecompressionStream !== 'function' || typeof Response !== 'function' ||
      typeof Blob !== 'function' || typeof Blob.prototype.stream !== 'function') {
    fail('This browser cannot open the summary viewer: its data is gzip-compressed and the browser ' +
      'lacks DecompressionStream (Chrome and Edge 80, Firefox 113, Safari 16.4 or later have it). ' +
      'Open report.html in a current browser; the sections below do not need it.');
  } else {
    $('v-count').textContent = 'Unpacking the viewer\u2019s data\u2026';
    new Promise(function (resolve) {  // base64 to bytes; a bad block rejects instead of throwing
      var raw = atob(source.textContent), bytes = new Uint8Array(raw.length);
      for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
      resolve(bytes);
    }).then(function (bytes) {
      return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text();
    }).then(function (text) { return JSON.parse(text); })
      .then(start, function (e) { fail('The viewer could not unpack its data: ' + String(e) + '.'); });
  }
