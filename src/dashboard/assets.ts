/** The dashboard's one stylesheet and one script, served from /dashboard/assets (the CSP allows only 'self'). */
export const CSS = `
:root { --fg:#1b1f24; --muted:#5b6470; --line:#d8dde3; --bg:#f6f7f9; --card:#fff; --accent:#0b5cad; --bad:#b42318; --warn:#9a6700; --ok:#1a7f37; }
* { box-sizing: border-box; }
body { margin:0; font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; color:var(--fg); background:var(--bg); }
a { color:var(--accent); }
header.top { display:flex; flex-wrap:wrap; gap:.25rem 1rem; align-items:center; padding:.6rem 1rem; background:#12263f; color:#fff; }
header.top a { color:#fff; text-decoration:none; padding:.25rem .4rem; border-radius:4px; }
header.top a[aria-current=page] { background:rgba(255,255,255,.18); }
header.top .brand { font-weight:700; margin-right:.5rem; }
header.top form { margin-left:auto; }
header.top button { background:transparent; color:#fff; border:1px solid rgba(255,255,255,.5); }
main { max-width:1200px; margin:0 auto; padding:1rem; }
h1 { font-size:1.4rem; margin:.2rem 0 1rem; }
h2 { font-size:1.1rem; margin:1.5rem 0 .5rem; }
.card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:1rem; margin-bottom:1rem; }
table { width:100%; border-collapse:collapse; background:var(--card); }
th, td { text-align:left; padding:.5rem; border-bottom:1px solid var(--line); vertical-align:top; }
th { font-size:.85rem; color:var(--muted); font-weight:600; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; }
tr.overdue td { background:#fff4f2; }
.badge { display:inline-block; padding:.05rem .45rem; border-radius:999px; font-size:.8rem; border:1px solid var(--line); background:#eef1f4; white-space:nowrap; }
.badge.critical, .badge.overdue, .badge.breached { background:#fde7e4; border-color:#f4b4ab; color:var(--bad); }
.badge.high, .badge.warning { background:#fff4d6; border-color:#f0d27a; color:var(--warn); }
.badge.ok, .badge.resolved, .badge.done { background:#e6f4ea; border-color:#a5d6b1; color:var(--ok); }
.muted { color:var(--muted); }
.flash { padding:.6rem .8rem; border-radius:6px; margin-bottom:1rem; border:1px solid; }
.flash.ok { background:#e6f4ea; border-color:#a5d6b1; }
.flash.error { background:#fde7e4; border-color:#f4b4ab; }
form.inline { display:inline-flex; flex-wrap:wrap; gap:.35rem; align-items:center; margin:0; }
label { display:block; font-size:.9rem; margin:.5rem 0 .2rem; }
input, select, textarea, button { font:inherit; padding:.45rem .6rem; border:1px solid #b9c1cb; border-radius:6px; background:#fff; max-width:100%; }
button { cursor:pointer; background:var(--accent); color:#fff; border-color:var(--accent); min-height:2.5rem; }
button.secondary { background:#fff; color:var(--fg); border-color:#b9c1cb; }
button.danger { background:var(--bad); border-color:var(--bad); }
.filters { display:flex; flex-wrap:wrap; gap:.5rem; align-items:end; margin-bottom:1rem; }
.filters label { margin:0; }
.grid { display:grid; grid-template-columns:repeat(auto-fit,minmax(260px,1fr)); gap:1rem; }
dl.facts { display:grid; grid-template-columns:max-content 1fr; gap:.3rem 1rem; margin:0; }
dl.facts dt { color:var(--muted); }
ol.timeline { list-style:none; padding:0; margin:0; }
ol.timeline li { padding:.45rem 0; border-bottom:1px solid var(--line); }
ol.timeline time { color:var(--muted); font-size:.85rem; margin-right:.5rem; }
audio { width:100%; }
ol.conversation { list-style:none; padding:0; margin:0; }
ol.conversation li.message { border:1px solid var(--line); border-radius:8px; padding:.6rem .8rem; margin-bottom:.75rem; }
ol.conversation li.message.out { background:#f3f7fc; margin-left:1.5rem; }
ol.conversation li.message.internal { background:#fffaf0; border-style:dashed; }
ol.conversation .meta { margin:0 0 .4rem; }
ol.conversation .body { white-space:pre-wrap; overflow-wrap:anywhere; }
ol.conversation details { margin-top:.5rem; color:var(--muted); }
ul.attachments { margin:.5rem 0 0; padding-left:1.2rem; }
.login { max-width:380px; margin:3rem auto; }
.login input { width:100%; }
.login button { width:100%; margin-top:1rem; }
@media (max-width: 700px) {
  table.stack thead { display:none; }
  table.stack, table.stack tbody, table.stack tr, table.stack td { display:block; width:100%; }
  table.stack tr { border:1px solid var(--line); border-radius:8px; margin-bottom:.75rem; background:var(--card); }
  table.stack td { border:0; padding:.3rem .6rem; }
  table.stack td[data-label]::before { content:attr(data-label) ": "; color:var(--muted); font-size:.85rem; }
  main { padding:.6rem; }
}
`;

/**
 * Live queue: every 10 s (and when the tab comes back) the rows are fetched again and swapped in,
 * unless someone is in the middle of typing in one of them.
 */
export const JS = `
(function () {
  var rows = document.querySelector('[data-live]');
  if (!rows) return;
  var url = rows.getAttribute('data-live');
  var status = document.getElementById('live-status');
  function refresh() {
    if (document.hidden) return;
    var active = document.activeElement;
    if (active && rows.contains(active) && (active.tagName === 'INPUT' || active.tagName === 'TEXTAREA' || active.tagName === 'SELECT')) return;
    fetch(url, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } }).then(function (r) {
      if (r.status === 401) { location.reload(); return null; }
      return r.ok ? r.text() : null;
    }).then(function (text) {
      if (text === null) { if (status) status.textContent = 'Could not update; retrying'; return; }
      rows.innerHTML = text;
      if (status) status.textContent = 'Updated ' + new Date().toLocaleTimeString();
    }).catch(function () { if (status) status.textContent = 'Offline; retrying'; });
  }
  setInterval(refresh, 10000);
  document.addEventListener('visibilitychange', function () { if (!document.hidden) refresh(); });
})();
`;
