"""The stylesheet of the management report, for screen and for print (A4)."""

STYLE = """
:root { --ink:#1f2933; --muted:#616e7c; --line:#d9e2ec; --band:#f5f7fa; --accent:#305496; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #eef1f5;
  font: 14px/1.55 "PingFang SC","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC",
  "WenQuanYi Micro Hei",sans-serif; }
header { background: var(--accent); color: #fff; padding: 22px 32px 16px; }
header h1 { margin: 0 0 4px; font-size: 24px; letter-spacing: 1px; }
header p { margin: 0; opacity: .85; font-size: 13px; }
main { max-width: 1120px; margin: 0 auto; padding: 20px 24px 8px; }
section { background: #fff; border-radius: 6px; padding: 18px 22px 14px; margin: 0 0 18px;
  box-shadow: 0 1px 3px rgba(0,0,0,.08); }
h2 { font-size: 18px; margin: 0 0 6px; color: var(--accent);
  border-left: 4px solid var(--accent); padding-left: 10px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
p.lead { color: var(--muted); margin: 0 0 12px; }
p.note { color: var(--muted); font-size: 12px; margin: 6px 0 0; }
p.ok { color: #2e7d32; font-weight: bold; }
figure { margin: 0 0 12px; overflow-x: auto; }
figcaption { font-weight: bold; font-size: 13px; margin-bottom: 4px; }
svg text { fill: var(--ink); }
svg text.v { fill: var(--muted); font-size: 12px; }
svg text.l { font-size: 12px; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 18px; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 10px 24px; }
.kpis { display: grid; grid-template-columns: repeat(6, 1fr); gap: 12px; margin: 0 0 18px; }
.kpi { background: #fff; border-radius: 6px; padding: 12px 14px;
  border-top: 4px solid var(--accent); box-shadow: 0 1px 3px rgba(0,0,0,.08); }
.kpi.warn { border-top-color: #c62828; }
.kpi .k { color: var(--muted); font-size: 12px; }
.kpi .v { font-size: 22px; font-weight: bold; white-space: nowrap; }
.kpi .v span { font-size: 12px; font-weight: normal; color: var(--muted); margin-left: 3px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 4px 0 6px; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: left;
  vertical-align: top; }
thead th { background: var(--band); border-bottom: 2px solid var(--line); white-space: nowrap; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td { font-weight: bold; border-top: 2px solid var(--ink); }
tbody tr:nth-child(even) td { background: #fafbfc; }
table.review td:nth-child(6) { color: var(--muted); font-size: 12px; }
table.review td:nth-child(-n+2), table.review td:nth-child(4) { white-space: nowrap; }
table.matrix { width: auto; }
table.matrix th, table.matrix td { text-align: center; min-width: 92px; }
table.matrix tbody th { text-align: left; background: var(--band); white-space: nowrap; }
table.matrix td.m small { display: block; color: var(--muted); font-size: 11px; }
td.m.same { background: rgba(96,125,139,var(--a)) !important; }
td.m.up { background: rgba(46,125,50,var(--a)) !important; }
td.m.down { background: rgba(198,40,40,var(--a)) !important; }
td.m.new { background: rgba(21,101,192,var(--a)) !important; }
b.up { color: #2e7d32; } b.down { color: #c62828; }
footer { text-align: center; color: var(--muted); font-size: 11px; padding: 8px 0 24px; }
@media (max-width: 900px) { .pair, .grid { grid-template-columns: 1fr; }
  .kpis { grid-template-columns: repeat(3, 1fr); } }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { background: #fff; font-size: 11px; }
  header { background: #fff; color: var(--ink); padding: 0 0 8px;
    border-bottom: 2px solid var(--ink); }
  main { max-width: none; padding: 8px 0 0; }
  section, .kpi { box-shadow: none; border: 1px solid var(--line); break-inside: avoid; }
  section { page-break-inside: avoid; }
  .kpis { grid-template-columns: repeat(6, 1fr); }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""
