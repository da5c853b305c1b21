import { type Page, expect } from '@playwright/test';

/** A tRPC query as the signed-in page would make it (same cookies). */
export async function trpcQuery<T>(page: Page, path: string, input: unknown): Promise<T> {
  const response = await page.request.get(`/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`);
  expect(response.ok()).toBe(true);
  return ((await response.json()) as { result: { data: T } }).result.data;
}

export interface OutboundRow {
  id: string;
  status: string;
  sendAt: string;
  attempts: number;
  recipients: { address: string; status: string; attempts: number }[];
}

export const outboundList = (page: Page) => trpcQuery<OutboundRow[]>(page, 'outbound.list', { limit: 100 });

/** Opens compose with the keyboard shortcut and fills it; the caller sends. */
export async function composeMessage(page: Page, message: { to: string[]; subject: string; body: string; attach?: { name: string; content: string } }) {
  await page.getByRole('heading', { name: 'Inbox' }).click();
  await page.keyboard.press('c');
  const compose = page.getByTestId('compose');
  await expect(compose).toBeVisible();
  const to = compose.getByRole('combobox', { name: 'To' });
  for (const address of message.to) {
    await to.fill(address);
    await to.press('Enter');
  }
  await compose.getByLabel('Subject').fill(message.subject);
  await compose.getByTestId('rich-editor').click();
  await page.keyboard.type(message.body);
  if (message.attach) {
    await compose
      .getByLabel('Files to attach')
      .setInputFiles({ name: message.attach.name, mimeType: 'text/plain', buffer: Buffer.from(message.attach.content) });
    await expect(compose.getByTestId('compose-attachment').filter({ hasText: message.attach.name })).toBeVisible();
  }
  return compose;
}
