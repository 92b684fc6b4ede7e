/** The portal's one stylesheet (and the public status page's), served from /portal/assets: the CSP allows only 'self'. */
export const CSS = `
:root { --fg:#1b1f24; --muted:#5b6470; --line:#d8dde3; --bg:#f6f7f9; --card:#fff; --accent:#0b5cad; --bad:#b42318; --warn:#9a6700; --ok:#1a7f37; }
* { box-sizing: border-box; }
body { margin:0; font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; color:var(--fg); background:var(--bg); }
a { color:var(--accent); }
header.top { display:flex; flex-wrap:wrap; gap:.25rem 1rem; align-items:center; padding:.6rem 1rem; background:#12263f; color:#fff; }
header.top a { color:#fff; text-decoration:none; padding:.25rem .4rem; border-radius:4px; }
header.top a[aria-current=page] { background:rgba(255,255,255,.18); }
header.top .brand { font-weight:700; margin-right:.5rem; }
header.top form.who { margin-left:auto; display:flex; flex-wrap:wrap; gap:.4rem; align-items:center; font-size:.9rem; overflow-wrap:anywhere; }
header.top button.link { background:transparent; color:#fff; border:1px solid rgba(255,255,255,.5); min-height:2.2rem; }
main { max-width:1000px; margin:0 auto; padding:1rem; }
main.narrow { max-width:420px; margin:3rem auto; }
main.narrow.wide { max-width:760px; margin:1.5rem auto; }
h1 { font-size:1.4rem; margin:.2rem 0 1rem; overflow-wrap:anywhere; }
h2 { font-size:1.1rem; margin:0 0 .6rem; }
h3 { font-size:1rem; margin:.8rem 0 .4rem; }
.card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:1rem; margin-bottom:1rem; }
table { width:100%; border-collapse:collapse; background:var(--card); }
th, td { text-align:left; padding:.5rem; border-bottom:1px solid var(--line); vertical-align:top; }
th { font-size:.85rem; color:var(--muted); font-weight:600; }
.badge { display:inline-block; padding:.05rem .45rem; border-radius:999px; font-size:.85rem; border:1px solid var(--line); background:#eef1f4; }
.badge.waiting_on_customer { background:#fff4d6; border-color:#f0d27a; color:var(--warn); }
.badge.resolved, .badge.closed { background:#e6f4ea; border-color:#a5d6b1; color:var(--ok); }
.muted { color:var(--muted); }
.hint { margin:.2rem 0 0; font-size:.9rem; }
.foot { margin-top:2rem; font-size:.9rem; }
.flash { padding:.6rem .8rem; border-radius:6px; margin-bottom:1rem; border:1px solid; }
.flash.ok { background:#e6f4ea; border-color:#a5d6b1; }
.flash.error { background:#fde7e4; border-color:#f4b4ab; }
label { display:block; font-size:.95rem; margin:.8rem 0 .25rem; font-weight:600; }
input, select, textarea, button, a.button { font:inherit; padding:.5rem .65rem; border:1px solid #b9c1cb; border-radius:6px; background:#fff; max-width:100%; }
input[type=email], input[name=subject], textarea, select { width:100%; }
input[type=file] { width:100%; border:1px dashed #b9c1cb; }
button, a.button { cursor:pointer; background:var(--accent); color:#fff; border-color:var(--accent); min-height:2.75rem; margin-top:.8rem; text-decoration:none; display:inline-block; }
button.secondary { background:#fff; color:var(--fg); border-color:#b9c1cb; }
.narrow button { width:100%; }
.filters { display:flex; flex-wrap:wrap; gap:.5rem; align-items:center; margin-bottom:1rem; }
.filters label, .filters button, .filters a.button { margin:0; }
.filters select { width:auto; }
.grid { display:grid; grid-template-columns:repeat(auto-fit,minmax(280px,1fr)); gap:1rem; }
.grid .card { margin:0; }
dl.facts, dl.keys { display:grid; grid-template-columns:max-content 1fr; gap:.3rem 1rem; margin:0; }
dl.facts dt { color:var(--muted); }
dl.keys dd { margin:0; }
kbd { display:inline-block; min-width:1.8rem; text-align:center; border:1px solid var(--line); border-bottom-width:2px; border-radius:5px; padding:.05rem .35rem; background:#fff; font-weight:700; }
.code { font-size:1.4rem; font-weight:700; letter-spacing:.05em; margin:.2rem 0; }
ol.conversation, ol.notices { list-style:none; padding:0; margin:0; }
ol.conversation li.message { border:1px solid var(--line); border-radius:8px; padding:.6rem .8rem; margin-bottom:.75rem; }
ol.conversation li.message.out { background:#f3f7fc; margin-left:1.5rem; }
ol.conversation .meta { margin:0 0 .4rem; font-size:.9rem; overflow-wrap:anywhere; }
ol.conversation .body { white-space:pre-wrap; overflow-wrap:anywhere; }
ul.attachments { margin:.5rem 0 0; padding-left:1.2rem; overflow-wrap:anywhere; }
ul.phone { margin:0 0 1rem; padding-left:1.2rem; }
ol.notices li { border-bottom:1px solid var(--line); padding:.6rem 0; }
ol.notices li p { margin:.2rem 0; }
li.notice.live .badge { background:#fde7e4; border-color:#f4b4ab; color:var(--bad); }
section.notice { border-color:#f0d27a; background:#fffaf0; }
section.notice ul { margin:0; padding-left:1.2rem; }
@media (max-width: 700px) {
  table.stack thead { display:none; }
  table.stack, table.stack tbody, table.stack tr, table.stack td { display:block; width:100%; }
  table.stack tr { border:1px solid var(--line); border-radius:8px; margin-bottom:.75rem; background:var(--card); }
  table.stack td { border:0; padding:.3rem .6rem; }
  table.stack td[data-label]::before { content:attr(data-label) ": "; color:var(--muted); font-size:.85rem; }
  main { padding:.6rem; }
  main.narrow { margin:1rem auto; padding:.6rem; }
  ol.conversation li.message.out { margin-left:.5rem; }
  header.top form.who { margin-left:0; }
}
`;
