"""The page's inline stylesheet and script: the only ones it has, so it never asks the
network for anything (no font, no CDN) and opens the same from an artefact store offline.

The stylesheet keeps every line on the screen (``overflow-wrap: anywhere``, a fixed table
layout, rows stacked on a narrow window), since Stripe's locations run to 150 characters.
The script only reads the page's own DOM: the filters pick findings (a row shows when its
severity and source are ticked and every word searched for is in it or in its cause's
heading) and a cause shows while any of its findings does.
"""

from __future__ import annotations

__all__ = ["SCRIPT", "STYLE"]

STYLE = """
:root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;
--soft:#f6f8fa;--b:#cf222e;--w:#9a6700;--i:#0969da;--ok:#1a7f37}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;
--bg:#0d1117;--soft:#151b23;--b:#ff7b72;--w:#d29922;--i:#58a6ff;--ok:#3fb950}}
*{box-sizing:border-box}
html{background:var(--bg)}
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);
margin:0 auto;padding:1rem 1.5rem 3rem;max-width:96rem;overflow-wrap:anywhere}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.86em}
pre{white-space:pre-wrap;margin:.3rem 0;padding:.35rem .55rem;background:var(--soft);
border:1px solid var(--line);border-radius:4px}
h1{font-size:1.3rem;margin:.3rem 0}
h2{font-size:1.05rem;margin:1.1rem 0 .4rem}
.run,.what,.notes,.meta,.k,.hidden-causes,#shown{color:var(--muted)}
.run{margin:.2rem 0}
.what{display:grid;grid-template-columns:max-content 1fr;gap:.05rem .8rem;margin:.4rem 0}
.what dt{font-weight:600}
.what dd{margin:0;min-width:0}
.verdict{font-weight:600;padding:.45rem .7rem;border-radius:6px;background:var(--soft);
border-left:4px solid var(--ok)}
.verdict.fail{border-left-color:var(--b)}
.tallies{display:flex;flex-wrap:wrap;gap:.4rem 2rem;margin:.6rem 0}
.counts{border-collapse:collapse}
.counts caption{text-align:left;color:var(--muted);font-size:.85em}
.counts th,.counts td{padding:.12rem .7rem;text-align:right;border-bottom:1px solid var(--line);
overflow-wrap:normal}
.counts th:first-child{text-align:left;padding-left:0}
.notes h2{margin-top:.6rem}
.notes ul{margin:.2rem 0;padding-left:1.2rem}
.sev,.filters label.breaking,.filters label.warning,.filters label.info{font-weight:600}
.breaking>.sev,.breaking .sev,th.breaking,label.breaking{color:var(--b)}
.warning>.sev,.warning .sev,th.warning,label.warning{color:var(--w)}
.info>.sev,.info .sev,th.info,label.info{color:var(--i)}
.filters{position:sticky;top:0;z-index:1;display:flex;flex-wrap:wrap;gap:.4rem 1rem;
align-items:center;padding:.5rem 0;background:var(--bg);border-bottom:1px solid var(--line)}
.filters fieldset{border:0;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.15rem .6rem}
.filters legend{float:left;color:var(--muted);padding:0;margin-right:.1rem}
.filters label{white-space:nowrap;cursor:pointer}
.filters input[type=search]{flex:1 1 16rem;min-width:0;padding:.3rem .55rem;font:inherit;
color:inherit;background:var(--bg);border:1px solid var(--line);border-radius:6px}
.filters button{font:inherit;padding:.22rem .6rem;color:inherit;background:var(--soft);
border:1px solid var(--line);border-radius:6px;cursor:pointer}
details.cause{border:1px solid var(--line);border-left:4px solid var(--i);border-radius:6px;
margin:.45rem 0;scroll-margin-top:6rem}
details.cause.breaking{border-left-color:var(--b)}
details.cause.warning{border-left-color:var(--w)}
details.cause>summary{cursor:pointer;padding:.4rem .7rem}
details.cause[open]>summary{background:var(--soft);border-bottom:1px solid var(--line)}
.meta{display:block;font-size:.88em;margin-top:.05rem}
.count{font-size:.8em;padding:0 .45rem;border:1px solid var(--line);border-radius:1rem;
color:var(--muted);white-space:nowrap}
.why{margin:.5rem .7rem;max-width:62rem}
.findings{width:100%;border-collapse:collapse;table-layout:fixed}
.findings th,.findings td{padding:.3rem .55rem;border-top:1px solid var(--line);
text-align:left;vertical-align:top}
.findings th{font-size:.85em;color:var(--muted)}
.findings td:first-child div,.findings td:nth-child(3){font-family:ui-monospace,SFMono-Regular,
Menlo,Consolas,monospace;font-size:.86em}
.findings td:first-child div{color:var(--muted)}
.findings tr.breaking b{color:var(--b)}
.findings tr.warning b{color:var(--w)}
.findings tr.info b{color:var(--i)}
.findings th:nth-child(1){width:38%}
.findings th:nth-child(3){width:17%}
.findings tr.breaking>td:first-child{box-shadow:inset 3px 0 var(--b)}
.findings tr.warning>td:first-child{box-shadow:inset 3px 0 var(--w)}
.ev{margin-top:.15rem;font-size:.92em}
.ev summary{cursor:pointer;color:var(--muted)}
[hidden]{display:none!important}
@media (max-width:50rem){body{padding:.6rem}.findings thead{display:none}
.findings tr,.findings td{display:block}.findings td{border:0;padding:.08rem .55rem}
.findings tr{border-top:1px solid var(--line);padding:.3rem 0}}
@media print{.filters{display:none}}
"""

