/* Licentia portal: draws each chart from the data the page embeds, with Chart.js.
   Without JavaScript (or without Chart.js) the charts stay hidden and the tables carry the data. */
(function () {
  "use strict";
  if (!window.Chart) {
    return;
  }
  // Colours with at least 3:1 contrast on white (WCAG 2.2 1.4.11), told apart by point style too.
  var colours = ["#0b3d6e", "#a4161a", "#1e6b34", "#7a4300", "#5b2a86"];
  var points = ["circle", "rect", "triangle", "rectRot", "star"];
  document.querySelectorAll("[data-chart]").forEach(function (box) {
    var spec = JSON.parse(document.getElementById(box.dataset.chart).textContent);
    var canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", spec.title + ". The same figures follow in a table.");
    canvas.setAttribute("aria-describedby", box.dataset.summary);
    canvas.textContent = spec.title + ": see the table that follows.";
    box.appendChild(canvas);
    box.hidden = false;
    new window.Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (set, i) {
          return {
            label: set.label,
            data: set.data,
            backgroundColor: colours[i % colours.length],
            borderColor: colours[i % colours.length],
            pointStyle: points[i % points.length],
            pointRadius: 5,
            spanGaps: false
          };
        })
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: {
          legend: { position: "bottom", labels: { color: "#1b1b1f", usePointStyle: true } }
        },
        scales: {
          x: { ticks: { color: "#1b1b1f" } },
          y: { beginAtZero: true, ticks: { color: "#1b1b1f", precision: 0 } }
        }
      }
    });
  });
})();
