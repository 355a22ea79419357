// Report charts (templates/reports/report.html): Chart.js draws the figures in the JSON of the
// canvas's data-chart attribute (an attribute, not a script block: no page carries inline script). The chart is decorative (aria-hidden): the table under it is the accessible
// version of the same numbers, so nothing here needs to be read out.
document.addEventListener("DOMContentLoaded", () => {
  const canvas = document.getElementById("report-chart");
  if (!canvas || !canvas.dataset.chart || !window.Chart) return;
  const spec = JSON.parse(canvas.dataset.chart);
  // Okabe–Ito: told apart with the common colour-vision deficiencies; decisions keep the app's outcome colours.
  const palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#999999", "#F0E442", "#6c4a00"];
  const outcomes = {
    adopted: "#146c43",
    adapted: "#0f5f7a",
    declined: "#842029",
    parked: "#b07d00",
    under_review: "#495057",
    undecided: "#adb5bd",
  };
  const datasets = spec.datasets.map((set, i) => {
    const colour = outcomes[set.key] || palette[i % palette.length];
    return {
      label: set.label,
      data: set.data,
      backgroundColor: colour,
      borderColor: colour,
      borderWidth: spec.type === "line" ? 2 : 0,
      pointRadius: spec.type === "line" ? 3 : 0,
      tension: 0.2,
    };
  });
  const horizontal = Boolean(spec.horizontal);
  const holder = canvas.parentElement;
  if (horizontal) holder.style.height = `${Math.max(240, spec.labels.length * 56 + 140)}px`;
  const count = { beginAtZero: true, ticks: { precision: 0 }, stacked: Boolean(spec.stacked) };
  const category = { stacked: Boolean(spec.stacked) };
  if (horizontal) {
    // Long topic names beside the bars wrap onto lines of about 16 characters instead of being
    // cut off at the canvas edge on a phone.
    category.ticks = {
      autoSkip: false, // every bar keeps its name: the holder grows with the number of bars
      callback(value) {
        const lines = [];
        for (const word of String(this.getLabelForValue(value)).split(" ")) {
          const last = lines.length - 1;
          if (last >= 0 && (lines[last] + " " + word).length <= 16) lines[last] += " " + word;
          else lines.push(word);
        }
        return lines;
      },
    };
  }
  new window.Chart(canvas, {
    type: spec.type,
    data: { labels: spec.labels, datasets },
    options: {
      indexAxis: horizontal ? "y" : "x",
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: horizontal ? { x: count, y: category } : { x: category, y: count },
      plugins: {
        title: { display: Boolean(spec.title), text: spec.title },
        legend: { position: "bottom", labels: { boxWidth: 12 } },
      },
    },
  });
});
