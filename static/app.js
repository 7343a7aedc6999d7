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
