import type { Metadata } from 'next';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import { Providers } from './providers';
import './globals.css';

export const metadata: Metadata = {
  title: 'Sealpost',
  description: 'End-to-end encrypted mail you host yourself',
};

// Every page renders per request: Next puts the request's CSP nonce on its scripts only then
// (proxy.ts makes a new one for each response).
export default async function RootLayout({ children }: { children: ReactNode }) {
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
