// Chart.js (vendored), loaded on the first page that draws a chart.
export function loadChartLibrary() {
  if (window.Chart) return Promise.resolve(window.Chart);
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = "/console/static/vendor/chart-4.5.1.umd.min.js";
    script.onload = () => resolve(window.Chart);
    script.onerror = reject;
    document.head.appendChild(script);
  });
}
