// The relationship network (templates/reports/network.html): Cytoscape.js draws the graph in the
// JSON of the container's data-graph attribute (no inline script). The drawing is decorative
// (aria-hidden): the table of links under it is the accessible version; clicking a node opens its
// page, which the table's links also do.
document.addEventListener("DOMContentLoaded", () => {
  const holder = document.getElementById("network");
  if (!holder || !holder.dataset.graph || !window.cytoscape) return;
  const graph = JSON.parse(holder.dataset.graph);
  // Cytoscape prepends a <style> giving its container position: relative, unless an element with
  // this id exists. The CSP refuses inline styles (a console error), and app.css already positions
  // .network-canvas, so a placeholder stands in for it.
  const marker = "__________cytoscape_stylesheet";
  if (!document.getElementById(marker)) {
    const placeholder = document.createElement("meta");
    placeholder.id = marker;
    document.head.append(placeholder);
  }
  const phone = window.matchMedia("(max-width: 576px)").matches;
  // Start from a spiral, most connected in the middle (the server's order), so the layout is the same each time.
  const elements = [
    ...graph.nodes.map((n, i) => ({
      data: { ...n, size: (phone ? 1.6 : 1) * (14 + Math.min(30, 4 * Math.sqrt(n.degree))) },
      // The most connected (first) carry their names; the others show theirs on hover.
      classes: i < (phone ? 8 : 20) ? `${n.kind} named` : n.kind,
      position: { x: 18 * Math.sqrt(i) * Math.cos(i * 2.4), y: 18 * Math.sqrt(i) * Math.sin(i * 2.4) },
    })),
    ...graph.edges.map((e, i) => ({ data: { id: `e${i}`, ...e, width: Math.min(6, e.weight) }, classes: e.relation })),
  ];
  const cy = window.cytoscape({
    container: holder,
    elements,
    minZoom: 0.2,
    maxZoom: 3,
    wheelSensitivity: 0.3,
    style: [
      {
        selector: "node",
        style: {
          width: "data(size)",
          height: "data(size)",
          "border-width": 1,
          "border-color": "#333",
          label: "",
          "font-size": phone ? 22 : 10, // drawn smaller on a phone, where the whole graph is fitted to the width
          "text-valign": "bottom",
          "text-margin-y": 2,
          "text-background-color": "#fff",
          "text-background-opacity": 0.8,
          "text-background-padding": 1,
          color: "#212529",
        },
      },
      // Okabe–Ito colours (as the report charts), and a shape each, so the kinds read without colour.
      { selector: "node.person", style: { "background-color": "#0072B2", shape: "ellipse" } },
      { selector: "node.organisation", style: { "background-color": "#E69F00", shape: "round-rectangle" } },
      { selector: "node.forum", style: { "background-color": "#009E73", shape: "diamond" } },
      { selector: "node.named", style: { label: "data(label)" } },
      { selector: "edge", style: { width: "data(width)", "curve-style": "haystack", opacity: 0.55 } },
      { selector: "edge.affiliation", style: { "line-color": "#b07d00" } },
      { selector: "edge.forum", style: { "line-color": "#009E73", "line-style": "dashed", width: 1.5 } },
      { selector: "edge.consultation", style: { "line-color": "#8a8f94" } },
      { selector: "node.hover", style: { label: "data(label)", "z-index": 10 } },
    ],
    layout: {
      name: "cose",
      animate: false,
      randomize: false,
      nodeRepulsion: () => (phone ? 6000 : 9000),
      idealEdgeLength: () => (phone ? 40 : 60),
      numIter: 1500,
      padding: 16,
    },
  });
  cy.on("mouseover", "node", (event) => event.target.addClass("hover"));
  cy.on("mouseout", "node", (event) => event.target.removeClass("hover"));
  cy.on("tap", "node", (event) => {
    const href = event.target.data("href");
    if (href) window.location.assign(href);
  });
});
