// Klinik Inovasi: progressive enhancements only; every page works without this file.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var message = form.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
}, true);

// Searchable pickers. A <select data-picker> becomes a Tom Select (static/vendor/tom-select/):
// type to search, pick with the keyboard or a tap. Without JavaScript, or without the library,
// the plain select works as before and the server checks every choice.
//
// data-picker-narrow="ID" narrows the options to those that belong to the choice made in the
// select #ID: an option with data-narrow-value="X" stays only while #ID's value is X (options
// with no such attribute, like "none", always stay). The choices come from the server, already
// limited to what the user may see; narrowing only shortens the list.
(function () {
  var texts = document.body ? document.body.dataset : {};

  function enhance(select) {
    if (typeof window.TomSelect === "undefined" || select.tomselect) {
      return;
    }
    var multiple = select.multiple;
    var picker = new window.TomSelect(select, {
      maxOptions: null,
      allowEmptyOption: !multiple,
      plugins: multiple ? ["remove_button"] : [],
      searchField: ["text", "optgroup"],
      render: {
        no_results: function () {
          var div = document.createElement("div");
          div.className = "no-results";
          div.textContent = texts.pickerNoResults || "—";
          return div;
        }
      }
    });
    // Tom Select points the label at its own input; the select (still what the form sends,
    // and still in the accessibility tree) keeps its name through aria-labelledby.
    var label = document.querySelector('label[for="' + picker.control_input.id + '"]');
    if (label) {
      label.id = label.id || select.id + "-label";
      select.setAttribute("aria-labelledby", label.id);
    }
  }

  function narrow(select, all) {
    var source = document.getElementById(select.getAttribute("data-picker-narrow"));
    if (!source) {
      return;
    }
    var key = source.value;
    var chosen = Array.prototype.filter.call(select.options, function (o) { return o.selected; })
      .map(function (o) { return o.value; });
    if (select.tomselect) {
      select.tomselect.destroy();
    }
    while (select.firstChild) {
      select.removeChild(select.firstChild);
    }
    all.forEach(function (node) {
      var copy = node.cloneNode(true);
      if (copy.tagName === "OPTGROUP") {
        Array.prototype.slice.call(copy.children).forEach(function (option) {
          if (!keeps(option, key)) { copy.removeChild(option); }
        });
        if (!copy.children.length) { return; }
      } else if (!keeps(copy, key)) {
        return;
      }
      select.appendChild(copy);
    });
    Array.prototype.forEach.call(select.options, function (o) {
      o.selected = chosen.indexOf(o.value) !== -1;
    });
    if (select.hasAttribute("data-picker")) {
      enhance(select);
    }
  }

  function keeps(option, key) {
    var value = option.getAttribute("data-narrow-value");
    return value === null || !key || value === key;
  }

  function setUp(root) {
    Array.prototype.forEach.call(root.querySelectorAll("select[data-picker-narrow]"), function (select) {
      var all = Array.prototype.map.call(select.children, function (n) { return n.cloneNode(true); });
      var source = document.getElementById(select.getAttribute("data-picker-narrow"));
      if (source) {
        source.addEventListener("change", function () { narrow(select, all); });
        narrow(select, all);
      }
    });
    Array.prototype.forEach.call(root.querySelectorAll("select[data-picker]"), enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  } else {
    setUp(document);
  }
})();

// Folded sections. <details class="fold" data-open-wide> is closed on a phone, so the page
// leads with what its reader came for, and opened on a wider screen (768 px and more), where
// there is room. Without JavaScript every fold stays closed and opens with one tap.
(function () {
  function unfold() {
    if (!window.matchMedia || !window.matchMedia("(min-width: 768px)").matches) {
      return;
    }
    Array.prototype.forEach.call(document.querySelectorAll("details[data-open-wide]"), function (d) {
      d.open = true;
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", unfold);
  } else {
    unfold();
  }
})();
