# The operator image: `docker build -t galera-operator:dev .`
# It runs the operator (node /app/dist/src/main.js) and, in every database pod, the sidecar
# agent (node /app/dist/src/sidecar/main.js), so both live under /app.

# Build: all dependencies, compile TypeScript into dist/ (tsconfig.json: outDir dist, rootDir .).
# Only src/ is copied, so tsconfig's hack/ and test/ globs match nothing here.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npx tsc -p tsconfig.json

# Production dependencies only.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY package.json ./
# A fixed numeric non-root user, so runAsNonRoot can verify it (the Deployment runs as 65532).
USER 65532:65532
ENTRYPOINT ["node"]
CMD ["/app/dist/src/main.js"]
