// Small progressive enhancements; every page works without them.
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target.matches("select[data-autosubmit]")) {
    target.form.submit();
  }
  if (target.matches("input[data-select-all]")) {
    document.querySelectorAll(target.dataset.selectAll).forEach((box) => {
      box.checked = target.checked;
    });
  }
});
