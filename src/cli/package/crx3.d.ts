// The part of the `crx3` package (no types of its own) that crx.ts uses.
declare module 'crx3' {
  export default function writeCrx3(files: string[], options: { keyPath: string; crxPath: string }): Promise<{ appId: string }>;
}
