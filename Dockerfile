# syntax=docker/dockerfile:1
# One image for every Fanout service; its command chooses which one runs:
#   docker run fanout node /app/dist/apps/web-worker/main.js
#   docker run fanout node /app/dist/apps/cli/main.js status --nats nats://nats:4222
# The default command is the orchestrator. See docker-compose.yml and deploy/k8s.

ARG NODE_VERSION=24

# --- build: every dependency, then esbuild bundles apps/*/src/main.ts into dist/ ----------
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the one install script package.json allows is the `node` package's,
# which would fetch a second Node.js 24 that this base image already is.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json ./
COPY scripts scripts
COPY libs libs
COPY apps apps
# `node`, not `npm run build`: npm's scripts put node_modules/.bin first on PATH, where the
# `node` package's binary was never installed (above).
RUN node scripts/build.mjs

# --- deps: what the bundles import at run time, and nothing else ---------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# --- runtime -------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
# ripgrep for commands bash.exec runs (code.grep uses the rg its npm package ships);
# bubblewrap is bash.exec's sandbox (perl-base, which its launcher needs, is in every
# Debian image); tini as PID 1 reaps the processes commands leave behind and passes
# SIGTERM on, so a service drains.
RUN apt-get update \
  && apt-get install -y --no-install-recommends ripgrep bubblewrap tini ca-certificates \
  && rm -rf /var/lib/apt/lists/*
# A fixed numeric id, so Kubernetes' runAsNonRoot can check it without reading /etc/passwd.
RUN groupadd --gid 10001 fanout \
  && useradd --uid 10001 --gid fanout --create-home --home-dir /home/fanout --shell /usr/sbin/nologin fanout
WORKDIR /app
COPY --from=deps /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
ENV NODE_ENV=production \
    FANOUT_HTTP_PORT=9464
USER 10001:10001
# /healthz, /readyz and /metrics of whichever service runs.
EXPOSE 9464
# Node is always there, curl is not: a one-line fetch is the probe.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.FANOUT_HTTP_PORT||9464}/healthz`).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "/app/dist/apps/orchestrator/main.js"]
