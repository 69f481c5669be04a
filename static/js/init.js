// Loaded as a module, so it runs only in browsers GOV.UK Frontend supports; kept in a
// file, not inline, so the Content-Security-Policy can forbid inline script.
import { initAll } from "../dist/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
// A form that changes something is sent once, however quickly its button is pressed
// twice (GOV.UK Frontend's Button ignores a second press within a second).
for (const button of document.querySelectorAll('form[method="post" i] [data-module="govuk-button"]')) {
  button.dataset.preventDoubleClick = "true";
}
initAll();
