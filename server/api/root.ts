import { accountRouter } from './routers/account';
import { addressesRouter } from './routers/addresses';
import { authRouter } from './routers/auth';
import { composeRouter } from './routers/compose';
import { conversationsRouter } from './routers/conversations';
import { domainsRouter } from './routers/domains';
import { mailRouter } from './routers/mail';
import { outboundRouter } from './routers/outbound';
import { searchIndexRouter } from './routers/search-index';
import { router } from './trpc';

export const appRouter = router({
  auth: authRouter,
  account: accountRouter,
  mail: mailRouter,
  domains: domainsRouter,
  addresses: addressesRouter,
  outbound: outboundRouter,
  compose: composeRouter,
  conversations: conversationsRouter,
  searchIndex: searchIndexRouter,
});

export type AppRouter = typeof appRouter;
