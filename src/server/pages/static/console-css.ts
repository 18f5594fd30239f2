/**
 * The one stylesheet of Tessera's pages (browsable API, API docs, admin console), served from
 * `/static/tessera/console.css`. Kept as a module so that it ships inside `dist/` with no copy
 * step. Colours are chosen for WCAG AA contrast or better (ratios noted against their background).
 */
export const CONSOLE_CSS = String.raw`
:root {
  --text: #1b1f24;          /* 16:1 on white */
  --muted: #4a5360;         /* 7.6:1 on white */
  --line: #c9d1d9;
  --bg: #ffffff;
  --bg-soft: #f3f5f7;
  --brand: #14213d;         /* header; white on it 15:1 */
  --link: #0b5cad;          /* 6.6:1 on white */
  --primary: #0b5cad;
  --primary-dark: #084a8c;
  --danger: #a4231b;        /* white on it 7.3:1 */
  --ok: #1d6b34;            /* white on it 6.6:1 */
  --warn-bg: #fff4ce;
  --error-bg: #fdecea;
  --focus: #ffbf47;
  --radius: 6px;
  --mono: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace;
}
* { box-sizing: border-box; }
html { font-size: 100%; }
body {
  margin: 0; color: var(--text); background: var(--bg);
  font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif;
}
a { color: var(--link); text-underline-offset: 2px; }
a:hover { color: var(--primary-dark); }
:focus-visible { outline: 3px solid var(--text); outline-offset: 2px; box-shadow: 0 0 0 6px var(--focus); }
code, pre, textarea.mono, input.mono { font-family: var(--mono); font-size: 0.9rem; }
h1 { font-size: 1.75rem; line-height: 1.2; margin: 0 0 0.5rem; }
h2 { font-size: 1.3rem; margin: 1.75rem 0 0.75rem; }
h3 { font-size: 1.1rem; margin: 1.25rem 0 0.5rem; }
p { margin: 0 0 0.75rem; }

.skip-link { position: absolute; left: 0.5rem; top: -3rem; background: var(--focus); color: #000; padding: 0.5rem 1rem; z-index: 10; }
.skip-link:focus { top: 0.5rem; }
.visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }

.site-header { background: var(--brand); color: #fff; }
.site-header .bar { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1.5rem; max-width: 90rem; margin: 0 auto; padding: 0.6rem 1.25rem; }
.site-header a { color: #fff; }
.site-header :focus-visible { outline-color: var(--focus); box-shadow: none; }
.brand { font-weight: 700; font-size: 1.15rem; text-decoration: none; letter-spacing: 0.02em; }
.site-nav ul { display: flex; flex-wrap: wrap; gap: 0.25rem 1.25rem; list-style: none; margin: 0; padding: 0; }
.site-nav a { text-decoration: none; padding: 0.25rem 0; border-bottom: 3px solid transparent; }
.site-nav a[aria-current], .site-nav a:hover { border-bottom-color: var(--focus); }
.session { margin-left: auto; display: flex; align-items: center; gap: 0.75rem; }
.session form { margin: 0; }
.site-header button.link { color: #fff; }
.site-header button.link:hover { color: var(--focus); }

.page { display: grid; grid-template-columns: minmax(0, 1fr); gap: 1.5rem; max-width: 90rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
.page.with-sidebar { grid-template-columns: 14rem minmax(0, 1fr); }
.page.with-sidebar.with-aside { grid-template-columns: 14rem minmax(0, 1fr) 24rem; }
@media (max-width: 70rem) {
  .page.with-sidebar.with-aside { grid-template-columns: 14rem minmax(0, 1fr); }
  .page.with-sidebar.with-aside > aside { grid-column: 2; }
}
@media (max-width: 48rem) {
  .page.with-sidebar, .page.with-sidebar.with-aside { grid-template-columns: minmax(0, 1fr); }
  .page.with-sidebar.with-aside > aside { grid-column: 1; }
}
main:focus { outline: none; }
.site-footer { border-top: 1px solid var(--line); color: var(--muted); font-size: 0.875rem; }
.site-footer p { max-width: 90rem; margin: 0 auto; padding: 1rem 1.25rem; }

.sidebar h2 { font-size: 0.85rem; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); margin: 0 0 0.5rem; }
.sidebar ul { list-style: none; margin: 0 0 1.5rem; padding: 0; }
.sidebar li a { display: block; padding: 0.35rem 0.5rem; border-radius: var(--radius); text-decoration: none; }
.sidebar li a[aria-current="page"] { background: var(--bg-soft); font-weight: 600; color: var(--text); box-shadow: inset 3px 0 0 var(--primary); }
.sidebar li a:hover { background: var(--bg-soft); }
.sidebar .path { display: block; font-family: var(--mono); font-size: 0.8rem; color: var(--muted); }

.endpoint-line { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; margin: 0 0 1rem; }
.endpoint-line code { font-size: 1rem; background: var(--bg-soft); padding: 0.15rem 0.4rem; border-radius: 4px; }
.method { display: inline-block; min-width: 3.5rem; text-align: center; font: 700 0.8rem/1.6 var(--mono); color: #fff; background: var(--primary); border-radius: 4px; padding: 0 0.4rem; }
.method.post { background: var(--ok); }
.method.get { background: var(--primary); }
.badge { display: inline-block; font-size: 0.8rem; font-weight: 600; border-radius: 999px; padding: 0 0.6rem; border: 1px solid currentColor; }
.badge.lock { color: #7a4a00; background: var(--warn-bg); }
.badge.yes { color: var(--ok); }
.badge.no { color: var(--muted); }
.badge.bad { color: var(--danger); }
.description { max-width: 48rem; }
.lede { color: var(--muted); }

.card { border: 1px solid var(--line); border-radius: var(--radius); padding: 1rem 1.25rem; margin: 0 0 1.25rem; background: var(--bg); }
.card > h2:first-child, .card > h3:first-child { margin-top: 0; }
.token-panel { background: var(--bg-soft); }

form.stack { display: grid; gap: 0.9rem; max-width: 36rem; }
.field { display: grid; gap: 0.25rem; }
.field label, .field .label { font-weight: 600; }
.hint { color: var(--muted); font-size: 0.875rem; margin: 0; }
input[type="text"], input[type="password"], input[type="email"], input[type="search"], textarea, select {
  width: 100%; font: inherit; color: var(--text); background: #fff;
  border: 2px solid #5b6572; border-radius: 4px; padding: 0.45rem 0.6rem;
}
textarea { min-height: 5.5rem; resize: vertical; word-break: break-all; }
input[aria-invalid="true"], textarea[aria-invalid="true"] { border-color: var(--danger); }
.check { display: flex; align-items: flex-start; gap: 0.5rem; }
.check input { flex: none; width: 1.25rem; height: 1.25rem; margin: 0.15rem 0 0; accent-color: var(--primary); }
fieldset { display: grid; gap: 0.75rem; border: 1px solid var(--line); border-radius: var(--radius); padding: 0.75rem 1rem; margin: 0; }
legend { font-weight: 600; padding: 0 0.25rem; }
.field-error { color: var(--danger); font-weight: 600; margin: 0; }
.field-error ul { margin: 0; padding-left: 1.25rem; }

.button, button {
  display: inline-flex; align-items: center; justify-content: center; gap: 0.4rem;
  font-family: inherit; font-size: 1rem; font-weight: 600; line-height: 1.2; cursor: pointer; text-decoration: none;
  color: #fff; background: var(--primary); border: 2px solid var(--primary); border-radius: var(--radius);
  padding: 0.5rem 1rem; min-height: 2.5rem;
}
.button:hover, button:hover { background: var(--primary-dark); border-color: var(--primary-dark); color: #fff; }
.button.secondary, button.secondary { color: var(--primary); background: #fff; }
.button.secondary:hover, button.secondary:hover { background: var(--bg-soft); color: var(--primary-dark); }
.button.danger, button.danger { background: var(--danger); border-color: var(--danger); }
.button.danger:hover, button.danger:hover { background: #7f1a14; border-color: #7f1a14; }
.button.small, button.small { font-size: 0.875rem; padding: 0.25rem 0.6rem; min-height: 2rem; }
.button.link, button.link { background: none; border: none; color: var(--link); padding: 0; min-height: 0; text-decoration: underline; font-weight: 400; }
.actions { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
.actions form { margin: 0; }

.message { border-left: 5px solid var(--primary); background: var(--bg-soft); padding: 0.75rem 1rem; margin: 0 0 1.25rem; border-radius: 0 var(--radius) var(--radius) 0; }
.message.success { border-color: var(--ok); }
.message.error { border-color: var(--danger); background: var(--error-bg); }
.message.warning { border-color: #8a5a00; background: var(--warn-bg); }
.message h2 { font-size: 1rem; margin: 0 0 0.25rem; }
.message ul { margin: 0.25rem 0 0; padding-left: 1.25rem; }

table { border-collapse: collapse; width: 100%; font-size: 0.95rem; }
caption { text-align: left; font-weight: 600; padding: 0 0 0.5rem; }
th, td { text-align: left; vertical-align: top; padding: 0.5rem 0.6rem; border-bottom: 1px solid var(--line); }
th { background: var(--bg-soft); font-weight: 600; }
td.nowrap { white-space: nowrap; }
td.mono, th.mono { font-family: var(--mono); font-size: 0.85rem; word-break: break-all; }
.table-wrap { overflow-x: auto; margin: 0 0 1rem; }
.pager { display: flex; gap: 1rem; margin: 1rem 0; }
.search { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: flex-end; margin: 0 0 1rem; }
.search .field { flex: 1 1 16rem; }

.response-status { font-weight: 700; margin: 0 0 0.5rem; }
.response-status.ok { color: var(--ok); }
.response-status.fail { color: var(--danger); }
pre.json, pre.headers, pre.claims {
  margin: 0 0 0.75rem; padding: 0.75rem 1rem; background: #0f1b2d; color: #f0f3f6;
  border-radius: var(--radius); overflow-x: auto; white-space: pre-wrap; word-break: break-all; font-size: 0.85rem;
}
pre.headers { background: var(--bg-soft); color: var(--text); border: 1px solid var(--line); }
.muted { color: var(--muted); }
.expiry { font-weight: 600; }
.expiry.expired { color: var(--danger); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0 0 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; word-break: break-all; }
.split { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: 1.25rem; }
.narrow { max-width: 28rem; margin: 2rem auto; }
.op { border: 1px solid var(--line); border-radius: var(--radius); padding: 1rem 1.25rem; margin: 0 0 1.5rem; }
.op h3 { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; margin-top: 0; }
`;
