// xentdocs: each box of a page that scrolls sideways at the reader's window width (a wide table,
// formula, code block or output, mostly on a phone) can be reached with the keyboard and has a
// name, so a keyboard or screen-reader user can find it and scroll it. pydata-sphinx-theme makes
// some overflowing code blocks, outputs and tables focusable; this does it for every box that
// scrolls sideways (formulas too) and names each a region after what it holds. It runs again when
// the window resizes and once MathJax has typeset the page (a formula's width is known only then).
// Added by _ext/accessible_names.py.
(() => {
  "use strict";
  // What a box holds, named by the nearest of these around it (or on it).
  const KINDS = [
    [".math, mjx-container", "Formula"],
    ["table, .pst-scrollable-table-container", "Table"],
    [".cell_output, .sphx-glr-script-out", "Output"],
    ["pre, .highlight", "Code"],
  ];
  const MARK = "data-xentdocs-scroll-region";

  const nameOf = (box) => {
    const table = box.matches("table") ? box : box.querySelector("table");
    const caption = table && table.querySelector("caption");
    const title = caption && caption.textContent.trim().replace(/\s+/g, " ");
    if (title) return `Table: ${title}, scrolls sideways`;
    const kind = KINDS.find(([selector]) => box.closest(selector) || box.querySelector(selector));
    return `${kind ? kind[1] : "Wide content"}, scrolls sideways`;
  };

  // Every box of the page's content that scrolls sideways now: its overflow is auto or scroll,
  // and what it holds is wider than it is.
  const update = () => {
    const main = document.getElementById("main-content") || document.body;
    for (const box of main.querySelectorAll("*")) {
      const overflow = getComputedStyle(box).overflowX;
      const scrolls =
        (overflow === "auto" || overflow === "scroll") && box.scrollWidth > box.clientWidth;
      const ours = box.hasAttribute(MARK);
      if (scrolls && !ours && !box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
        box.setAttribute(MARK, "");
        if (!box.hasAttribute("role")) box.setAttribute("role", "region");
        box.setAttribute("aria-label", nameOf(box));
        if (box.tabIndex < 0) box.tabIndex = 0;
      } else if (scrolls && box.tabIndex < 0) {
        box.tabIndex = 0;
      } else if (!scrolls && ours) {
        box.removeAttribute(MARK);
        if (box.getAttribute("role") === "region") box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    }
  };

  let timer = null;
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(update, 350); // after the theme's own tab-stop update (300 ms)
  };
  const afterMath = () => {
    update();
    const typeset = window.MathJax && MathJax.startup && MathJax.startup.promise;
    if (typeset) typeset.then(update);
  };
  const start = () => {
    update();
    window.addEventListener("resize", later);
    if (document.readyState === "complete") afterMath();
    else window.addEventListener("load", afterMath);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
