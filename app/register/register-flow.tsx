'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { AuthCard, StepProgress } from '@/app/components/ui';
import { createAccount, prepareAccount } from '@/app/lib/auth-flows';
import { errorMessage, useTRPCClient } from '@/app/lib/trpc';
import type { RegistrationPayload } from '@/crypto/account';
import { type Credentials, RegisterForm } from './register-form';
import { PhraseConfirm, PhraseDisplay } from './recovery-phrase';

type Stage =
  | { name: 'form'; error: string | null }
  | { name: 'preparing'; step: string }
  | { name: 'phrase'; payload: RegistrationPayload; phrase: string }
  | { name: 'confirm'; payload: RegistrationPayload; phrase: string; busy: string | null; error: string | null };

const PREPARE_STEPS = ['Generating your encryption keys…', 'Protecting them with your password…', 'Creating your recovery phrase…'];

/** Sign-up: keys are made first, the phrase shown and confirmed, and only then the account saved. */
/** `invite`: the token of a single-use invitation link (/register?invite=…), spent with the registration. */
export function RegisterFlow({ mailDomain, invite }: { mailDomain: string; invite?: string }) {
  const client = useTRPCClient();
  const router = useRouter();
  const [stage, setStage] = useState<Stage>({ name: 'form', error: null });

  async function onCredentials({ username, password, existingKey }: Credentials): Promise<string | null> {
    try {
      const { available } = await client.auth.usernameAvailable.query({ username });
      if (!available) return 'That username is taken. Choose another.';
      setStage({ name: 'preparing', step: PREPARE_STEPS[0] });
      const prepared = await prepareAccount(username, `${username}@${mailDomain}`, password, (step) => setStage({ name: 'preparing', step }), existingKey);
      setStage({ name: 'phrase', payload: prepared.payload, phrase: prepared.phrase });
    } catch (err) {
      setStage({ name: 'form', error: errorMessage(err) });
    }
    return null;
  }

  async function onConfirmed(payload: RegistrationPayload, phrase: string) {
    try {
      await createAccount(client, payload, invite, (busy) => setStage({ name: 'confirm', payload, phrase, busy, error: null }));
      router.replace('/inbox');
    } catch (err) {
      setStage({ name: 'confirm', payload, phrase, busy: null, error: errorMessage(err) });
    }
  }

  switch (stage.name) {
    case 'form':
      return (
        <AuthCard title="Create your account" subtitle="Your keys are made in this browser. Your password never leaves it.">
          <RegisterForm mailDomain={mailDomain} busy={false} error={stage.error} onSubmit={onCredentials} />
        </AuthCard>
      );
    case 'preparing':
      return (
        <AuthCard title="Creating your keys">
          <StepProgress label={stage.step} step={Math.max(1, PREPARE_STEPS.indexOf(stage.step) + 1)} total={PREPARE_STEPS.length + 1} />
        </AuthCard>
      );
    case 'phrase':
      return (
        <AuthCard title="Your recovery phrase">
          <PhraseDisplay phrase={stage.phrase} onContinue={() => setStage({ ...stage, name: 'confirm', busy: null, error: null })} />
        </AuthCard>
      );
    case 'confirm':
      return (
        <AuthCard title="Confirm your recovery phrase" subtitle={stage.error ?? stage.busy ?? undefined}>
          <PhraseConfirm
            phrase={stage.phrase}
            busy={stage.busy !== null}
            onBack={() => setStage({ name: 'phrase', payload: stage.payload, phrase: stage.phrase })}
            onConfirmed={() => onConfirmed(stage.payload, stage.phrase)}
          />
        </AuthCard>
      );
  }
}
