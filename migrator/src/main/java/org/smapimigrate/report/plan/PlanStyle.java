package org.smapimigrate.report.plan;

/** The report's stylesheet, inlined into the page. */
public final class PlanStyle {
    private PlanStyle() {
    }

    public static final String CSS = """
            :root{--ink:#1e293b;--muted:#64748b;--line:#e2e8f0;--bg:#f4f6fb;--card:#fff;
              --user:#2563eb;--user-bg:#eff6ff;--snap:#7c3aed;--snap-bg:#f5f3ff;--base:#64748b;--base-bg:#eef2f7;
              --raw:#0d9488;--raw-bg:#f0fdfa;--hidden:#94a3b8;--hidden-bg:#f8fafc;--bad:#dc2626;--bad-bg:#fef2f2;
              --error:#dc2626;--warning:#d97706;--info:#2563eb}
            *{box-sizing:border-box}
            body{margin:0;background:var(--bg);color:var(--ink);
              font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
            .mono,code{font-family:ui-monospace,"SFMono-Regular","DejaVu Sans Mono",Menlo,Consolas,monospace}
            header{background:linear-gradient(120deg,#0f172a,#1e3a8a 70%,#3730a3);color:#fff;padding:28px 0 24px}
            .wrap,main,footer{max-width:1240px;margin:0 auto;padding:0 28px}
            .eyebrow{text-transform:uppercase;letter-spacing:.12em;font-size:12px;color:#c7d2fe}
            h1{font-size:26px;margin:6px 0 10px;font-weight:650}
            h1 .mono{font-size:22px;font-weight:500;color:#e0e7ff}
            .route{color:#e2e8f0;font-size:14px}
            .route .chip{background:rgba(255,255,255,.14);border:1px solid rgba(255,255,255,.25);border-radius:999px;
              padding:2px 10px;font-size:12px;font-weight:600;color:#fff}
            .route .arrow{margin:0 6px;color:#a5b4fc;font-weight:700}
            .srname{color:#fff;font-weight:600}
            .strategy{display:inline-block;margin-top:14px;padding:5px 14px;border-radius:999px;font-weight:650;
              font-size:13px}
            .s-preserve{background:#dcfce7;color:#14532d}.s-flatten{background:#fef3c7;color:#78350f}
            .reason{margin:8px 0 0;color:#cbd5e1;max-width:900px}
            main{padding-top:22px;padding-bottom:10px}
            section{margin:0 0 26px}
            h2{font-size:18px;margin:0 0 6px;font-weight:650}
            .lead{color:var(--muted);margin:0 0 12px;max-width:980px}
            .cards{display:grid;grid-template-columns:repeat(4,1fr);gap:14px;margin-bottom:12px}
            .card{background:var(--card);border-radius:12px;padding:14px 16px;box-shadow:0 1px 2px rgba(15,23,42,.06),
              0 4px 14px rgba(15,23,42,.05);border:1px solid var(--line)}
            .card .label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.06em;font-weight:600}
            .card .value{font-size:28px;font-weight:700;margin:2px 0 4px;letter-spacing:-.01em}
            .card .detail{color:var(--muted);font-size:12.5px}
            .riskbar{display:flex;align-items:center;gap:8px;margin-bottom:26px;background:var(--card);border:1px solid var(--line);
              border-radius:12px;padding:10px 14px;text-decoration:none;color:var(--ink)}
            .riskbar-text{color:var(--muted);margin-left:6px}
            .pill{display:inline-block;padding:1px 10px;border-radius:999px;font-size:12px;font-weight:650;color:#fff}
            .sev-none{background:#cbd5e1;color:#334155}.sev-error{background:var(--error)}.sev-warning{background:var(--warning)}.sev-info{background:var(--info)}
            .sev-error-t{color:var(--error)}
            table{border-collapse:collapse;width:100%;background:var(--card)}
            .compare{border-radius:12px;overflow:hidden;border:1px solid var(--line)}
            .compare th,.compare td{padding:9px 14px;border-bottom:1px solid var(--line);text-align:left;vertical-align:middle}
            .compare th{background:#f8fafc;font-weight:650}
            .compare th.chosen{background:#eef2ff;color:#3730a3}
            .compare td:first-child{color:var(--muted);width:34%}
            .tag{background:#4f46e5;color:#fff;border-radius:999px;padding:1px 8px;font-size:11px;margin-left:6px}
            .tag.muted{background:#94a3b8}
            .hbar{display:inline-block;width:55%;height:10px;background:#eef2f7;border-radius:5px;margin-right:10px;
              vertical-align:middle;overflow:hidden}
            .hbar div{height:100%;background:linear-gradient(90deg,#6366f1,#2563eb);border-radius:5px}
            .legend{display:flex;flex-wrap:wrap;gap:6px 18px;background:var(--card);border:1px solid var(--line);
              border-radius:12px;padding:10px 14px;margin-bottom:12px;font-size:12.5px;color:var(--muted)}
            .legend .lg{display:inline-flex;align-items:center;gap:6px}
            .legend .faded{font-style:italic}
            .tree-card{background:var(--card);border:1px solid var(--line);border-radius:12px;margin-bottom:12px;
              box-shadow:0 1px 2px rgba(15,23,42,.05)}
            .tree-head{display:flex;justify-content:space-between;padding:9px 14px;border-bottom:1px solid var(--line)}
            .tree-title{font-weight:650}.tree-facts{color:var(--muted);font-size:12.5px}
            .scroll{overflow-x:auto}
            svg.tree{display:block}
            svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif}
            .node .box{stroke-width:1.5}
            .node .uuid{font:600 13px ui-monospace,"DejaVu Sans Mono",Menlo,monospace;fill:var(--ink)}
            .node .name{font-size:12.5px;fill:#334155}
            .node .meta{font-size:11px;fill:var(--muted)}
            .node .badge-text{font-size:9.5px;font-weight:700;letter-spacing:.04em;fill:#fff}
            .node .alloc{font-size:12px;fill:#334155}
            .node .action{font-size:12.5px;fill:#1e293b}
            .node .a-skipped{fill:var(--bad)}.node .a-not-selected,.node .a-folded{fill:var(--muted)}
            .colhead{font-size:10.5px;font-weight:650;letter-spacing:.08em;fill:#94a3b8}
            .bar-bg{fill:#eef2f7}.bar{fill:#6366f1}
            .n-user .box{fill:var(--user-bg);stroke:var(--user)}.n-user .stripe,.n-user .badge{fill:var(--user)}
            .n-snapshot .box{fill:var(--snap-bg);stroke:var(--snap)}.n-snapshot .stripe,.n-snapshot .badge{fill:var(--snap)}
            .n-base .box{fill:url(#hatch);stroke:var(--base);stroke-dasharray:5 3}
            .n-base .stripe,.n-base .badge{fill:var(--base)}
            .n-raw .box{fill:var(--raw-bg);stroke:var(--raw)}.n-raw .stripe,.n-raw .badge{fill:var(--raw)}
            .n-hidden .box{fill:var(--hidden-bg);stroke:var(--hidden);stroke-dasharray:2 3}
            .n-hidden .stripe,.n-hidden .badge{fill:var(--hidden)}
            .n-unreadable .box{fill:var(--bad-bg);stroke:var(--bad);stroke-width:2}
            .n-unreadable .stripe,.n-unreadable .badge{fill:var(--bad)}
            .d-not-selected,.d-skipped{opacity:.55}
            .edge{fill:none;stroke-width:2}
            .edge.shared{stroke:#475569}
            .edge.fresh{stroke:#94a3b8;stroke-dasharray:6 4}
            .edge.none{stroke:#cbd5e1;stroke-dasharray:2 4}
            .risk{background:var(--card);border:1px solid var(--line);border-left:5px solid var(--info);border-radius:10px;
              padding:10px 14px;margin-bottom:10px}
            .risk.r-error{border-left-color:var(--error)}.risk.r-warning{border-left-color:var(--warning)}
            .risk-head{display:flex;align-items:center;gap:10px;flex-wrap:wrap}
            .risk-head code{font-weight:650;font-size:13px}
            .risk .subject{color:var(--muted);font-size:12px}
            .risk p{margin:6px 0}
            .todo{background:#f8fafc;border-radius:8px;padding:6px 10px;color:#334155;font-size:13px}
            .facts{display:grid;grid-template-columns:160px 1fr;gap:6px 14px;background:var(--card);
              border:1px solid var(--line);border-radius:12px;padding:12px 16px;margin:0}
            .facts dt{color:var(--muted)}.facts dd{margin:0}
            .feat{display:inline-block;background:#eef2ff;color:#3730a3;border-radius:6px;padding:0 7px;margin:0 6px 4px 0;
              font:12px ui-monospace,"DejaVu Sans Mono",monospace}
            .steps{border:1px solid var(--line);border-radius:12px;font-size:13px}
            .steps th{position:sticky;top:0;background:#f8fafc;text-align:left;padding:7px 10px;border-bottom:1px solid var(--line)}
            .steps td{padding:5px 10px;border-bottom:1px solid #f1f5f9;vertical-align:top}
            .steps tr:nth-child(even) td{background:#fcfdff}
            .steps .num{text-align:right;white-space:nowrap;color:#334155}
            .steps .mono{font-size:12px;white-space:nowrap}
            .steps .after{color:var(--muted)}
            .k{display:inline-block;border-radius:6px;padding:0 8px;font-size:12px;font-weight:600;white-space:nowrap}
            .k-create{background:#dbeafe;color:#1e40af}.k-copy-chain{background:#e0e7ff;color:#3730a3}
            .k-copy-own{background:#ede9fe;color:#5b21b6}.k-resize{background:#fef3c7;color:#92400e}
            .k-snapshot{background:#f3e8ff;color:#6b21a8}.k-clone{background:#dcfce7;color:#166534}
            .k-carrier{background:#e2e8f0;color:#334155}.k-verify{background:#ccfbf1;color:#115e59}
            .k-metadata{background:#f1f5f9;color:#475569}
            .note{color:var(--muted);font-style:italic}
            footer{color:var(--muted);font-size:12px;padding:10px 28px 30px}
            @media (max-width:900px){.cards{grid-template-columns:repeat(2,1fr)}}
            @media print{body{background:#fff}header{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
            """;
}
