import { redirect } from 'next/navigation';
import { getCurrentSession } from '@/server/auth/current-session';
import { LoginForm } from './login-form';

export const dynamic = 'force-dynamic';

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ reason?: string }> }) {
  if (await getCurrentSession()) redirect('/inbox');
  const { reason } = await searchParams;
  return <LoginForm reason={reason ?? null} />;
}
