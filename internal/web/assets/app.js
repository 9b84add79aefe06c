// netdemo web: the page's behaviour. The server renders every picture and
// text; this script only places what the event stream brings, and handles
// the presenter's keys. Served as a file so that the page's
// Content-Security-Policy can forbid inline script.
'use strict';

(function () {
  const $ = (sel, el) => (el || document).querySelector(sel);
  const $$ = (sel, el) => Array.from((el || document).querySelectorAll(sel));
  const root = document.documentElement;
  const body = document.body;

  // Violations of the page's CSP are collected, so a test can check the
  // page keeps to its own policy.
  window.netdemoCSP = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.netdemoCSP.push(e.violatedDirective + ' ' + e.blockedURI);
  });

  // Language: every switchable text is there in both languages (data-l);
  // the <html lang> picks which one shows.
  const langListeners = [];
  function setLang(l) {
    root.lang = l;
    try { sessionStorage.setItem('netdemo-lang', l); } catch (e) { /* private mode */ }
    langListeners.forEach((f) => f(l));
  }
  function toggleLang() { setLang(root.lang === 'zh' ? 'en' : 'zh'); }
  try {
    const saved = sessionStorage.getItem('netdemo-lang');
    if (saved === 'en' || saved === 'zh') root.lang = saved;
  } catch (e) { /* ignore */ }
  // The header's height, for the slides' scroll margin (see app.css).
  const bar = $('.bar');
  function barHeight() {
    if (bar) root.style.setProperty('--bar', bar.offsetHeight + 'px');
  }
  barHeight();
  // It changes with the window, the language and the status text.
  if (bar && window.ResizeObserver) new ResizeObserver(barHeight).observe(bar);
  else window.addEventListener('resize', barHeight);

  const langBtn = $('#lang');
  if (langBtn) langBtn.addEventListener('click', toggleLang);

  function typing(e) {
    const t = e.target;
    return e.ctrlKey || e.metaKey || e.altKey ||
      (t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA' || t.isContentEditable));
  }

  async function post(url, data) {
    const r = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(data || {}),
    });
    let j = {};
    try { j = await r.json(); } catch (e) { /* not JSON */ }
    return { status: r.status, body: j };
  }

  // both makes an element holding a phrase in each language.
  function both(el, en, zh) {
    el.textContent = '';
    const a = document.createElement('span');
    a.dataset.l = 'en';
    a.textContent = en;
    const b = document.createElement('span');
    b.dataset.l = 'zh';
    b.lang = 'zh';
    b.textContent = zh;
    el.append(a, b);
  }

  // ---- the index: start forms ----
  function index() {
    document.addEventListener('keydown', (e) => {
      if (!typing(e) && e.key === 'l') toggleLang();
    });
    $$('form.start').forEach((form) => {
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        const err = $('.error', form);
        err.hidden = true;
        const flags = {};
        $$('.fields input', form).forEach((inp) => {
          if (inp.type === 'checkbox') {
            const v = inp.checked ? 'true' : 'false';
            if (v !== (inp.dataset.default || 'false')) flags[inp.name] = v;
          } else if (inp.value.trim() !== '') {
            flags[inp.name] = inp.value.trim();
          }
        });
        const req = {
          demo: form.dataset.demo,
          lang: form.elements.lang.value,
          pause: form.elements.pause.checked,
          flags: flags,
        };
        let r;
        try {
          r = await post('/api/runs', req);
        } catch (x) {
          err.textContent = String(x);
          err.hidden = false;
          return;
        }
        if (r.status === 201) {
          location.href = r.body.url;
          return;
        }
        err.textContent = r.body.error || ('HTTP ' + r.status);
        if (r.status === 409 && r.body.url) {
          const a = document.createElement('a');
          a.href = r.body.url;
          a.textContent = ' → ' + r.body.id;
          err.append(a);
        }
        err.dataset.status = String(r.status);
        err.hidden = false;
      });
    });
  }

  // ---- a run: the deck of slides ----
  function runPage() {
    const id = body.dataset.run;
    const runLang = body.dataset.runlang;
    const deck = $('#deck');
    const ov = $('#overview');
    const statusEl = $('#status');
    const slides = []; // in deck order
    const byN = {};
    let cur = -1;
    let follow = true; // show each new slide as it comes, until the presenter moves
    let wanted = decodeURIComponent(location.hash.slice(1)) || '';
    let status = 'running';
    const state = { events: [], status: status, slides: 0, current: 0 };
    window.netdemoRun = state;

    const statusText = {
      running: ['running', '运行中'],
      waiting: ['waiting: → or Continue for the next step', '等待中：按 → 或“继续”进入下一步'],
      done: ['done', '已完成'],
      cancelled: ['cancelled', '已取消'],
      failed: ['failed', '失败'],
      truncated: ['the page stopped recording', '页面已停止记录'],
    };
    function setStatus(s, errText) {
      if (s !== 'truncated') status = s;
      state.status = status;
      statusEl.dataset.status = status;
      const t = statusText[status] || [status, status];
      both(statusEl, t[0], t[1]);
      const c = $('#continue');
      if (c) c.hidden = status !== 'waiting';
      const k = $('#cancel');
      if (k) k.hidden = !(status === 'running' || status === 'waiting');
      if (errText) {
        const e = $('#error');
        e.textContent = errText;
        e.hidden = false;
      }
    }
    setStatus('running');

    function langNote() {
      $('#langnote').hidden = root.lang === runLang;
    }
    langListeners.push(langNote);
    langNote();

    function slideFor(m) {
      let s = byN[m.slide];
      if (!s) {
        s = document.createElement('section');
        s.className = 'slide';
        s.dataset.n = String(m.slide);
        const h = document.createElement('h2');
        h.className = 'stitle';
        const b = document.createElement('div');
        b.className = 'sbody';
        s.append(h, b);
        deck.append(s);
        byN[m.slide] = s;
        slides.push(s);
        const li = document.createElement('li');
        const a = document.createElement('a');
        li.append(a);
        $('ol', ov).append(li);
        a.addEventListener('click', (e) => {
          e.preventDefault();
          follow = false;
          show(slides.indexOf(s));
          overview(false);
        });
        s.overviewLink = a;
        state.slides = slides.length;
      }
      if (m.new) {
        if (m.anchor) {
          s.id = m.anchor;
          s.overviewLink.href = '#' + m.anchor;
        }
        if (m.title) {
          $('.stitle', s).innerHTML = m.title;
          s.overviewLink.innerHTML = m.title;
        }
      }
      return s;
    }

    function show(i) {
      if (slides.length === 0) return;
      i = Math.max(0, Math.min(slides.length - 1, i));
      cur = i;
      state.current = i;
      slides.forEach((s, k) => s.classList.toggle('current', k === i));
      $$('li', ov).forEach((li, k) => li.classList.toggle('current', k === i));
      $('#pos').textContent = (i + 1) + ' / ' + slides.length;
      if (slides[i].id) history.replaceState(null, '', '#' + slides[i].id);
      if (!body.classList.contains('handout')) window.scrollTo(0, 0);
    }

    function next() {
      if (cur < slides.length - 1) {
        show(cur + 1);
        follow = cur === slides.length - 1;
      } else if (status === 'waiting' && $('#continue')) {
        follow = true;
        post('/api/runs/' + encodeURIComponent(id) + '/continue');
      }
    }
    function prev() {
      follow = false;
      show(cur - 1);
    }
    function overview(on) {
      if (on === undefined) on = ov.hidden;
      ov.hidden = !on;
      body.classList.toggle('overviewing', on);
    }

    function handle(m) {
      state.events.push({ seq: m.seq || 0, kind: m.kind });
      if (m.kind === 'status') {
        setStatus(m.status, m.error);
        return;
      }
      if (!m.html && !m.new) return; // a demo's own event: nothing to draw
      const s = slideFor(m);
      if (m.html) $('.sbody', s).insertAdjacentHTML('beforeend', m.html);
      if (m.new) {
        if (wanted && s.id === wanted) {
          wanted = '';
          follow = false;
          show(slides.indexOf(s));
        } else if (cur < 0 || (follow && !wanted)) {
          show(slides.indexOf(s));
        } else {
          show(cur); // the count changed
        }
      }
    }

    let es;
    function connect() {
      es = new EventSource('/api/runs/' + encodeURIComponent(id) + '/events');
      es.onmessage = (e) => {
        let m;
        try { m = JSON.parse(e.data); } catch (x) { return; }
        handle(m);
        if (m.kind === 'status' && (m.status === 'done' || m.status === 'cancelled' || m.status === 'failed')) {
          es.close();
        }
      };
    }
    connect();

    $('#next').addEventListener('click', next);
    $('#prev').addEventListener('click', prev);
    $('#overview-btn').addEventListener('click', () => overview());
    $('#handout').addEventListener('click', () => {
      const on = !body.classList.contains('handout');
      body.classList.toggle('handout', on);
      $$('details').forEach((d) => { d.open = on; });
      if (on) window.print();
    });
    window.addEventListener('beforeprint', () => $$('details').forEach((d) => { d.open = true; }));
    const c = $('#continue');
    if (c) c.addEventListener('click', () => { follow = true; post('/api/runs/' + encodeURIComponent(id) + '/continue'); });
    const k = $('#cancel');
    if (k) {
      k.addEventListener('click', async () => {
        k.disabled = true;
        const r = await post('/api/runs/' + encodeURIComponent(id) + '/cancel');
        k.disabled = false;
        if (r.body && r.body.status) setStatus(r.body.status === 'stopping' ? status : r.body.status);
      });
    }
    window.addEventListener('hashchange', () => {
      const want = decodeURIComponent(location.hash.slice(1));
      const i = slides.findIndex((s) => s.id === want);
      if (i >= 0) {
        follow = false;
        show(i);
      }
    });
    document.addEventListener('keydown', (e) => {
      if (typing(e)) return;
      switch (e.key) {
        case ' ':
        case 'ArrowRight':
        case 'PageDown':
          e.preventDefault();
          next();
          break;
        case 'ArrowLeft':
        case 'PageUp':
          e.preventDefault();
          prev();
          break;
        case 'Escape':
          overview();
          break;
        case 'l':
          toggleLang();
          break;
        default:
      }
    });
  }

  if (body.dataset.page === 'index') index();
  if (body.dataset.page === 'run') runPage();
}());
