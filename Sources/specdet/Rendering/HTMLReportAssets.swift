/// The style sheet and the script of the report page, inlined in it: the page loads nothing.
enum HTMLReportAssets {
    /// No fetch of any kind: images are data URIs, style and script inline.
    static let contentSecurityPolicy = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'"

    static let style = """
        body{margin:0;color:#1d1d1f;background:#fff;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
        main{display:flex;flex-direction:column;max-width:1180px;margin:0 auto;padding:12px 24px 40px}
        #head{order:0}#summary{order:1}#evaluation{order:2}#evidence{order:3}#inputs{order:4}
        h1{font-size:22px;margin:8px 0 4px}h2{font-size:18px;margin:22px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
        h3{font-size:15px;margin:0 0 6px;word-break:break-all}
        .note{color:#555;font-size:13px;max-width:900px}
        dl.card{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:6px 0}
        dl.card dt{color:#555}dl.card dd{margin:0}
        .counts{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}
        .count{border:1px solid #ddd;border-radius:6px;padding:4px 10px;background:#fafafa}
        .count b{font-size:17px;margin-right:4px}
        table{border-collapse:collapse;width:100%}
        th,td{padding:3px 8px;border-bottom:1px solid #e6e6e6;text-align:left;vertical-align:middle}
        thead th{position:sticky;top:0;background:#f3f3f3;z-index:1}
        td.n,td.p{text-align:right;font-variant-numeric:tabular-nums}
        td.path{word-break:break-all;max-width:480px;font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px}
        td.t{width:64px;height:8px;padding:2px}td.t img{display:block;max-width:64px;max-height:64px}
        tr.has-evidence{cursor:pointer}tr.has-evidence:hover{background:#eef4fb}
        .label-fake{color:#b3261e;font-weight:600}.label-real{color:#1f5fa0}.failed{color:#8a5300}
        .controls{display:flex;flex-wrap:wrap;gap:14px;align-items:center;margin:8px 0}
        button.sort{font:inherit;font-weight:600;border:0;background:none;padding:0;cursor:pointer;text-decoration:underline dotted}
        article.evidence{border:1px solid #d6d6d6;border-radius:6px;padding:10px 14px;margin:10px 0;break-inside:avoid}
        article.evidence.focus{border-color:#1f5fa0;box-shadow:0 0 0 2px #cfe0f3}
        .figures{display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start}
        figure{margin:0}figure img{display:block;width:128px;image-rendering:pixelated}figcaption{font-size:12px;color:#555;max-width:140px}
        .key{font-size:12px;color:#444}.key span{display:inline-block;width:22px;height:0;border-top:2px solid;vertical-align:middle;margin:0 4px 0 10px}
        table.confusion{width:auto}table.confusion td{text-align:right;min-width:70px}
        svg{max-width:100%;height:auto}
        @media print{main{display:block;max-width:none;padding:0}.controls{display:none}thead th{position:static}
        tr{break-inside:avoid}article.evidence[hidden]{display:none}}
        """

    /// Moves the table after the summary (the summary is written once the rows are done), puts
    /// the thumbnails into their rows, fills the filters from the rows' own labels and
    /// statuses, sorts by P(fake) and opens a row's evidence on a click.
    static let script = """
        (() => {
          "use strict";
          const main = document.querySelector("main");
          main.appendChild(document.getElementById("inputs"));
          const body = document.getElementById("rows").tBodies[0];
          const rows = Array.from(body.rows);
          for (const evidence of document.querySelectorAll("article.evidence")) {
            const row = document.getElementById("r" + evidence.dataset.row);
            if (!row) continue;
            row.classList.add("has-evidence");
            const thumbnail = evidence.querySelector("img.thumb");
            if (thumbnail) row.cells[1].appendChild(thumbnail.cloneNode());
          }
          const labelFilter = document.getElementById("label-filter");
          const statusFilter = document.getElementById("status-filter");
          const shown = document.getElementById("shown");
          const addOptions = (select, values) => {
            for (const value of [...new Set(values)].sort()) {
              const option = document.createElement("option");
              option.value = value;
              option.textContent = value === "" ? "(none)" : value;
              select.appendChild(option);
            }
          };
          addOptions(labelFilter, rows.map(row => row.dataset.label));
          addOptions(statusFilter, rows.map(row => row.dataset.status).filter(status => status !== "ok"));
          const filter = () => {
            const label = labelFilter.value, status = statusFilter.value;
            let count = 0;
            for (const row of rows) {
              const own = row.dataset.status;
              const visible = (label === "*" || row.dataset.label === label)
                && (status === "*" || (status === "failed" ? own !== "ok" : own === status));
              row.hidden = !visible;
              if (visible) count++;
            }
            shown.textContent = String(count);
          };
          labelFilter.addEventListener("change", filter);
          statusFilter.addEventListener("change", filter);
          const sortButton = document.getElementById("sort-p");
          const names = ["input order", "highest first", "lowest first"];
          let order = 0;
          const probability = row => row.dataset.p === "" ? null : Number(row.dataset.p);
          sortButton.addEventListener("click", () => {
            order = (order + 1) % 3;
            const sorted = rows.slice();
            if (order !== 0) {
              const sign = order === 1 ? -1 : 1;
              sorted.sort((a, b) => {
                const x = probability(a), y = probability(b);
                if (x === null || y === null) return x === y ? a.dataset.i - b.dataset.i : (x === null ? 1 : -1);
                return sign * (x - y) || a.dataset.i - b.dataset.i;
              });
            }
            const fragment = document.createDocumentFragment();
            for (const row of sorted) fragment.appendChild(row);
            body.appendChild(fragment);
            sortButton.closest("th").setAttribute("aria-sort", ["none", "descending", "ascending"][order]);
            document.getElementById("sort-state").textContent = names[order];
          });
          body.addEventListener("click", event => {
            const row = event.target.closest("tr.has-evidence");
            if (!row) return;
            const evidence = document.getElementById("e" + row.dataset.i);
            for (const other of document.querySelectorAll("article.evidence.focus")) other.classList.remove("focus");
            evidence.hidden = false;
            evidence.classList.add("focus");
            evidence.scrollIntoView({block: "start"});
          });
          filter();
        })();
        """
}
