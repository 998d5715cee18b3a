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

COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY manifest.yml ./

# Data directory (PGlite database) must be writable by the unprivileged user.
RUN mkdir -p /app/data && chown node:node /app/data

ENV PORT=3000 \
    DATA_DIR=/app/data
VOLUME ["/app/data"]
EXPOSE 3000

USER node

# node:*-slim ships without curl/wget, so probe /healthz with Node's fetch.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

CMD ["node", "bin/tandem.js", "start"]
