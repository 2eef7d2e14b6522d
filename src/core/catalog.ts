import catalogJson from '../../policies/catalog.json' with { type: 'json' };
import { parseHostPattern, type HostPattern } from './hosts.ts';

export interface CatalogService {
  id: string;
  name: string;
  category: string;
  hosts: string[];
}

export interface Catalog {
  categories: Record<string, { name: string }>;
  services: CatalogService[];
}

/** The catalog shipped with the extension (policies/catalog.json). */
export const CATALOG: Catalog = catalogJson as Catalog;

export const CATEGORY_IDS = Object.keys(CATALOG.categories);
export const SERVICE_IDS = CATALOG.services.map((s) => s.id);

export function serviceById(id: string): CatalogService | undefined {
  return CATALOG.services.find((s) => s.id === id);
}

/** Catalog hosts as parsed patterns; a malformed catalog is a build bug, so it throws. */
export function catalogPatterns(catalog: Catalog = CATALOG): Array<{ service: CatalogService; pattern: HostPattern }> {
  const out: Array<{ service: CatalogService; pattern: HostPattern }> = [];
  for (const service of catalog.services) {
    for (const raw of service.hosts) {
      const r = parseHostPattern(raw);
      if (!r.ok) throw new Error(`catalog: ${service.id}: "${raw}" ${r.message}`);
      out.push({ service, pattern: r.pattern });
    }
  }
  return out;
}
