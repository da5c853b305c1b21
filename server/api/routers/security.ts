import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { findUserById } from '../../../db/repositories/user.repository';
import { completeSecondFactor } from '../../../db/repositories/account-security.repository';
import { insertAuditEvent } from '../../../db/repositories/audit.repository';
import { changePassword, confirmPassword, displayName, passwordKdf, replaceRecoveryPhrase, setDisplayName } from '../../auth/account-security.service';
import {
  authenticationResponseSchema,
  changePasswordSchema,
  displayNameSchema,
  newRecoverySchema,
  passkeyNameSchema,
  registrationResponseSchema,
  secondFactorCodeSchema,
  totpCodeSchema,
} from '../../auth/account-security.schemas';
import { authKeySchema } from '../../auth/auth.schemas';
import {
  finishPasskeyRegistration,
  passkeyList,
  passkeyLoginOptions,
  passkeyRegistrationOptions,
  relyingParty,
  removePasskey,
  verifyPasskeyLogin,
} from '../../auth/passkey.service';
import { anySessionFor } from '../../auth/current-session';
import { SESSION_LIFETIME_MS } from '../../auth/session-lifetime';
import {
  beginTotp,
  confirmTotp,
  disableTotp,
  regenerateRecoveryCodes,
  stageAfterPassword,
  twoFactorOverview,
  verifySecondFactorCode,
} from '../../auth/two-factor.service';
import type { Clock } from '../../clock';
import { protectedProcedure, publicProcedure, router } from '../trpc';

const ended = () => new TRPCError({ code: 'UNAUTHORIZED', message: 'Your session has ended. Sign in again.' });

/** A session that passed the password and waits for its second factor. */
const pendingProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const session = ctx.session ? null : await anySessionFor(ctx.sid);
  if (!session?.pending) throw ended();
  return next({ ctx: { ...ctx, pending: session } });
});

/**
 * Setting up a second factor: from a full session, or from a password-only one when the instance
 * requires 2FA and the user has none yet (never when they have one: that would skip it).
 */
const enrolProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const session = await anySessionFor(ctx.sid);
  if (!session) throw ended();
  if (session.pending && (await stageAfterPassword(ctx.db, session.userId)) !== 'enrol') throw ended();
  const user = await findUserById(ctx.db, session.userId);
  if (!user) throw ended();
  return next({ ctx: { ...ctx, enrol: { ...session, address: `${user.username}@${ctx.settings.mailDomain}` } } });
});

/** After enrolment during a required-2FA sign-in, the new factor completes that sign-in. */
async function finishEnrolSignIn(
  ctx: { db: Parameters<typeof completeSecondFactor>[0]; clock: Clock; ip: string | null; enrol: { pending: boolean; sessionId: string; userId: string } },
  method: string,
) {
  if (!ctx.enrol.pending) return;
  await completeSecondFactor(ctx.db, ctx.enrol.sessionId, new Date(ctx.clock.now().getTime() + SESSION_LIFETIME_MS));
  await insertAuditEvent(ctx.db, { event: 'login.succeeded', user_id: ctx.enrol.userId, ip: ctx.ip, details: { secondFactor: method, enrolled: true } });
}

// The library's own option objects: a challenge, the rp, and credential ids. Nothing secret.
const isObject = (v: unknown) => typeof v === 'object' && v !== null;
const requestOptions = z.custom<PublicKeyCredentialRequestOptionsJSON>(isObject);
const creationOptions = z.custom<PublicKeyCredentialCreationOptionsJSON>(isObject);
const recoveryCodesOutput = z.object({ recoveryCodes: z.array(z.string()) });

