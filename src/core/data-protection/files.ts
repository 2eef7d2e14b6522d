/**
 * Files a person pastes, drops or chooses for upload (docs/data-protection.md, "Files"). A
 * text-like file up to FILE_SCAN_LIMIT is read and scanned like pasted text; any other file
 * (a photo, a PDF, a spreadsheet, anything larger) cannot be read here and is judged by the
 * policy alone: it counts as one `file-not-scanned` finding, so under `warn` the person is
 * asked and under `block` it is refused. A photo of a patient is patient data too.
 * The file's name decides nothing but its kind and never leaves the page.
 */

/** 1 MiB: a scan takes well under 100 ms (`npm run bench`), a clinic letter or an HL7 batch fits. */
export const FILE_SCAN_LIMIT = 1 << 20;

const TEXT_TYPE = /^text\/|^application\/(?:json|ld\+json|xml|csv|x-ndjson|ndjson|rtf|x-yaml|yaml|sql|hl7-v2|fhir\+json|fhir\+xml|x-www-form-urlencoded)$|\+(?:xml|json)$/i;
// HL7 v2 (.hl7), CDA/CCD documents, FHIR bundles and the usual exports of clinical systems.
const TEXT_EXTENSION = /\.(?:txt|text|csv|tsv|tab|json|ndjson|jsonl|xml|html?|md|markdown|rtf|log|hl7|cda|ccd|ccda|fhir|yaml|yml|ini|sql|vcf|ics|eml)$/i;

export type FilePlan = 'scan' | 'unscanned';

/** Whether a file is read and scanned, or judged by the policy alone. */
export function filePlan(file: { name: string; type: string; size: number }): FilePlan {
  if (file.size > FILE_SCAN_LIMIT) return 'unscanned';
  return TEXT_TYPE.test(file.type) || TEXT_EXTENSION.test(file.name) ? 'scan' : 'unscanned';
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/**
 * The text of clipboard or dropped HTML when no plain text came with it: tags become spaces
 * (so "<td>123</td><td>45</td>" does not read as one number) and common entities are decoded.
 */
export function htmlText(html: string): string {
  return html
    .replace(/<(?:script|style)\b[^>]*>[\s\S]*?<\/(?:script|style)>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,6});/gi, (whole, name: string) => {
      if (name[0] === '#') {
        const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
      }
      return ENTITIES[name.toLowerCase()] ?? whole;
    });
}
