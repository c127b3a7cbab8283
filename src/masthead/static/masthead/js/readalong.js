/* Masthead read-along, driven by the narration player (player.js, loaded after this file).

   - "Listen from here": a button at the start of every spoken block of the article (shown
     on hover and keyboard focus), plus a click anywhere on the block, plays from there.
   - The sentence being spoken is highlighted ("Highlight as it reads") and kept in view
     ("Scroll to follow the reading"); following pauses for a few seconds whenever the
     reader scrolls, and is instant rather than smooth under prefers-reduced-motion. */
(function () {
  "use strict";

  var SPOKEN_BLOCKS = ".body-paragraph, .body-pull_quote, .body-editors_note, .body-list";
  var READER_SCROLL_PAUSE_MS = 5000;
  var SCROLL_KEYS = ["ArrowUp", "ArrowDown", "PageUp", "PageDown", "Home", "End", " "];
  var canHighlight = typeof CSS !== "undefined" && CSS.highlights && typeof Highlight !== "undefined";
  var reducedMotion = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : { matches: true };
  var player = null;
  var segments = [];
  var current = -1;
  var highlightToggle, scrollToggle;
  var followPausedUntil = 0;
  var ourScrollUntil = 0;

  function elementFor(target) {
    if (target === "headline") return document.getElementById("article-headline");
    if (target === "byline") return document.querySelector(".article-header .byline");
    var index = target.replace("block-", "");
    return document.querySelector('.article-body [data-block="' + index + '"]');
  }

  // Find the sentence's text inside the element and return a DOM Range over it.
  // The page shows typographic quotes and dashes (news/typography.py); the timings hold
  // the text as typed. Both are compared folded: one character of the page for one of
  // the fold, so a match maps straight back to the page.
  function foldPage(text) {
    return text.replace(/[\u2018\u2019]/g, "'").replace(/[\u201c\u201d]/g, '"');
  }

  function foldTyped(text) {
    return foldPage(text).replace(/-{2,3}/g, "\u2014").replace(/\.\.\./g, "\u2026");
  }

  function rangeFor(element, text) {
    var walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        return node.parentNode.closest(".listen-here") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      }
    });
    var nodes = [];
    var full = "";
    var node;
    while ((node = walker.nextNode())) {
      nodes.push({ node: node, start: full.length });
      full += node.nodeValue;
    }
    full = foldPage(full);
    text = foldTyped(text);
    var at = full.indexOf(text);
    if (at < 0) {
      var squeezed = text.replace(/\s+/g, " ").trim().slice(0, 40);
      at = full.replace(/\s+/g, " ").indexOf(squeezed);
      if (at < 0) return null;
      text = squeezed;
    }
    var range = document.createRange();
    var end = at + text.length;
    for (var i = 0; i < nodes.length; i++) {
      var n = nodes[i];
      var nEnd = n.start + n.node.nodeValue.length;
      if (n.start <= at && at <= nEnd) range.setStart(n.node, at - n.start);
      if (n.start <= end && end <= nEnd) { range.setEnd(n.node, end - n.start); break; }
    }
    return range;
  }

  function clearHighlight() {
    if (canHighlight) CSS.highlights.delete("narration");
    var old = document.querySelector(".narration-current");
    if (old) old.classList.remove("narration-current");
  }

  function followScroll(box) {
    if (!scrollToggle.checked || Date.now() < followPausedUntil || player.audio.paused) return;
    var mini = player.root.querySelector(".mini-player");
    var bottomEdge = window.innerHeight - (mini && !mini.hidden ? mini.offsetHeight : 0);
    var margin = window.innerHeight * 0.1;
    if (box.top >= margin && box.bottom <= bottomEdge - margin) return;
    ourScrollUntil = Date.now() + 1500;
    window.scrollBy({ top: box.top - window.innerHeight * 0.3, behavior: reducedMotion.matches ? "auto" : "smooth" });
  }

  function show(index) {
    clearHighlight();
    if (index < 0) return;
    var segment = segments[index];
    var element = elementFor(segment.target);
    if (!element) return;
    var range = canHighlight ? rangeFor(element, segment.text) : null;
    if (highlightToggle.checked) {
      if (range) CSS.highlights.set("narration", new Highlight(range));
      else element.classList.add("narration-current");
    }
    followScroll((range || element).getBoundingClientRect());
  }

  function segmentAt(time) {
    for (var i = segments.length - 1; i >= 0; i--) {
      if (segments[i].start <= time + 0.05) return time <= segments[i].end + 0.6 ? i : -1;
    }
    return -1;
  }

  function update(force) {
    if (!segments.length) return;
    var index = segmentAt(player.position());
    if (index === current && !force) return;
    current = index;
    show(index);
  }

  // When the block itself is not spoken (an empty paragraph), start at the next one.
  function startOf(blockIndex) {
    for (var i = 0; i < segments.length; i++) {
      var match = /^block-(\d+)$/.exec(segments[i].target);
      if (match && parseInt(match[1], 10) >= blockIndex) return segments[i].start;
    }
    return null;
  }

  function listenFrom(blockIndex) {
    var audio = player.audio;
    if (segments.length) {
      var start = startOf(blockIndex);
      player.playFrom(start === null ? player.position() : start);
      return;
    }
    // First use: start (muted) inside the click, which browsers require, then jump once
    // the timings have arrived.
    audio.muted = true;
    player.playFrom(player.position());
    player.loadTimings().then(function () {
      var first = startOf(blockIndex);
      if (first !== null) player.moveTo(first);
      audio.muted = false;
    });
  }

  function firstWords(element) {
    var words = element.textContent.replace(/\s+/g, " ").trim().split(" ");
    return words.slice(0, 6).join(" ") + (words.length > 6 ? "…" : "");
  }

  function addListenButton(element) {
    var index = parseInt(element.dataset.block, 10);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "listen-here";
    button.setAttribute("aria-label", "Listen from here: " + firstWords(element));
    button.innerHTML = '<span class="listen-icon" aria-hidden="true"></span><span class="listen-text">Listen from here</span>';
    button.addEventListener("click", function () { listenFrom(index); });
    element.classList.add("speakable");
    element.insertBefore(button, element.firstChild);
    element.addEventListener("click", function (event) {
      if (event.target.closest("a, button")) return;  // links keep working
      var selection = window.getSelection();
      if (selection && !selection.isCollapsed) return;  // selecting text does not jump
      listenFrom(index);
    });
  }

  function readerScrolled() {
    followPausedUntil = Date.now() + READER_SCROLL_PAUSE_MS;
  }

  function watchReaderScrolling() {
    window.addEventListener("wheel", readerScrolled, { passive: true });
    window.addEventListener("touchmove", readerScrolled, { passive: true });
    window.addEventListener("keydown", function (event) {
      if (SCROLL_KEYS.indexOf(event.key) >= 0 && !event.target.closest("input, select, textarea, button")) readerScrolled();
    });
    // Scrollbar drags and anything else that scrolls, except the page's own following.
    window.addEventListener("scroll", function () { if (Date.now() > ourScrollUntil) readerScrolled(); }, { passive: true });
    window.addEventListener("scrollend", function () { ourScrollUntil = 0; });
  }

  window.MastheadReadAlong = {
    attach: function (mastheadPlayer) {
      player = mastheadPlayer;
      highlightToggle = player.root.querySelector(".player-highlight-toggle");
      scrollToggle = player.root.querySelector(".player-scroll-toggle");
      document.body.classList.add("narration-ready");
      Array.prototype.forEach.call(document.querySelectorAll(".article-body [data-block]"), function (element) {
        if (element.matches(SPOKEN_BLOCKS) && element.textContent.trim()) addListenButton(element);
      });
      highlightToggle.addEventListener("change", function () { update(true); });
      scrollToggle.addEventListener("change", function () { if (scrollToggle.checked) followPausedUntil = 0; update(true); });
      player.audio.addEventListener("timeupdate", function () { update(false); });
      player.audio.addEventListener("seeked", function () { update(false); });
      player.audio.addEventListener("ended", function () { current = -1; clearHighlight(); });
      watchReaderScrolling();
    },
    load: function (data) {
      segments = data.segments || [];
      current = -2;
      update(false);
    }
  };
})();
