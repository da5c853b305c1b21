'use client';

/**
 * Saves decrypted bytes as a file. The Blob is always application/octet-stream: a Blob URL has
 * Sealpost's origin, so an HTML or SVG attachment opened in place could run script there.
 */
export function downloadBytes(bytes: Uint8Array, filename: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // Revoking at once can cancel the download in some browsers; a minute is plenty to start it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function attachmentName(attachment: { filename: string | null }, index: number): string {
  return attachment.filename?.trim() || `attachment-${index + 1}`;
}
