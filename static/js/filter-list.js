// Filters a table's rows as one types (input[data-filter-list="TABLE_ID"]); the server's ?q=
// search works without this file.
(function () {
  document.querySelectorAll("input[data-filter-list]").forEach(function (input) {
    var table = document.getElementById(input.getAttribute("data-filter-list"));
    if (!table) { return; }
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().trim();
      table.querySelectorAll("tbody tr").forEach(function (row) {
        row.hidden = words !== "" && row.textContent.toLowerCase().indexOf(words) === -1;
      });
    });
  });
})();
