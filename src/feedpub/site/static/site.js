// feedpub's page behaviour; every page works without it.
(function () {
  "use strict";
  var player = document.getElementById("player");
  // Chapters and transcript times: seek the page's player instead of opening the file.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-seek]") : null;
    if (!link || !player) { return; }
    var t = parseFloat(link.getAttribute("data-seek"));
    if (isNaN(t)) { return; }
    event.preventDefault();
    player.currentTime = t;
    var playing = player.play();
    if (playing && playing.catch) { playing.catch(function () {}); }
  });
  // The feed URL's copy button (hidden until this script runs).
  Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) { return; }
    button.hidden = false;
    var label = button.textContent;
    button.addEventListener("click", function () {
      field.select();
      var done = function () {
        button.textContent = button.getAttribute("data-copied") || label;
        setTimeout(function () { button.textContent = label; }, 2000);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () {});
      } else {
        try { document.execCommand("copy"); done(); } catch (e) { /* selected: copy by hand */ }
      }
    });
  });
  // Search: Pagefind's own UI, loaded from this site only when a search box is on the page.
  var box = document.getElementById("search");
  if (box && box.getAttribute("data-pagefind-ui")) {
    var script = document.createElement("script");
    script.src = box.getAttribute("data-pagefind-ui");
    script.onload = function () {
      if (window.PagefindUI) {
        var bundle = script.src.replace(/pagefind-ui\.js$/, "");
        new window.PagefindUI({ element: "#search", bundlePath: bundle, showSubResults: true,
                                showImages: false });
        // Pagefind's input has only a title: name it by the section's visible heading.
        var label = function () {
          var input = box.querySelector("input");
          if (input) { input.setAttribute("aria-labelledby", "search-title"); }
          return input;
        };
        if (!label()) { setTimeout(label, 100); }
      }
    };
    document.head.appendChild(script);
  }
})();
