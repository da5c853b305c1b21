// mailauth 4.x ships no types; this covers its DKIM verifier, which outbound tests use as an
// independent check of nodemailer's signatures.
declare module 'mailauth/lib/dkim/verify' {
  export function dkimVerify(
    input: Buffer,
    options: { resolver?: (name: string, rrtype: string) => Promise<unknown> },
  ): Promise<{ results: { signingDomain?: string; selector?: string; status: { result: string; comment?: string } }[] }>;
}
