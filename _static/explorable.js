// Explorable figures (xentdocs/explorable.py): every frame was computed by torch when the site was
// built and drawn in Python; here the slider only picks a frame and copies its attribute values
// and texts into the elements numbered data-xd. Nothing is computed.
(() => {
  "use strict";
  const setUp = (figure) => {
    const data = JSON.parse(figure.querySelector("script.xd-frames").textContent);
    const input = figure.querySelector("input[type=range]");
    const nodes = {};
    for (const node of figure.querySelectorAll("[data-xd]")) nodes[node.dataset.xd] = node;
    const show = (index) => {
      const frame = data.frames[index];
      data.slots.forEach(([number, name], k) => {
        if (name === "#text") nodes[number].textContent = frame[k];
        else nodes[number].setAttribute(name, frame[k]);
      });
    };
    input.addEventListener("input", () => show(Number(input.value)));
    input.disabled = false;
    show(Number(input.value)); // a browser may restore a moved slider on reload
  };
  const start = () => document.querySelectorAll("figure.xd-explorable").forEach(setUp);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
