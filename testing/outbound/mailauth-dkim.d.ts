// mailauth 4.x ships no types; this covers its DKIM verifier, which outbound tests use as an
// independent check of nodemailer's signatures.
declare module 'mailauth/lib/dkim/verify' {
  export function dkimVerify(
    input: Buffer,
    options: { resolver?: (name: string, rrtype: string) => Promise<unknown> },
  ): Promise<{ results: { signingDomain?: string; selector?: string; status: { result: string; comment?: string } }[] }>;
}

// The same module by its file name, as Node's ESM loader (Playwright's tests) must import it.
declare module 'mailauth/lib/dkim/verify.js' {
  export * from 'mailauth/lib/dkim/verify';
}
