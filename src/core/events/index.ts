/** The pure event-log core: types, redaction, hash chain, NDJSON/CSV export, summary, HTML report. */
export * from './types.ts';
export * from './redact.ts';
export * from './canonical.ts';
export * from './schema.ts';
export * from './chain.ts';
export * from './ndjson.ts';
export * from './signature.ts';
export * from './verify.ts';
export * from './csv.ts';
export * from './summary.ts';
export * from './report-html.ts';
