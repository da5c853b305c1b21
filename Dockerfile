# Sealpost in a container (docs/operations.md). One image for every role: the command picks it.
#   docker build -t sealpost .
#   docker run ... sealpost web|smtp|worker
# Untested in a live container runtime: no runtime runs where this file was written.

# --- build: all dependencies, then the Next.js bundle -----------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/lock-foreign-optionals.mjs scripts/
RUN npm ci --no-audit --no-fund
COPY . .
ENV NEXT_TELEMETRY_DISABLED=1
RUN npm run build

# --- runtime dependencies only -----------------------------------------------------------------
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/lock-foreign-optionals.mjs scripts/
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime -----------------------------------------------------------------------------------
FROM node:20-bookworm-slim
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 DATA_DIR=/var/lib/sealpost PORT=3000 SMTP_PORT=2525
RUN groupadd --system --gid 10001 sealpost \
 && useradd --system --uid 10001 --gid sealpost --home-dir /var/lib/sealpost --shell /usr/sbin/nologin sealpost \
 && mkdir -p /var/lib/sealpost && chown sealpost:sealpost /var/lib/sealpost
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/.next ./.next
COPY --from=build /app/package.json /app/next.config.mjs /app/tsconfig.json /app/postcss.config.mjs /app/proxy.ts ./
COPY --from=build /app/app ./app
COPY --from=build /app/bin ./bin
COPY --from=build /app/crypto ./crypto
COPY --from=build /app/db ./db
COPY --from=build /app/mime ./mime
COPY --from=build /app/server ./server
COPY --from=build /app/smtp ./smtp
USER sealpost
VOLUME ["/var/lib/sealpost"]
# 3000: web; 2525: SMTP (map 25 to it); 9464-9466: metrics and the smtp/worker health probe.
EXPOSE 3000 2525 9464 9465 9466
# The web role's health; compose.yaml and the Kubernetes manifests probe the other roles on their metrics port.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "--import", "tsx", "bin/sealpost.ts", "start"]
CMD ["web"]
