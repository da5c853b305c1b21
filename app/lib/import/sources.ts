import { MboxError, readMbox } from '../export/mbox';
import type { SourceMessage } from './import-mail';

/**
 * The messages of the files a user picked, in order: an `.mbox` read a chunk at a time, an `.eml`
 * as one message. A position says where to pick up: which file, and for an mbox the byte offset of
 * the next message (the file is sliced there, so nothing before it is read again).
 */
export interface FilePosition {
  file: number;
  offset: number;
}

export interface PickedFile {
  name: string;
  size: number;
  lastModified?: number;
  slice(start?: number): Blob;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export const isMbox = (name: string) => /\.(mbox|mbx)$/i.test(name) || !/\.[a-z0-9]+$/i.test(name);
export const isEml = (name: string) => /\.eml$/i.test(name);

/** The reason a set of files can't be imported, or null when it can. */
export function filesProblem(files: PickedFile[], maxMessageBytes: number): string | null {
  if (files.length === 0) return 'Choose one or more .mbox or .eml files.';
  for (const file of files) {
    if (!isMbox(file.name) && !isEml(file.name)) return `${file.name} is neither an .mbox nor an .eml file.`;
    if (isEml(file.name) && file.size > maxMessageBytes) return `${file.name} is over the ${Math.floor(maxMessageBytes / 1048576)} MB limit for one message.`;
  }
  return null;
}

export async function* fileMessages(files: PickedFile[], from: FilePosition, maxMessageBytes: number): AsyncGenerator<SourceMessage<FilePosition>> {
  for (let index = from.file; index < files.length; index++) {
    const file = files[index]!;
    const offset = index === from.file ? from.offset : 0;
    if (isEml(file.name)) {
      if (offset > 0) continue; // stored before the reload
      yield { raw: new Uint8Array(await file.arrayBuffer()), next: { file: index + 1, offset: 0 } };
      continue;
    }
    try {
      for await (const message of readMbox(file.slice(offset).stream(), { offset, maxMessageBytes })) {
        yield { raw: message.raw, next: { file: index, offset: message.end }, fallbackDate: message.separatorDate };
      }
    } catch (err) {
      if (err instanceof MboxError) throw new MboxError(`${file.name}: ${err.message}`);
      throw err;
    }
  }
}

/** A name for this set of files that reveals nothing about them: where its resume position is kept. */
export async function filesFingerprint(owner: string, files: PickedFile[]): Promise<string> {
  const text = JSON.stringify([owner, ...files.map((f) => [f.name, f.size, f.lastModified ?? 0])]);
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
