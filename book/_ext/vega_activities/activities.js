/* Draw the book's hands-on activities (dl_workshop.interactive.to_html) with Vega-Embed.
 *
 * Each activity is a hidden <div class="vega-activity"> holding its Vega-Lite spec as
 * JSON. Once drawn it is shown, and notes saying that the activity needs a live
 * notebook (class "live-notebook-only") are hidden, since it now works on this page.
 * The texts the chart prints (a loss, counts) are repeated in a polite live region,
 * so a screen reader announces them when a slider moves. */
(function () {
  "use strict";

  function announce(box, target, view, spec) {
    const live = document.createElement("p");
    live.className = "vega-activity-live";
    live.setAttribute("aria-live", "polite");
    box.appendChild(live);
    const update = function () {
      const lines = [];
      target.querySelectorAll(".role-mark text").forEach(function (text) {
        const spans = text.querySelectorAll("tspan");
        (spans.length ? Array.from(spans) : [text]).forEach(function (line) {
          if (line.textContent.trim()) lines.push(line.textContent.trim());
        });
      });
      live.textContent = lines.join(". ");
    };
    // After each change of a slider, once the chart has redrawn.
    (spec.params || []).filter((p) => p.bind).forEach(function (param) {
      view.addSignalListener(param.name, function () {
        view.runAsync().then(update);
      });
    });
    update();
  }

  function draw(box) {
    const spec = JSON.parse(box.querySelector("script.vega-activity-spec").textContent);
    const target = box.querySelector(".vega-activity-chart");
    return vegaEmbed(target, spec, { actions: false, renderer: "svg" }).then(function (result) {
      box.hidden = false;
      box.vegaView = result.view;
      announce(box, target, result.view, spec);
      box.classList.add("vega-activity-ready");
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
