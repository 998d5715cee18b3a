# syntax=docker/dockerfile:1
#
# Tandem — Slack mentorship bot.
#   docker build -t tandem .
#   docker run --env-file .env -p 3000:3000 -v tandem-data:/app/data tandem
# Slack tokens and secrets are passed at run time (--env-file / orchestrator
# secrets); never bake them into the image.

# ---- build: compile TypeScript to dist/ -------------------------------------
FROM node:26-slim AS build
WORKDIR /app

COPY package.json package-lock.json ./
RUN npm ci

COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
COPY bin ./bin
# tsc -p tsconfig.build.json emits dist/src/** and dist/migrations/**
RUN npm run build

# ---- runtime: production dependencies + compiled output only ----------------
FROM node:26-slim

LABEL org.opencontainers.image.title="Tandem" \
      org.opencontainers.image.description="A Slack bot that runs a mentorship program: DTRs, weekly check-ins, Friday standups and staff alerts." \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.source="https://github.com/tandem-mentorship/tandem"

ENV NODE_ENV=production
WORKDIR /app

# Production dependencies include embedded-postgres: PostgreSQL 15 binaries (~60 MB), used when
# DATABASE_URL is unset. Its install script (symlinks for the libraries) is allowed in package.json.
# The root postinstall finds no scripts/ here and only prints that the first start will run initdb:
# the image carries no template cluster (README, Deployment: one password in every copy of the image).
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY manifest.yml ./
# The one font charts are drawn with (the image has none; resvg loads no system font).
COPY assets ./assets

# Data directory (the embedded PostgreSQL cluster and its generated password) must be writable by
# the unprivileged user, who also runs the embedded server: PostgreSQL refuses to run as root.
RUN mkdir -p /app/data && chown node:node /app/data

# V8 grows its heap lazily on a large machine: during a 10,000-pair fan-out the bot's live heap stays
# under 30 MiB, yet without a cap the process reached 240 MiB RSS; with these caps, 122 MiB at the
# same throughput (bench/RESULTS.md, "fan-out in a separate bot process"). `npm start` passes the
# same flags (package.json). Override NODE_OPTIONS to raise them.
ENV PORT=3000 \
    DATA_DIR=/app/data \
    NODE_OPTIONS="--max-old-space-size=192 --max-semi-space-size=2"
VOLUME ["/app/data"]
EXPOSE 3000

USER node

# node:*-slim ships without curl/wget, so probe /healthz with Node's fetch.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

CMD ["node", "bin/tandem.js", "start"]
