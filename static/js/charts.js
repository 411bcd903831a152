// Dashboard charts, drawn with Chart.js from the JSON each page embeds next to its canvas
// (`{{ spec|json_script:id }}`): no inline script, so a strict Content-Security-Policy holds.
// Every number is also in a table under its chart, so the page works without this script.
(function () {
  "use strict";

  const lang = document.documentElement.lang || undefined;
  const formats = {
    count: new Intl.NumberFormat(lang, { maximumFractionDigits: 0 }),
    money: new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
    percent: new Intl.NumberFormat(lang, { maximumFractionDigits: 2 }),
  };

  function format(value, kind) {
    if (value === null || value === undefined) {
      return "—";
    }
    const text = (formats[kind] || formats.count).format(value);
    return kind === "percent" ? text + "%" : text;
  }

  function axis(kind, position) {
    return {
      position: position,
      beginAtZero: true,
      grid: { drawOnChartArea: position !== "right" },
      // Counts step by whole numbers; money axes drop the cents.
      ticks: {
        precision: kind === "count" ? 0 : undefined,
        callback: (value) => format(value, kind === "money" ? "count" : kind),
      },
    };
  }

  function build(canvas) {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof Chart === "undefined") {
      return;
    }
    const spec = JSON.parse(source.textContent);
    const valueAxis = spec.horizontal ? "x" : "y";
    const kinds = {};
    spec.datasets.forEach((dataset) => {
      kinds[dataset.axis] = kinds[dataset.axis] || dataset.kind;
    });
    const scales = {};
    scales[valueAxis] = axis(kinds.y || "count", spec.horizontal ? "bottom" : "left");
    if (kinds.y1) {
      scales.y1 = axis(kinds.y1, "right");
    }
    const datasets = spec.datasets.map((dataset) => ({
      label: dataset.label,
      data: dataset.data,
      type: dataset.type,
      yAxisID: dataset.axis === "y1" ? "y1" : undefined,
      kind: dataset.kind,
      links: dataset.links,
      order: dataset.type === "line" ? 0 : 1,
      tension: 0.2,
    }));
    const chart = new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: spec.horizontal ? "y" : "x",
        scales: scales,
        plugins: {
          legend: { display: datasets.length > 1 },
          tooltip: {
            callbacks: {
              label: (item) => `${item.dataset.label}: ${format(item.raw, item.dataset.kind)}`,
            },
          },
        },
        // A click on a bar or point opens the records behind it, as the table's link does.
        onClick: (event, elements) => {
          if (!elements.length) {
            return;
          }
          const element = elements[0];
          const links = datasets[element.datasetIndex].links || [];
          if (links[element.index]) {
            window.location.assign(links[element.index]);
          }
        },
        onHover: (event, elements) => {
          const target = event.native && event.native.target;
          if (target) {
            target.style.cursor = elements.length ? "pointer" : "default";
          }
        },
      },
    });
    canvas.chart = chart;
  }

  // Typing a date means a custom range: select it, so the dates are not ignored.
  document.addEventListener("change", (event) => {
    const input = event.target;
    if (input.matches("#dashboard-filters input[type=date]") && input.value) {
      const period = input.form.querySelector("select[name=period]");
      if (period) {
        period.value = "custom";
      }
    }
  });

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("canvas[data-chart]").forEach(build);
  });
})();
