// Draws the dashboards' charts from data embedded with Django's json_script; no inline code.
(() => {
  const palette = ["#1d4e89", "#e07a1f", "#2a9d8f", "#8e44ad", "#c0392b", "#7f8c8d"];

  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source || !window.Chart) return;
    const spec = JSON.parse(source.textContent);
    const line = spec.type === "line";
    const datasets = spec.datasets.map((set, i) => ({
      label: set.label,
      data: set.data,
      backgroundColor: palette[i % palette.length],
      borderColor: palette[i % palette.length],
      fill: false,
      spanGaps: true,
      tension: line ? 0.2 : 0,
    }));
    const scale = { stacked: spec.stacked, beginAtZero: true };
    if (spec.percent) scale.max = 100;
    new window.Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets },
      options: {
        responsive: true,
        animation: false,
        scales: { x: { stacked: spec.stacked }, y: scale },
        plugins: { legend: { display: datasets.length > 1 } },
      },
    });
  }

  function drawIn(root) {
    root.querySelectorAll("canvas[data-chart]:not([data-drawn])").forEach((canvas) => {
      canvas.dataset.drawn = "1";
      draw(canvas);
    });
  }

  document.addEventListener("DOMContentLoaded", () => drawIn(document));
  // Dashboard sections arrive one by one through htmx.
  document.addEventListener("htmx:load", (event) => drawIn(event.detail.elt));

  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-print]")) window.print();
  });
})();
