// Lodestar's small behaviours. No inline scripts: everything is wired by data attributes.
document.addEventListener("change", (event) => {
  const toggle = event.target.closest("[data-select-all]");
  if (!toggle) return;
  const form = toggle.closest("form");
  form.querySelectorAll(`input[name="${toggle.dataset.selectAll}"]`).forEach((box) => {
    box.checked = toggle.checked;
  });
});
