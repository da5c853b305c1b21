import { Zip, ZipPassThrough } from 'fflate';

/**
 * A .zip of .eml files, written as it goes: fflate's streaming Zip emits each file's bytes as soon
 * as it is added, so only one message is in memory at a time. Stored, not deflated: most of a
 * mailbox's bytes are attachments that are compressed already, and deflating the rest would cost
 * the export's CPU for little.
 */
export interface ZipStream {
  add(name: string, data: Uint8Array, date: Date): Uint8Array[];
  end(): Uint8Array[];
}

export function createZipStream(): ZipStream {
  let out: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((err, chunk) => {
    if (err) failure = err;
    else out.push(chunk);
  });
  const drain = () => {
    if (failure) throw failure;
    const chunks = out;
    out = [];
    return chunks;
  };
  return {
    add(name, data, date) {
      const file = new ZipPassThrough(name);
      // DOS time can't say before 1980; an older (or absurd) date would make fflate throw.
      file.mtime = date.getUTCFullYear() >= 1980 && date.getUTCFullYear() < 2100 ? date : new Date('1980-01-01T00:00:00Z');
      zip.add(file);
      file.push(data, true);
      return drain();
    },
    end() {
      zip.end();
      return drain();
    },
  };
}

/** A file name for one message: its folder, then time and id, which sort like the mailbox. */
export function emlName(item: { folder: string; receivedAt: string; id: string }): string {
  return `${item.folder}/${item.receivedAt.replace(/[:.]/g, '-')}-${item.id.slice(0, 8)}.eml`;
}