SCRIPT = """
"use strict";
(() => {
  const form = document.getElementById("filters");
  if (!form) return;
  const search = document.getElementById("search");
  const shown = document.getElementById("shown");
  const causes = Array.from(document.querySelectorAll("details.cause"), (el) => ({
    el,
    head: el.querySelector("summary").textContent.toLowerCase(),
    count: el.querySelector(".count"),
    rows: Array.from(el.querySelectorAll("table.findings > tbody > tr"), (tr) => {
      const [severity, source] = tr.className.split(" ");
      return { tr, severity, source, text: tr.textContent.toLowerCase() };
    }),
  }));
  const total = causes.reduce((n, cause) => n + cause.rows.length, 0);
  const plural = (n, noun) => `${n} ${noun}${n === 1 ? "" : "s"}`;
  const ticked = (name) =>
    new Set(Array.from(form.querySelectorAll(`input[name=${name}]:checked`), (box) => box.value));

  function apply() {
    const severities = ticked("severity");
    const sources = ticked("source");
    const words = search.value.toLowerCase().split(/\\s+/).filter(Boolean);
    let causesShown = 0;
    let findingsShown = 0;
    for (const cause of causes) {
      const rest = words.filter((word) => !cause.head.includes(word));
      let visible = 0;
      for (const row of cause.rows) {
        const keep = severities.has(row.severity) && sources.has(row.source)
          && rest.every((word) => row.text.includes(word));
        row.tr.hidden = !keep;
        visible += keep ? 1 : 0;
      }
      const n = cause.rows.length;
      cause.el.hidden = visible === 0;
      cause.count.textContent =
        visible === n ? plural(n, "finding") : `${visible} of ${plural(n, "finding")}`;
      causesShown += visible ? 1 : 0;
      findingsShown += visible;
    }
    shown.dataset.causes = causesShown;
    shown.dataset.findings = findingsShown;
    shown.textContent = `showing ${causesShown} of ${plural(causes.length, "cause")}, `
      + `${findingsShown} of ${plural(total, "finding")}`;
  }

  function reveal() {
    const target = location.hash && document.getElementById(location.hash.slice(1));
    if (target && target.matches("details.cause")) target.open = true;
  }

  form.addEventListener("input", apply);
  form.addEventListener("submit", (event) => event.preventDefault());
  document.getElementById("expand").addEventListener("click", () => {
    for (const cause of causes) cause.el.open = !cause.el.hidden;
  });
  document.getElementById("collapse").addEventListener("click", () => {
    for (const cause of causes) cause.el.open = false;
  });
  document.addEventListener("keydown", (event) => {
    const typing = event.target instanceof HTMLInputElement;
    if (event.key === "/" && !typing) {
      event.preventDefault();
      search.focus();
    }
  });
  window.addEventListener("hashchange", reveal);
  form.hidden = false;
  reveal();
  apply();
})();
"""
