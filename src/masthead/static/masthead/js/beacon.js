/* Masthead view beacon: counts one view of an article page, without cookies.
 *
 * The article id comes from this script tag's data-article attribute (the page HTML
 * is the same for every reader, so it can be cached anywhere). The view is sent once,
 * when the page is first actually visible: a prerendered page waits until it is
 * activated, a page opened in a background tab until it is shown.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var article = parseInt(script.getAttribute("data-article"), 10);
  var endpoint = script.getAttribute("data-endpoint");
  if (!article || !endpoint) return;
  var sent = false;

  function send() {
    if (sent) return;
    sent = true;
    var body = JSON.stringify({ beacon: "masthead-view/1", article: article });
    var queued = false;
    if (navigator.sendBeacon) {
      try {
        queued = navigator.sendBeacon(endpoint, body);
      } catch (error) {
        queued = false;
      }
    }
    if (!queued && window.fetch) {
      fetch(endpoint, {
        method: "POST",
        body: body,
        keepalive: true,
        credentials: "omit",
        headers: { "Content-Type": "text/plain" },
      }).catch(function () {});
    }
  }

  function sendWhenVisible() {
    if (document.visibilityState === "visible") {
      send();
      return;
    }
    document.addEventListener("visibilitychange", function onChange() {
      if (document.visibilityState === "visible") {
        document.removeEventListener("visibilitychange", onChange);
        send();
      }
    });
  }

  if (document.prerendering) {
    document.addEventListener("prerenderingchange", sendWhenVisible, { once: true });
  } else {
    sendWhenVisible();
  }
})();
