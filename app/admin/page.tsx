import { redirect } from 'next/navigation';

/** `/admin` is the console's short address: it lives under Settings → Administration. */
export default function AdminPage() {
  redirect('/settings/admin');
}
