// Small progressive enhancements; every page works without this file.
// Buttons and links with data-confirm ask before acting; data-back goes back in history.
document.addEventListener("click", (e) => {
  const el = e.target.closest("[data-confirm]");
  if (el && !window.confirm(el.getAttribute("data-confirm"))) {
    e.preventDefault();
  }
  const back = e.target.closest("[data-back]");
  if (back && window.history.length > 1) {
    e.preventDefault();
    window.history.back();
  }
});

// Report form: while the resident picks a category and a home, show open requests of the same kind at
// the same building (the server renders the fragment; without this script the list shows on reload).
const requestForm = document.getElementById("request-form");
if (requestForm && requestForm.dataset.similar) {
  const box = document.getElementById("similar");
  const refresh = () => {
    const cat = requestForm.querySelector("[name=category_id]");
    const home = requestForm.querySelector("[name=household_id]:checked");
    const place = requestForm.querySelector("[name=place_id]");
    const q = new URLSearchParams();
    if (cat && cat.value && home && home.value) {
      q.set("household_id", home.value);
    } else if (cat && cat.value && (!home || !home.value) && place && place.value) {
      q.set("place_id", place.value);
    } else {
      box.innerHTML = "";
      return;
    }
    q.set("category_id", cat.value);
    fetch(`${requestForm.dataset.similar}?${q}`, { credentials: "same-origin" })
      .then((r) => (r.ok ? r.text() : ""))
      .then((html) => {
        box.innerHTML = html;
      })
      .catch(() => {});
  };
  requestForm.addEventListener("change", (e) => {
    if (["category_id", "household_id", "place_id"].includes(e.target.name)) refresh();
  });
  refresh();
}
