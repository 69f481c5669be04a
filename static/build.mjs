// Builds static/dist from the pinned govuk-frontend package: the council's stylesheet
// (GOV.UK Frontend compiled with the council's colours and fonts), the GOV.UK Frontend
// JavaScript, and its images. Run by `npm run build`; the output is not committed.
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const dist = join(root, "static", "dist");

mkdirSync(dist, { recursive: true });
const result = sass.compile(join(root, "static", "scss", "council.scss"), {
  style: "compressed",
  importers: [new sass.NodePackageImporter()],
  quietDeps: true,
  silenceDeprecations: ["import", "global-builtin", "slash-div", "if-function"],
});
writeFileSync(join(dist, "council.css"), result.css);
cpSync(join(govuk, "govuk-frontend.min.js"), join(dist, "govuk-frontend.min.js"));
cpSync(join(govuk, "assets", "images"), join(dist, "assets", "images"), { recursive: true });
console.log(`Built ${dist}`);
