import { accountRouter } from './routers/account';
import { adminRouter } from './routers/admin';
import { addressesRouter } from './routers/addresses';
import { authRouter } from './routers/auth';
import { composeRouter } from './routers/compose';
import { conversationsRouter } from './routers/conversations';
import { domainsRouter } from './routers/domains';
import { mailRouter } from './routers/mail';
import { organizeRouter } from './routers/organize';
import { outboundRouter } from './routers/outbound';
import { securityRouter } from './routers/security';
import { transferRouter } from './routers/transfer';
import { filtersRouter } from './routers/filters';
import { searchIndexRouter } from './routers/search-index';
import { platformRouter } from './routers/platform';
import { identitiesRouter } from './routers/identities';
import { contactsRouter } from './routers/contacts';
import { router } from './trpc';

export const appRouter = router({
  auth: authRouter,
  account: accountRouter,
  mail: mailRouter,
  organize: organizeRouter,
  domains: domainsRouter,
  addresses: addressesRouter,
  outbound: outboundRouter,
  compose: composeRouter,
  security: securityRouter,
  admin: adminRouter,
  transfer: transferRouter,
  filters: filtersRouter,
  conversations: conversationsRouter,
  searchIndex: searchIndexRouter,
  platform: platformRouter,
  identities: identitiesRouter,
  contacts: contactsRouter,
});

export type AppRouter = typeof appRouter;
