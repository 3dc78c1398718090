/* Draw the book's hands-on activities (dl_workshop.interactive.to_html) with Vega-Embed.
 *
 * Each activity is a hidden <div class="vega-activity"> holding its Vega-Lite spec as
 * JSON. Once drawn it is shown, and notes that say the activity needs a live notebook
 * (class "live-notebook-only") are hidden, since it now works on this page. */
(function () {
  "use strict";

  function draw(box) {
    const spec = JSON.parse(box.querySelector("script.vega-activity-spec").textContent);
    const target = box.querySelector(".vega-activity-chart");
    return vegaEmbed(target, spec, { actions: false, renderer: "svg" }).then(function (result) {
      box.hidden = false;
      box.classList.add("vega-activity-ready");
      box.vegaView = result.view;
      return result;
    });
  }

  function start() {
    if (typeof vegaEmbed !== "function") return;
    const boxes = Array.from(document.querySelectorAll(".vega-activity"));
    Promise.all(boxes.map(draw)).then(function () {
      if (!boxes.length) return;
      document.querySelectorAll(".live-notebook-only").forEach(function (note) {
        note.hidden = true;
      });
    }, function (error) {
      console.error("An activity could not be drawn:", error);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
