(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  var findings = Array.prototype.slice.call(document.querySelectorAll("[data-finding]"));
  var files = Array.prototype.slice.call(document.querySelectorAll("[data-file]"));
  var shown = document.getElementById("shown-count");
  var none = document.getElementById("none-shown");

  function checked(group) {
    var values = {};
    var boxes = form.querySelectorAll('input[name="' + group + '"]');
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].checked) { values[boxes[i].value] = true; }
    }
    return values;
  }

  function apply() {
    var severity = checked("severity"), family = checked("family"), code = checked("code");
    var count = 0;
    findings.forEach(function (item) {
      var visible = severity[item.dataset.severity] && family[item.dataset.family] && code[item.dataset.code];
      item.hidden = !visible;
      if (visible) { count += 1; }
    });
    files.forEach(function (file) {
      var any = file.querySelector("[data-finding]:not([hidden])") !== null;
      file.hidden = !any;
      var link = document.querySelector('[data-file-link="' + file.id + '"]');
      if (link) { link.hidden = !any; }
    });
    shown.textContent = String(count);
    none.hidden = count !== 0;
  }

  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  // "reset" fires before the boxes are reset: apply once they are.
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  form.hidden = false;
  document.getElementById("no-filters").hidden = true;
  apply();
}());
