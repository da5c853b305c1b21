// mailauth 4.x ships no types; this covers the part Sealpost calls.
declare module 'mailauth' {
  export type MailauthResolver = (name: string, rrtype: string) => Promise<unknown>;

  interface Status {
    result: string;
    comment?: string;
  }

  export interface AuthenticateResult {
    dkim: { results?: { status: Status; info?: string; signingDomain?: string }[]; headerFrom?: string[] };
    spf: { status: Status; info?: string; header?: string; domain?: string } | false;
    dmarc: { status: Status; info?: string; domain?: string; policy?: string } | false;
    arc: { status: Status; info?: string } | false;
    /** Received-SPF and Authentication-Results (and ARC seals when sealing), CRLF-terminated. */
    headers: string;
  }

  export function authenticate(
    input: Buffer | string | NodeJS.ReadableStream,
    opts: {
      ip?: string;
      helo?: string;
      sender?: string;
      mta?: string;
      resolver?: MailauthResolver;
      disableBimi?: boolean;
      disableArc?: boolean;
      disableDmarc?: boolean;
      trustReceived?: boolean;
      minBitLength?: number;
      maxResolveCount?: number;
      maxVoidCount?: number;
    },
  ): Promise<AuthenticateResult>;
}
