/* sumbench report viewer, part 1 of 2: one document, two systems side by side and the article.
   benchmark/reports/viewer.py wraps this file and viewer.js, in that order, in one function; these
   functions use the data and helpers viewer.js declares, and run only once it has started.
   Every string from the data is inserted as text, never as markup. */
  var VERDICTS = { 'supported': 'v-supported', 'contradicted': 'v-contradicted',
    'not in the article': 'v-not-in-the-article', 'failed': 'v-failed' };
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

