/* Masthead narration player: enhances the plain <audio controls> element.
   Play/pause, seek, elapsed/total, speed, Media Session, and read-along: the sentence
   being spoken is highlighted in the article; clicking a paragraph plays from there. */
(function () {
  "use strict";

  var root = document.querySelector("[data-narration]");
  if (!root) return;
  var audio = root.querySelector("audio");
  var ui = root.querySelector(".player");
  var toggle = ui.querySelector(".player-toggle");
  var seek = ui.querySelector(".player-seek");
  var speed = ui.querySelector(".player-speed");
  var follow = ui.querySelector(".player-follow-toggle");
  var elapsedEl = ui.querySelector(".player-elapsed");
  var totalEl = ui.querySelector(".player-total");
  var segments = [];
  var current = -1;
  var seeking = false;
  var canHighlight = typeof CSS !== "undefined" && CSS.highlights && typeof Highlight !== "undefined";

  function clock(seconds) {
    if (!isFinite(seconds)) seconds = 0;
    var m = Math.floor(seconds / 60);
    var s = Math.floor(seconds % 60);
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function duration() {
    return isFinite(audio.duration) ? audio.duration : 0;
  }

  function render() {
    var playing = !audio.paused && !audio.ended;
    toggle.classList.toggle("playing", playing);
    toggle.setAttribute("aria-label", playing ? toggle.dataset.labelPause : toggle.dataset.labelPlay);
    elapsedEl.textContent = clock(audio.currentTime);
    totalEl.textContent = clock(duration());
    if (!seeking && duration()) {
      seek.value = (audio.currentTime / duration()) * 100;
      seek.setAttribute("aria-valuetext", clock(audio.currentTime) + " of " + clock(duration()));
    }
  }

  function elementFor(target) {
    if (target === "headline") return document.getElementById("article-headline");
    if (target === "byline") return document.querySelector(".article-header .byline");
    var index = target.replace("block-", "");
    return document.querySelector('.article-body [data-block="' + index + '"]');
  }

  // Find the sentence's text inside the element and return a DOM Range over it.
  function rangeFor(element, text) {
    var walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    var nodes = [];
    var full = "";
    var node;
    while ((node = walker.nextNode())) {
      nodes.push({ node: node, start: full.length });
      full += node.nodeValue;
    }
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

  function highlight(index) {
    if (index === current) return;
    current = index;
    clearHighlight();
    if (index < 0 || !follow.checked) return;
    var segment = segments[index];
    var element = elementFor(segment.target);
    if (!element) return;
    var range = canHighlight ? rangeFor(element, segment.text) : null;
    if (range) CSS.highlights.set("narration", new Highlight(range));
    else element.classList.add("narration-current");
  }

  function segmentAt(time) {
    for (var i = segments.length - 1; i >= 0; i--) {
      if (segments[i].start <= time + 0.05) return time <= segments[i].end + 0.6 ? i : -1;
    }
    return -1;
  }

  function play() {
    var promise = audio.play();
    if (promise && promise.catch) promise.catch(function () { render(); });
  }

  function playFrom(time) {
    audio.currentTime = time;
    play();
  }

  function setUpReadAlong(data) {
    segments = data.segments || [];
    document.body.classList.add("narration-ready");
    var firstByTarget = {};
    segments.forEach(function (segment) {
      if (!(segment.target in firstByTarget)) firstByTarget[segment.target] = segment.start;
    });
    Object.keys(firstByTarget).forEach(function (target) {
      var element = elementFor(target);
      if (!element || target.indexOf("block-") !== 0) return;
      element.classList.add("speakable");
      element.title = "Click to listen from here";
      element.addEventListener("click", function (event) {
        if (event.target.closest("a")) return;  // links keep working
        playFrom(firstByTarget[target]);
      });
    });
  }

  function setUpMediaSession() {
    if (!("mediaSession" in navigator)) return;
    var hero = document.querySelector(".hero img");
    navigator.mediaSession.metadata = new MediaMetadata({
      title: root.dataset.title,
      artist: root.dataset.artist,
      artwork: hero ? [{ src: hero.currentSrc || hero.src }] : []
    });
    var handlers = {
      play: play,
      pause: function () { audio.pause(); },
      seekbackward: function () { audio.currentTime = Math.max(0, audio.currentTime - 15); },
      seekforward: function () { audio.currentTime = Math.min(duration(), audio.currentTime + 15); },
      seekto: function (details) { audio.currentTime = details.seekTime; }
    };
    Object.keys(handlers).forEach(function (action) {
      try { navigator.mediaSession.setActionHandler(action, handlers[action]); } catch (e) { /* unsupported action */ }
    });
  }

  toggle.addEventListener("click", function () {
    if (audio.paused) play(); else audio.pause();
  });
  seek.addEventListener("input", function () {
    seeking = true;
    elapsedEl.textContent = clock((seek.value / 100) * duration());
  });
  seek.addEventListener("change", function () {
    seeking = false;
    audio.currentTime = (seek.value / 100) * duration();
  });
  speed.addEventListener("change", function () {
    audio.playbackRate = parseFloat(speed.value);
  });
  follow.addEventListener("change", function () {
    current = -2;
    highlight(segmentAt(audio.currentTime));
  });
  ["play", "pause", "ended", "loadedmetadata", "durationchange"].forEach(function (name) {
    audio.addEventListener(name, render);
  });
  audio.addEventListener("timeupdate", function () {
    render();
    if (segments.length) highlight(segmentAt(audio.currentTime));
  });
  audio.addEventListener("ended", function () { highlight(-1); });

  root.classList.add("enhanced");
  ui.hidden = false;
  render();
  setUpMediaSession();
  if (root.dataset.timings && window.fetch) {
    fetch(root.dataset.timings, { credentials: "omit" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) setUpReadAlong(data); })
      .catch(function () { /* read-along is optional */ });
  }
})();
