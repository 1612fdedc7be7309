// Types for make-icons.mjs, so the tests (.ts) can import it.
export const LINUX_SIZES: number[];
export const ICO_SIZES: number[];
export const ICNS_TYPES: [string, number][];
export const PNG_SIGNATURE: Buffer;
export function render(size: number, kind?: 'app' | 'file'): Buffer;
export function encodePng(rgba: Buffer, width: number, height: number): Buffer;
export function encodeIco(pngsBySize: Record<number, Buffer>): Buffer;
export function encodeIcns(pngsBySize: Record<number, Buffer>, types?: [string, number][]): Buffer;
export function makeIcons(outDir?: string, log?: (message: string) => void): void;