export const securityRouter = router({
  /** Where a sign-in stands: done, waiting for a second factor (and which kinds), or for enrolment. */
  signInStage: publicProcedure
    .input(z.object({}).optional())
    .output(z.object({ stage: z.enum(['signed-out', 'done', 'verify', 'enrol']), totp: z.boolean(), passkey: z.boolean() }))
    .query(async ({ ctx }) => {
      if (ctx.session) return { stage: 'done' as const, totp: false, passkey: false };
      const session = await anySessionFor(ctx.sid);
      if (!session?.pending) return { stage: 'signed-out' as const, totp: false, passkey: false };
      const stage = await stageAfterPassword(ctx.db, session.userId);
      const overview = await twoFactorOverview(ctx.db, session.userId);
      return { stage: stage === 'enrol' ? ('enrol' as const) : ('verify' as const), totp: overview.totp, passkey: overview.passkeys > 0 };
    }),

  verifyCode: pendingProcedure
    .input(z.object({ code: secondFactorCodeSchema }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await verifySecondFactorCode(ctx.db, ctx.clock, ctx.pending, input.code, ctx.ip);
      return { ok: true as const };
    }),

  passkeyLoginOptions: pendingProcedure
    .input(z.object({}).optional())
    .output(requestOptions)
    .mutation(({ ctx }) => passkeyLoginOptions(ctx.db, relyingParty(ctx.settings.webOrigin), ctx.pending)),

  passkeyLoginVerify: pendingProcedure
    .input(z.object({ response: authenticationResponseSchema }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await verifyPasskeyLogin(ctx.db, ctx.clock, relyingParty(ctx.settings.webOrigin), ctx.pending, input.response, ctx.ip);
      return { ok: true as const };
    }),

  overview: enrolProcedure
    .output(
      z.object({
        totp: z.boolean(),
        passkeys: z.array(z.object({ id: z.string(), name: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable() })),
        recoveryCodesLeft: z.number(),
        required: z.boolean(),
      }),
    )
    .query(async ({ ctx }) => {
      const [overview, passkeys] = await Promise.all([twoFactorOverview(ctx.db, ctx.enrol.userId), passkeyList(ctx.db, ctx.enrol.userId)]);
      return { totp: overview.totp, passkeys, recoveryCodesLeft: overview.recoveryCodesLeft, required: overview.required };
    }),

  totpBegin: enrolProcedure
    .input(z.object({}).optional())
    .output(z.object({ secret: z.string(), uri: z.string(), qrSvg: z.string() }))
    .mutation(({ ctx }) => beginTotp(ctx.db, ctx.enrol.userId, ctx.enrol.address)),

  totpConfirm: enrolProcedure
    .input(z.object({ code: totpCodeSchema }))
    .output(recoveryCodesOutput)
    .mutation(async ({ ctx, input }) => {
      const result = await confirmTotp(ctx.db, ctx.clock, ctx.enrol.userId, input.code, ctx.ip);
      await finishEnrolSignIn(ctx, 'totp');
      return result;
    }),

  passkeyRegisterOptions: enrolProcedure
    .input(z.object({}).optional())
    .output(creationOptions)
    .mutation(({ ctx }) =>
      passkeyRegistrationOptions(ctx.db, relyingParty(ctx.settings.webOrigin), { id: ctx.enrol.userId, address: ctx.enrol.address }, ctx.enrol.sessionId),
    ),

  passkeyRegisterFinish: enrolProcedure
    .input(z.object({ response: registrationResponseSchema, name: passkeyNameSchema }))
    .output(z.object({ recoveryCodes: z.array(z.string()).nullable() }))
    .mutation(async ({ ctx, input }) => {
      const result = await finishPasskeyRegistration(ctx.db, relyingParty(ctx.settings.webOrigin), {
        userId: ctx.enrol.userId,
        sessionId: ctx.enrol.sessionId,
        challenge: ctx.enrol.webauthnChallenge,
        response: input.response,
        name: input.name,
        ip: ctx.ip,
      });
      await finishEnrolSignIn(ctx, 'passkey');
      return result;
    }),

  passkeyRemove: protectedProcedure
    .input(z.object({ id: z.string().uuid() }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await removePasskey(ctx.db, ctx.session.account.id, input.id, ctx.ip);
      return { ok: true as const };
    }),

  totpDisable: protectedProcedure
    .input(z.object({ currentAuthKey: authKeySchema }))
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await confirmPassword(ctx.db, ctx.clock, ctx.session, input.currentAuthKey, ctx.ip);
      await disableTotp(ctx.db, ctx.session.account.id, ctx.ip);
      return { ok: true as const };
    }),

  recoveryCodesRegenerate: protectedProcedure
    .input(z.object({}).optional())
    .output(recoveryCodesOutput)
    .mutation(async ({ ctx }) => ({ recoveryCodes: await regenerateRecoveryCodes(ctx.db, ctx.session.account.id, ctx.ip) })),

  passwordKdf: protectedProcedure
    .output(z.object({ salt: z.string(), opslimit: z.number(), memlimit: z.number() }))
    .query(({ ctx }) => passwordKdf(ctx.db, ctx.session)),

  changePassword: protectedProcedure
    .input(changePasswordSchema)
    .output(z.object({ otherSessionsEnded: z.number() }))
    .mutation(({ ctx, input }) => changePassword(ctx.db, ctx.clock, ctx.session, input, ctx.ip)),

  replaceRecoveryPhrase: protectedProcedure
    .input(newRecoverySchema)
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx, input }) => {
      await replaceRecoveryPhrase(ctx.db, ctx.clock, ctx.session, input, ctx.ip);
      return { ok: true as const };
    }),

  displayName: protectedProcedure
    .output(z.object({ displayName: z.string().nullable() }))
    .query(async ({ ctx }) => ({ displayName: await displayName(ctx.db, ctx.session) })),

  setDisplayName: protectedProcedure
    .input(z.object({ displayName: displayNameSchema }))
    .output(z.object({ displayName: z.string().nullable() }))
    .mutation(async ({ ctx, input }) => {
      await setDisplayName(ctx.db, ctx.session, input.displayName);
      return { displayName: input.displayName };
    }),
});
