import { redirect } from 'next/navigation';
import { getCurrentSession } from '@/server/auth/current-session';

export const dynamic = 'force-dynamic';

export default async function Home() {
  redirect((await getCurrentSession()) ? '/inbox' : '/login');
}
