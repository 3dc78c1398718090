/* Keyboard access to every box that scrolls (book/_ext/readable; axe's rule
   scrollable-region-focusable).

   A code block, an output, a figure, an equation, a table or an activity wider than the
   column scrolls sideways in its own box, and a keyboard reader can scroll it only if the
   box is a tab stop. The theme makes code blocks, outputs and tables tab stops at load, on
   a window resize (300 ms after the last one) and when the main content gains or loses
   elements. Boxes change size at other times too: the sidebar slides in for 250 ms after a
   resize, and the theme may measure half-way; a reader hides or shows a sidebar; MathJax
   typesets after load. Here each box is watched for changes of its own size, and it is a
   tab stop exactly while it overflows. */
(() => {
  const SCROLL_BOXES = [
    // The theme's own: code blocks, notebook outputs, widgets, tables.
    "pre",
    ".cell_output > .output",
    ".jp-RenderedHTMLCommon",
    ".pst-scrollable-table-container",
    // The boxes readable.css makes scroll.
    "figure",
    "div.cell_output",
    "div.math",
    "mjx-container",
    "table.table",
    "dl.py > dt.sig",
    // A hands-on activity's chart (book/_ext/vega_activities).
    ".vega-activity",
  ].join(", ");

  // A box scrolls when its overflow is auto or scroll and its content is larger than it.
  const overflows = (box) => {
    const style = getComputedStyle(box);
    const scrolls = (overflow) => overflow === "auto" || overflow === "scroll";
    return (scrolls(style.overflowX) && box.scrollWidth > box.clientWidth)
      || (scrolls(style.overflowY) && box.scrollHeight > box.clientHeight);
  };

  const update = (box) => {
    if (overflows(box)) {
      box.tabIndex = 0;
    } else if (box.tabIndex === 0) {
      box.tabIndex = -1; // as the theme leaves a box that fits
    }
  };

  const watch = () => {
    const content = document.getElementById("main-content") || document.body;
    const sizes = new ResizeObserver((entries) => entries.forEach((e) => update(e.target)));
    const watched = new WeakSet();
    const checkAll = () => {
      content.querySelectorAll(SCROLL_BOXES).forEach((box) => {
        if (watched.has(box)) {
          update(box); // its content may have grown wider while the box kept its size
        } else {
          watched.add(box);
          sizes.observe(box); // reports the box's size at once, then each change
        }
      });
    };
    checkAll();
    // Boxes added later (typeset math, a drawn activity) are watched, and content that
    // changed is measured again, from the next frame on.
    let pending = false;
    new MutationObserver(() => {
      if (!pending) {
        pending = true;
        requestAnimationFrame(() => {
          pending = false;
          checkAll();
        });
      }
    }).observe(content, { subtree: true, childList: true });
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watch);
  } else {
    watch();
  }
})();
