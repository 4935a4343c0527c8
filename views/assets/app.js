// SecureMailbox: small enhancements. Every page works without this file; it only wires up
// controls marked with data attributes, which stay hidden until it runs.
//   data-print                 a button that opens the print dialog
//   data-copy-target="ID"      a button that copies the text of element ID
//   data-copy-text="TEXT"      a button that copies TEXT
//   data-copied-label="…"      what such a button says for a moment after copying
//   data-reveal-for="ID"       a checkbox that shows the password in input ID as text
//   data-copy-status           a role="status" element that announces a copy
(function () {
  "use strict";

  function show(el) {
    el.hidden = false;
    var wrap = el.closest("[data-reveal-wrap]");
    if (wrap) {
      wrap.hidden = false;
    }
  }

  function announce(text) {
    var status = document.querySelector("[data-copy-status]");
    if (status) {
      status.textContent = "";
      window.setTimeout(function () {
        status.textContent = text;
      }, 50);
    }
  }

  function copyText(button) {
    if (button.hasAttribute("data-copy-text")) {
      return button.getAttribute("data-copy-text");
    }
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (!target) {
      return "";
    }
    var codes = target.querySelectorAll("code");
    if (codes.length > 0) {
      return Array.prototype.map.call(codes, function (c) {
        return c.textContent.trim();
      }).join("\n");
    }
    return target.textContent.trim();
  }

  function init() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      if (typeof window.print !== "function") {
        return;
      }
      show(button);
      button.addEventListener("click", function () {
        window.print();
      });
    });

    if (navigator.clipboard && window.isSecureContext) {
      document.querySelectorAll("[data-copy-target], [data-copy-text]").forEach(function (button) {
        show(button);
        var label = button.textContent;
        button.addEventListener("click", function () {
          navigator.clipboard.writeText(copyText(button)).then(function () {
            var copied = button.getAttribute("data-copied-label") || label;
            button.textContent = copied;
            announce(copied);
            window.setTimeout(function () {
              button.textContent = label;
            }, 2500);
          });
        });
      });
    }

    document.querySelectorAll("[data-reveal-for]").forEach(function (box) {
      var input = document.getElementById(box.getAttribute("data-reveal-for"));
      if (!input) {
        return;
      }
      show(box);
      box.checked = false;
      box.addEventListener("change", function () {
        input.type = box.checked ? "text" : "password";
      });
      // Never submit a password as a visible text field that a browser might remember.
      if (input.form) {
        input.form.addEventListener("submit", function () {
          input.type = "password";
        });
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
