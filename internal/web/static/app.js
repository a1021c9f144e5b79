// peerpath's small progressive enhancements. Every page works without this
// file; it only adds conveniences. No inline scripts: the Content Security
// Policy forbids them.
(function () {
  "use strict";

  // Forms with data-confirm ask before they are sent (deactivating a user,
  // revoking a token, discarding a draft).
  document.addEventListener("submit", function (e) {
    var msg = e.target.getAttribute && e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) {
      e.preventDefault();
    }
  });

  // Buttons with data-copy copy the text of the element they name.
  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("[data-copy]");
    if (!btn || !navigator.clipboard) return;
    var el = document.getElementById(btn.getAttribute("data-copy"));
    if (!el) return;
    navigator.clipboard.writeText(el.value || el.textContent.trim()).then(function () {
      var status = btn.parentNode.querySelector("[data-copy-status]");
      if (status) status.textContent = "Copied.";
    });
  });

  // Group attendance: "Everyone present" marks every member not marked yet
  // as present, in one tap, without a round trip (the button also works
  // without JavaScript: the server marks them and shows the form again).
  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("[data-mark-all]");
    if (!btn || !btn.form) return;
    e.preventDefault();
    var value = btn.getAttribute("data-mark-all");
    var n = 0;
    btn.form.querySelectorAll("fieldset.mark[data-member]").forEach(function (fs) {
      if (fs.querySelector("input[type=radio]:checked")) return;
      var r = fs.querySelector('input[type=radio][value="' + value + '"]');
      if (r) { r.checked = true; n++; }
    });
    var status = btn.form.querySelector("[data-mark-all-status]");
    if (status) {
      status.hidden = false;
      status.textContent = n === 0 ? "Every member was already marked." :
        (n === 1 ? "1 member is" : n + " members are") + " marked present. Change anyone who was late, excused or absent, then save. Nothing is saved yet.";
    }
  });

  // Learning: keys on the classroom projector view (F full screen, + and -
  // text size) and in the flashcard review (space shows the answer, 1 to 4
  // rate it). Every one of these has a button or link too.
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
    var proj = document.querySelector("[data-projector]");
    if (proj) {
      if (e.key === "f" || e.key === "F") {
        e.preventDefault();
        if (document.fullscreenElement) document.exitFullscreen();
        else if (proj.requestFullscreen) proj.requestFullscreen();
      } else if (e.key === "+" || e.key === "=" || e.key === "-" || e.key === "\u2212") {
        e.preventDefault();
        var s = parseInt(proj.getAttribute("data-scale") || "2", 10) + (e.key === "+" || e.key === "=" ? 1 : -1);
        proj.setAttribute("data-scale", String(Math.max(1, Math.min(5, s))));
      }
      return;
    }
    var show = document.querySelector("[data-show-answer]");
    if (show && e.key === " " && (t === document.body || t === show || t.id === "main")) {
      e.preventDefault();
      show.click();
      return;
    }
    var rating = document.querySelector("[data-rating-keys]");
    if (rating && /^[1-4]$/.test(e.key)) {
      var b = rating.querySelector('[data-key="' + e.key + '"]');
      if (b) { e.preventDefault(); b.click(); }
    }
  });

  // On a phone the main navigation folds behind a Menu button; without
  // JavaScript it simply shows in full.
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector(".nav-toggle");
    if (!toggle) return;
    document.documentElement.classList.add("js");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      toggle.parentNode.classList.toggle("open", open);
    });
  });

  // A drawn signature (Part 2 consent): the pad is shown once JavaScript
  // runs; what is drawn goes into the hidden signature_image field as a
  // PNG. Without JavaScript the person types their name or signs on paper.
  document.addEventListener("DOMContentLoaded", function () {
    var pad = document.querySelector("[data-signature-pad]");
    if (!pad) return;
    var canvas = pad.querySelector("canvas");
    var field = document.getElementById(pad.getAttribute("data-signature-pad"));
    var ctx = canvas.getContext("2d");
    var drawing = false, drawn = false;
    pad.hidden = false;
    ctx.lineWidth = 2.5; ctx.lineCap = "round"; ctx.strokeStyle = "#111";
    function at(e) {
      var r = canvas.getBoundingClientRect();
      return { x: (e.clientX - r.left) * canvas.width / r.width, y: (e.clientY - r.top) * canvas.height / r.height };
    }
    canvas.addEventListener("pointerdown", function (e) {
      drawing = true; var p = at(e); ctx.beginPath(); ctx.moveTo(p.x, p.y); canvas.setPointerCapture(e.pointerId);
    });
    canvas.addEventListener("pointermove", function (e) {
      if (!drawing) return; var p = at(e); ctx.lineTo(p.x, p.y); ctx.stroke(); drawn = true;
    });
    canvas.addEventListener("pointerup", function () {
      drawing = false;
      if (drawn) field.value = canvas.toDataURL("image/png");
    });
    pad.querySelector("button").addEventListener("click", function () {
      ctx.clearRect(0, 0, canvas.width, canvas.height); drawn = false; field.value = "";
    });
  });

  // Move focus to an error summary so screen-reader users hear it first.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector(".error-summary");
    if (summary) summary.focus();
    document.querySelectorAll("[data-copy]").forEach(function (b) { b.hidden = !navigator.clipboard; });
  });

  // An element with data-poll (an import running) is fetched again every
  // few milliseconds given, in place; when the page no longer has it (the
  // import ended), the page is loaded again to show what it did.
  var poll = document.querySelector("[data-poll]");
  if (poll && window.fetch && window.DOMParser) {
    var every = parseInt(poll.getAttribute("data-poll"), 10) || 2000;
    var tick = function () {
      fetch(location.href, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var next = doc.getElementById(poll.id);
        if (next && next.hasAttribute("data-poll")) {
          poll.innerHTML = next.innerHTML;
          setTimeout(tick, every);
        } else {
          location.reload();
        }
      }).catch(function () { setTimeout(tick, every * 2); });
    };
    setTimeout(tick, every);
  }
})();
