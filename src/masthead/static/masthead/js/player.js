/* Masthead narration player: enhances the plain <audio controls> element.

   Play/pause, ±15 s, seek (arrow keys move 5 s), elapsed/total, speed, Media Session, a
   mini player that stays on screen while the article is read below the player, and
   read-along (readalong.js). The word timings are fetched only once the reader plays,
   seeks or listens from a paragraph: most readers of an article never press Play.

   While a narration is still being made (data-manifest: narration/parts.py), the audio
   is its live parts, one after the other, on one timeline; the manifest (parts and
   timings so far) is fetched on Play and polled until it says the audio is complete,
   then the player moves to the final file at the same place. A manifest that is gone
   (the run was interrupted) is followed no further. */
(function () {
  "use strict";

  var root = document.querySelector("[data-narration]");
  if (!root) return;
  var audio = root.querySelector("audio");
  var ui = root.querySelector(".player");
  var mini = root.querySelector(".mini-player");
  var toggles = root.querySelectorAll(".player-toggle");
  var mainToggle = ui.querySelector(".player-toggle");
  var seek = ui.querySelector(".player-seek");
  var speed = ui.querySelector(".player-speed");
  var elapsedEls = root.querySelectorAll(".player-elapsed");
  var totalEls = root.querySelectorAll(".player-total");
  var serverDuration = parseFloat(root.dataset.duration) || 0;
  var SEEK_KEYS = { ArrowLeft: -5, ArrowDown: -5, ArrowRight: 5, ArrowUp: 5, PageDown: -30, PageUp: 30 };
  var seeking = false;
  var started = false;
  var miniClosed = false;
  var playerInView = true;
  var timings = null;
  var headlineButton = null;
  var POLL_MS = 2000;
  var live = root.dataset.manifest ? { url: root.dataset.manifest, doc: null, index: 0, first: null,
    timer: null, failures: 0, waiting: false } : null;
  var liveStatus = root.querySelector(".narration-live");
  var starting = false;  // play() called, playback not begun yet

  // The same format and rounding as the server's `clock` filter (narration_tags.py).
  function clock(seconds) {
    var whole = isFinite(seconds) && seconds > 0 ? Math.floor(seconds) : 0;
    var h = Math.floor(whole / 3600), m = Math.floor((whole % 3600) / 60), s = whole % 60;
    var ss = (s < 10 ? "0" : "") + s;
    return h ? h + ":" + (m < 10 ? "0" : "") + m + ":" + ss : m + ":" + ss;
  }

  function spoken(seconds) {
    var whole = Math.floor(seconds || 0), m = Math.floor(whole / 60), s = whole % 60;
    var words = [];
    if (m) words.push(m + (m === 1 ? " minute" : " minutes"));
    if (s || !m) words.push(s + (s === 1 ? " second" : " seconds"));
    return words.join(" ");
  }

  function fileDuration() {
    return isFinite(audio.duration) && audio.duration > 0 ? audio.duration : 0;
  }

  function duration() {
    if (live) return live.doc ? live.doc.duration : fileDuration();
    return fileDuration() || serverDuration;
  }

  // The total the heading shows; the audio file's own length may differ by a few ms.
  function total() {
    if (live) return live.doc ? live.doc.duration : 0;  // not known before the manifest
    return serverDuration || duration();
  }

  // Where the reader is in the whole narration (in a live part: the part's start plus).
  function position() {
    var part = live && live.doc && live.doc.parts[live.index];
    return (part ? part.start : 0) + audio.currentTime;
  }

  function setText(elements, text) {
    for (var i = 0; i < elements.length; i++) elements[i].textContent = text;
  }

  function renderToggles(playing) {
    for (var i = 0; i < toggles.length; i++) {
      toggles[i].classList.toggle("playing", playing);
      toggles[i].setAttribute("aria-label", playing ? toggles[i].dataset.labelPause : toggles[i].dataset.labelPlay);
    }
  }

  function render() {
    renderToggles(!audio.paused && !audio.ended);
    renderHeadlineButton(!audio.paused && !audio.ended);
    var now = Math.min(position(), total());
    setText(totalEls, live && !total() ? "…" : clock(total()));
    if (seeking) return;
    setText(elapsedEls, clock(now));
    if (duration()) {
      seek.max = duration();
      seek.value = position();
      seek.setAttribute("aria-valuetext", spoken(now) + " of " + spoken(total()));
    }
  }

  // On a phone the player is below the first screen: a compact Listen/Pause button beside
  // the reading time starts it from there (the mini player then takes over).
  function setUpHeadlineButton() {
    var meta = document.querySelector(".article-header .article-meta");
    if (!meta) return null;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "headline-listen";
    button.innerHTML = '<span class="listen-icon" aria-hidden="true"></span><span class="headline-listen-text"></span>';
    button.addEventListener("click", function () {
      if (audio.paused) play(); else audio.pause();
    });
    meta.appendChild(button);
    return button;
  }

  function renderHeadlineButton(playing) {
    if (!headlineButton) return;
    headlineButton.classList.toggle("playing", playing);
    var length = total() ? " (" + clock(total()) + ")" : "";
    headlineButton.lastChild.textContent = playing ? "Pause" : "Listen" + length;
  }

  function renderMini() {
    mini.hidden = !(started && !miniClosed && !playerInView);
    document.body.classList.toggle("mini-player-open", !mini.hidden);
  }

  function loadTimings() {
    if (live) return follow();
    if (!timings) {
      var url = root.dataset.timings;
      timings = (url && window.fetch ? fetch(url, { credentials: "same-origin" }) : Promise.reject())
        .then(function (response) { return response.ok ? response.json() : null; })
        .catch(function () { return null; /* read-along is optional */ })
        .then(function (data) {
          if (data && window.MastheadReadAlong) window.MastheadReadAlong.load(data);
          return data;
        });
    }
    return timings;
  }

  function play() {
    loadTimings();
    starting = true;
    var promise = audio.play();
    var done = function () { starting = false; render(); };
    if (promise && promise.then) promise.then(done, done); else starting = false;
  }

  function seekTo(time) {
    loadTimings();
    var target = Math.max(0, Math.min(duration() || 0, time));
    if (live && live.doc) seekLive(target); else audio.currentTime = target;
    render();
  }

  // --- live parts (a narration still being made) ---------------------------------------

  function whenLoaded(then) {
    var done = function () { audio.removeEventListener("loadedmetadata", done); then(); };
    audio.addEventListener("loadedmetadata", done);
  }

  function setLiveStatus(text) {
    if (liveStatus) liveStatus.textContent = text;
  }

  function loadSource(src, offset, resume) {
    audio.src = src;
    whenLoaded(function () {
      audio.currentTime = offset;
      if (resume) play();
      render();
    });
  }

  function loadPart(index, offset, resume) {
    live.index = index;
    live.waiting = false;
    loadSource(live.doc.parts[index].src, offset, resume);
  }

  function partAt(time) {
    var parts = live.doc.parts;
    for (var i = parts.length - 1; i > 0; i--) if (parts[i].start <= time) return i;
    return 0;
  }

  function seekLive(time) {
    var index = partAt(time), start = live.doc.parts[index] ? live.doc.parts[index].start : 0;
    if (index === live.index) audio.currentTime = time - start;
    else loadPart(index, time - start, !audio.paused);
  }

  function switchToFinal(time, resume) {
    var doc = live.doc;
    clearInterval(live.timer);
    live = null;
    serverDuration = doc.duration;
    timings = Promise.resolve(doc);  // the manifest holds every timing by now
    root.dataset.timings = doc.timings;
    var length = root.querySelector(".narration-length");
    if (length) length.textContent = "· " + clock(doc.duration);
    if (liveStatus) liveStatus.hidden = true;
    loadSource(doc.audio, Math.min(time, doc.duration), resume);
  }

  // A part ended (or could not be loaded): the next one, the final file, or wait.
  function continueLive(resume) {
    var doc = live.doc;
    var end = doc && doc.parts[live.index] ? doc.parts[live.index].end : position();
    if (doc && doc.complete) return switchToFinal(end, resume);
    if (doc && live.index + 1 < doc.parts.length) return loadPart(live.index + 1, 0, resume);
    live.waiting = resume;
    if (live.failures < 3) setLiveStatus("Preparing the next part…");
  }

  function fetchManifest() {
    return fetch(live.url, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .catch(function () { return null; })
      .then(function (doc) {
        if (!live) return doc;
        if (!doc) return manifestMissing();
        live.doc = doc;
        live.failures = 0;
        if (window.MastheadReadAlong) window.MastheadReadAlong.load(doc);
        if (doc.complete) clearInterval(live.timer);
        if (live.waiting) continueLive(true);
        else if (doc.complete && audio.paused && !starting) switchToFinal(position(), false);
        render();
        return doc;
      });
  }

  // Gone three times in a row: the run was interrupted (its parts are withdrawn).
  function manifestMissing() {
    live.failures += 1;
    if (live.failures >= 3) {
      clearInterval(live.timer);
      setLiveStatus("The rest of this narration is not ready. Please come back later.");
    }
    return null;
  }

  function follow() {
    if (!live.first) {
      live.first = fetchManifest();
      live.timer = setInterval(fetchManifest, POLL_MS);
    }
    return live.first;
  }

  function playFrom(time) {
    seekTo(time);
    play();
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
      seekbackward: function () { seekTo(position() - 15); },
      seekforward: function () { seekTo(position() + 15); },
      seekto: function (details) { seekTo(details.seekTime); }
    };
    Object.keys(handlers).forEach(function (action) {
      try { navigator.mediaSession.setActionHandler(action, handlers[action]); } catch (e) { /* unsupported action */ }
    });
  }

  function setUpMini() {
    if (!("IntersectionObserver" in window)) return;
    new IntersectionObserver(function (entries) {
      playerInView = entries[entries.length - 1].isIntersecting;
      renderMini();
    }).observe(ui);
    mini.querySelector(".mini-close").addEventListener("click", function () {
      audio.pause();
      miniClosed = true;
      renderMini();
      mainToggle.focus({ preventScroll: true });  // focus must not vanish with the mini player
    });
  }

  Array.prototype.forEach.call(toggles, function (button) {
    button.addEventListener("click", function () {
      if (audio.paused) play(); else audio.pause();
    });
  });
  Array.prototype.forEach.call(ui.querySelectorAll("[data-skip]"), function (button) {
    button.addEventListener("click", function () {
      seekTo(position() + parseFloat(button.dataset.skip));
    });
  });
  seek.addEventListener("keydown", function (event) {
    var target = event.key === "Home" ? 0 : event.key === "End" ? duration() : null;
    if (target === null && !(event.key in SEEK_KEYS)) return;
    event.preventDefault();
    seekTo(target === null ? position() + SEEK_KEYS[event.key] : target);
  });
  seek.addEventListener("input", function () {
    seeking = true;
    setText(elapsedEls, clock(Math.min(parseFloat(seek.value), total())));
  });
  seek.addEventListener("change", function () {
    seeking = false;
    seekTo(parseFloat(seek.value));
  });
  speed.addEventListener("change", function () {
    // The default rate too: a new source (the next live part) would start at 1x.
    audio.defaultPlaybackRate = audio.playbackRate = parseFloat(speed.value);
  });
  audio.addEventListener("play", function () {
    loadTimings();  // also when playback starts from a headset or the lock screen
    started = true;
    miniClosed = false;
    renderMini();
  });
  ["play", "pause", "ended", "loadedmetadata", "durationchange", "timeupdate", "seeked"].forEach(function (name) {
    audio.addEventListener(name, render);
  });

  audio.addEventListener("ended", function () {
    if (live) continueLive(true);
  });
  audio.addEventListener("error", function () {
    if (live && live.first) fetchManifest().then(function () { if (live) continueLive(true); });
  });

  window.MastheadPlayer = { audio: audio, root: root, loadTimings: loadTimings, playFrom: playFrom,
    moveTo: seekTo, position: position };
  root.classList.add("enhanced");
  ui.hidden = false;
  headlineButton = setUpHeadlineButton();
  render();
  setUpMediaSession();
  setUpMini();
  if (window.MastheadReadAlong) window.MastheadReadAlong.attach(window.MastheadPlayer);
})();
