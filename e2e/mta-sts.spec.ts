import { expect, test } from '@playwright/test';
import { E2E } from '../playwright.config';
import { insertVerifiedDomain } from './domain-helpers';
import { createUserWithCli, uniqueName } from './helpers';
import { openMailbox } from './session';

/**
 * MTA-STS for a hosted domain, as its owner and a sending server see it: the domain page shows the
 * mta-sts CNAME and the _mta-sts and _smtp._tls TXT records, and the web role serves the policy to
 * a request for mta-sts.<domain>.
 */
const PASSWORD = 'mta-sts-password-0123';

test('the domain page shows the MTA-STS and TLS-RPT records, and the policy is served for the domain', async ({ page, request }) => {
  const username = uniqueName('sts');
  const domain = `${uniqueName('sts')}.test`;
  await createUserWithCli(username, PASSWORD);
  await insertVerifiedDomain({ username, domain });
  await openMailbox(page, { username, password: PASSWORD }, '/settings/domains');

  const card = page.locator(`[data-testid="domain-card"][data-domain="${domain}"]`);
  // A verified domain's records start folded.
  await card.getByText('DNS records', { exact: true }).click();
  const records = card.getByTestId('mta-sts-records');
  await expect(records.getByRole('heading', { name: 'Recommended: MTA-STS and TLS reports' })).toBeVisible();
  await expect(records.getByText(/^v=STSv1; id=[0-9a-f]{20}$/)).toBeVisible();
  await expect(records.getByText(`v=TLSRPTv1; rua=mailto:postmaster@${domain}`)).toBeVisible();
  await expect(records.getByRole('button', { name: 'Copy the _smtp._tls value' })).toBeVisible();

  const policy = await request.get(`http://127.0.0.1:${E2E.port}/.well-known/mta-sts.txt`, { headers: { host: `mta-sts.${domain}` } });
  expect(policy.status()).toBe(200);
  expect(await policy.text()).toBe(`version: STSv1\nmode: testing\nmx: ${E2E.mailHostname}\nmax_age: 86400\n`);
  const other = await request.get(`http://127.0.0.1:${E2E.port}/.well-known/mta-sts.txt`, { headers: { host: 'mta-sts.not-hosted.test' } });
  expect(other.status()).toBe(404);
});
