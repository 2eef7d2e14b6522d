import type { ChildProcess } from 'node:child_process';

export function extensionIdOf(extensionDir: string): string;
export function openDemoBrowser(options: { browser: string; extensionDir: string; profile: string; url: string; extraArgs?: string[]; waitMs?: number }): Promise<ChildProcess>;
