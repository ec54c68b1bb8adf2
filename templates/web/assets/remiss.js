// Moves focus to a refused form's error summary, so that a screen reader reads it first.
// The pages work without it.
document.addEventListener('DOMContentLoaded', function () {
  var summary = document.getElementById('error-summary');
  if (summary) summary.focus();
});
