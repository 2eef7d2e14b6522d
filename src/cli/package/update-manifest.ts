/**
 * The update manifest Chrome and Edge fetch from the URL in `ExtensionInstallForcelist`
 * ("<id>;<update URL>") to find a self-hosted extension: Google's "gupdate" XML, as
 * Chromium's extensions/browser/updater/safe_manifest_parser.cc reads it. See
 * docs/admin-guide.md, "Self-hosting".
 */
import { xmlText } from '../deploy/formats.ts';

export const GUPDATE_NAMESPACE = 'http://www.google.com/update2/response';

export interface UpdateManifestEntry {
  /** The extension id the signing key gives. */
  id: string;
  /** manifest.json's `version`. */
  version: string;
  /** Absolute URL of the .crx. */
  codebase: string;
  /** SHA-256 of the .crx, lower-case hex. Recorded for audit and other update clients; Chromium 156 installs a
   * mismatching download all the same (tried): the CRX signature is what it verifies. */
  sha256: string;
  /** Oldest browser version the package runs on (manifest.json's `minimum_chrome_version`). */
  prodversionmin?: string;
}

export function updateManifestXml(e: UpdateManifestEntry): string {
  const attrs = [
    `codebase="${xmlAttr(e.codebase)}"`,
    `version="${xmlAttr(e.version)}"`,
    `hash_sha256="${e.sha256}"`,
    ...(e.prodversionmin ? [`prodversionmin="${xmlAttr(e.prodversionmin)}"`] : []),
  ];
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<gupdate xmlns="${GUPDATE_NAMESPACE}" protocol="2.0">`,
    `  <app appid="${e.id}">`,
    `    <updatecheck ${attrs.join(' ')}/>`,
    `  </app>`,
    `</gupdate>`,
    '',
  ].join('\n');
}

function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;');
}
