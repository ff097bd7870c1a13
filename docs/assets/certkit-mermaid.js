/* Mermaid only where a diagram is.
   Material renders each diagram with the global `mermaid` (initialize, then render), and
   fetches mermaid@11 from unpkg.com when no such global exists. This small stand-in is that
   global on every page: it loads the site's own copy of Mermaid (3.5 MB, published beside this
   file by scripts/vendor.sh) the first time Material asks it to render, so a page without a
   diagram never downloads it, and no page asks a CDN for it (tests/site/test_site_browser.py). */
(function () {
  "use strict";
  if (typeof window.mermaid !== "undefined" && !(window.mermaid instanceof Element)) return;
  var src = document.currentScript.src.replace(/[^/]*$/, "vendor/mermaid/mermaid.min.js");
  var settings = {};
  var loading = null;
  function load() {
    loading = loading || new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = function () {
        window.mermaid.initialize(settings);
        resolve(window.mermaid);
      };
      script.onerror = function () {
        reject(new Error("could not load " + src));
      };
      document.head.appendChild(script);
    });
    return loading;
  }
  window.mermaid = {
    initialize: function (options) {
      settings = options;
    },
    render: function (id, text) {
      return load().then(function (real) {
        return real.render(id, text);
      });
    },
  };
})();
