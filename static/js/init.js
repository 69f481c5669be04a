// Loaded as a module, so it runs only in browsers GOV.UK Frontend supports; kept in a
// file, not inline, so the Content-Security-Policy can forbid inline script.
import { initAll } from "../dist/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
