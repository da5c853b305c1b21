import { accountRouter } from './routers/account';
import { addressesRouter } from './routers/addresses';
import { authRouter } from './routers/auth';
import { composeRouter } from './routers/compose';
import { domainsRouter } from './routers/domains';
import { mailRouter } from './routers/mail';
import { organizeRouter } from './routers/organize';
import { outboundRouter } from './routers/outbound';
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
});

export type AppRouter = typeof appRouter;
